package render

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	psapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
)

// everything turns on every option that adds names, paths and containers.
const everything = `  storage: {dataLog: {}}
  backup: {enabled: true, volume: {}, restore: {from: latest}}
  extras:
    env: [{name: TZ, value: UTC}, {name: DD_ENV, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}]
    envFrom: [{configMapRef: {name: zk-extra-env}, prefix: EXTRA_}]
    volumes: [{name: certs, secret: {secretName: zk-certs}}, {name: shipper, emptyDir: {}}]
    volumeMounts: [{name: certs, mountPath: /etc/zk-certs, readOnly: true}]
    initContainers: [{name: wait-for-dns, image: "busybox:1.36", command: [sh, -c, "true"]}]
    sidecars: [{name: log-shipper, image: "fluent/fluent-bit:3.0", volumeMounts: [{name: logs, mountPath: /logs, readOnly: true}, {name: shipper, mountPath: /state}]}]
`

// The api package refuses user env, volume, path and container names that
// the function uses; its lists must cover everything rendered with every
// option on.
func TestReservedNamesCoverOurs(t *testing.T) {
	p := statefulSet(t, renderAll(spec(t, "  backup: {enabled: true, volume: {}, restore: {from: latest}}\n  storage: {dataLog: {}}\n"))).Spec.Template.Spec
	for _, v := range p.Volumes {
		assert.Contains(t, api.ReservedVolumes, v.Name)
	}
	for _, c := range append(p.InitContainers, p.Containers...) {
		assert.Contains(t, api.ReservedContainers, c.Name)
		for _, m := range c.VolumeMounts {
			assert.Contains(t, api.ReservedPaths, m.MountPath, c.Name)
		}
	}
	for _, e := range findContainer(t, p.Containers, zooKeeperContainer).Env {
		assert.Contains(t, api.ReservedEnv, e.Name)
	}
}

func TestExtrasRender(t *testing.T) {
	z := spec(t, everything+"  imageRegistry: mirror.example.com\n")
	p := statefulSet(t, renderAll(z)).Spec.Template.Spec
	zk := findContainer(t, p.Containers, zooKeeperContainer)
	assert.Equal(t, "TZ", zk.Env[len(zk.Env)-2].Name, "appended after ours")
	assert.Equal(t, "EXTRA_", zk.EnvFrom[0].Prefix)
	assert.Equal(t, "/etc/zk-certs", mountsByName(zk)["certs"].MountPath)
	assert.Equal(t, "restore", p.InitContainers[0].Name, "the restore runs first")
	assert.Equal(t, "wait-for-dns", p.InitContainers[1].Name)
	shipper := findContainer(t, p.Containers, "log-shipper")
	assert.Equal(t, "fluent/fluent-bit:3.0", shipper.Image, "the user's images are used as written")
	assert.Equal(t, "mirror.example.com/library/zookeeper:3.9.6", zk.Image)
	assert.False(t, *shipper.SecurityContext.AllowPrivilegeEscalation, "restricted defaults filled in")
}

// restrictedPod evaluates the rendered pod against the upstream Pod
// Security Standards library at the restricted level.
func restrictedResult(t *testing.T, body string) policy.AggregateCheckResult {
	t.Helper()
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	require.NoError(t, err)
	tmpl := statefulSet(t, renderAll(spec(t, body))).Spec.Template
	lv := psapi.LevelVersion{Level: psapi.LevelRestricted, Version: psapi.LatestVersion()}
	return policy.AggregateCheckResults(evaluator.EvaluatePod(lv, &tmpl.ObjectMeta, &tmpl.Spec))
}

func TestExtrasStayRestricted(t *testing.T) {
	res := restrictedResult(t, everything)
	assert.True(t, res.Allowed, "%s: %s", res.ForbiddenReasons, res.ForbiddenDetails)
	// The opt-out really opts out: a hostPath volume is not restricted.
	res = restrictedResult(t, "  podSecurity: {allowNonRestricted: true}\n  extras: {volumes: [{name: host, hostPath: {path: /var/log}}]}\n")
	assert.False(t, res.Allowed, "a hostPath volume with the opt-out renders, and restricted refuses it")
}

// restrictedV2 models OpenShift's restricted-v2 SecurityContextConstraints
// (4.11+): uid and fsGroup MustRunAsRange from the namespace's annotation
// range, so a pod that names its own ids outside the range is refused;
// non-root, no privilege escalation, ALL capabilities dropped (only
// NET_BIND_SERVICE may be added), RuntimeDefault seccomp, and only
// configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim,
// projected and secret volumes.
func restrictedV2(p corev1.PodSpec, lo, hi int64) []string {
	var why []string
	in := func(v *int64) bool { return v == nil || (*v >= lo && *v <= hi) }
	if sc := p.SecurityContext; sc != nil {
		if !in(sc.RunAsUser) || !in(sc.FSGroup) || !in(sc.RunAsGroup) {
			why = append(why, "pod ids outside the namespace range")
		}
	}
	for _, v := range p.Volumes {
		if !restrictedVolumeForTest(v.VolumeSource) {
			why = append(why, "volume "+v.Name)
		}
	}
	for _, c := range append(p.InitContainers, p.Containers...) {
		sc := c.SecurityContext
		switch {
		case sc == nil:
			why = append(why, c.Name+": no securityContext")
		case !in(sc.RunAsUser):
			why = append(why, c.Name+": uid outside the range")
		case sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation:
			why = append(why, c.Name+": privilege escalation")
		case sc.Capabilities == nil || len(sc.Capabilities.Drop) != 1 || sc.Capabilities.Drop[0] != "ALL":
			why = append(why, c.Name+": capabilities not dropped")
		case sc.SeccompProfile == nil && (p.SecurityContext == nil || p.SecurityContext.SeccompProfile == nil):
			why = append(why, c.Name+": no seccomp profile")
		}
	}
	return why
}

func restrictedVolumeForTest(v corev1.VolumeSource) bool {
	return v.ConfigMap != nil || v.CSI != nil || v.DownwardAPI != nil || v.EmptyDir != nil ||
		v.Ephemeral != nil || v.PersistentVolumeClaim != nil || v.Projected != nil || v.Secret != nil
}

func TestOpenShiftRestrictedV2(t *testing.T) {
	const lo, hi = 1000680000, 1000689999 // a typical openshift.io/sa.scc.uid-range
	plain := statefulSet(t, renderAll(spec(t, everything))).Spec.Template.Spec
	assert.NotEmpty(t, restrictedV2(plain, lo, hi), "uid 1000 is outside the range: restricted-v2 refuses the default pod")
	os := statefulSet(t, renderAll(spec(t, everything+"  podSecurity: {openShift: true}\n"))).Spec.Template.Spec
	assert.Empty(t, restrictedV2(os, lo, hi))
	sc := os.SecurityContext
	assert.Nil(t, sc.RunAsUser)
	assert.Nil(t, sc.FSGroup)
	assert.True(t, *sc.RunAsNonRoot, "everything else stays restricted")
	assert.Equal(t, corev1.SeccompProfileTypeRuntimeDefault, sc.SeccompProfile.Type)
	// And it is still restricted by the Pod Security Standards.
	res := restrictedResult(t, everything+"  podSecurity: {openShift: true}\n")
	assert.True(t, res.Allowed, "%s", res.ForbiddenReasons)
}
