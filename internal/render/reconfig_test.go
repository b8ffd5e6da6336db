package render

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
)

// e2e/scaling proves dynamic membership on real members; this pins what
// each mode renders.
func TestMembershipModes(t *testing.T) {
	cases := map[string]struct {
		body                         string
		serverLinesInZooCfg, dynamic bool
	}{
		"static by default": {body: "  replicas: 3\n", serverLinesInZooCfg: true},
		"dynamic with a superuser": {
			body:    "  replicas: 3\n  membership: {superuserSecret: {name: zk-su, key: pw}}\n",
			dynamic: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			z := spec(t, tc.body)
			e := z.Membership()
			cm := ConfigMap(z, e)
			cfg := cm.Data[KeyZooCfg]
			assert.Equal(t, tc.serverLinesInZooCfg, strings.Contains(cfg, "\nserver.1="), cfg)
			assert.Equal(t, tc.dynamic, strings.Contains(cfg, "reconfigEnabled=true\n"))
			assert.Equal(t, tc.dynamic, strings.Contains(cfg, "standaloneEnabled=false\n"))
			_, hasServers := cm.Data[KeyServers]
			assert.Equal(t, tc.dynamic, hasServers)
			ps := StatefulSet(z, e, "h").Spec.Template.Spec
			c := ps.Containers[0]
			assert.Equal(t, tc.dynamic, c.Lifecycle != nil && c.Lifecycle.PreStop != nil, "preStop")
			if !tc.dynamic {
				return
			}
			assert.Equal(t, ServerLines(z, e), cm.Data[KeyServers])
			assert.Equal(t, 3, strings.Count(cm.Data[KeyServers], "\n"))
			assert.Contains(t, cfg, "4lw.commands.whitelist=srvr,ruok,mntr,conf,stat\n")
			var secret *corev1.SecretVolumeSource
			for _, v := range ps.Volumes {
				if v.Secret != nil {
					secret = v.Secret
				}
			}
			require.NotNil(t, secret, "the superuser Secret is mounted")
			assert.Equal(t, "zk-su", secret.SecretName)
			assert.Equal(t, []corev1.KeyToPath{{Key: "pw", Path: "pw"}}, secret.Items)
			assert.Contains(t, c.Env, corev1.EnvVar{Name: "ZKFN_SUPERUSER_FILE", Value: "/superuser/pw"})
			for _, ev := range c.Env {
				assert.NotContains(t, ev.Value, "superDigest", "the digest is computed in the pod")
			}
		})
	}
}

func TestMembershipAddsConfOnce(t *testing.T) {
	z := spec(t, "  zookeeper: {fourLetterWords: [srvr, ruok]}\n  membership: {superuserSecret: {name: zk-su, key: pw}}\n")
	cfg := ZooCfg(z, z.Membership())
	assert.Contains(t, cfg, "4lw.commands.whitelist=srvr,ruok,conf\n")
}
