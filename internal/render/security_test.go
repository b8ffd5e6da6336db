package render

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

const securedSpec = `  security: {tls: {certManager: {issuerRef: {name: ca, kind: ClusterIssuer}}, client: {enabled: true, clientAuth: need}, quorum: {enabled: true}}, digest: {secretName: users}, quorumSasl: {secretName: zk-quorum}}`

func TestSecureZooCfg(t *testing.T) {
	z := spec(t, securedSpec)
	cfg := ZooCfg(z, z.Membership())
	for _, line := range []string{
		"secureClientPort=2281", "sslQuorum=true", "portUnification=false", "ssl.clientAuth=need",
		"ssl.keyStore.type=PEM", "ssl.quorum.keyStore.location=/secure/keystore.pem", "ssl.quorum.trustStore.type=PEM",
		"serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory", "admin.serverAddress=127.0.0.1",
		"authProvider.x509=org.apache.zookeeper.server.auth.X509AuthenticationProvider", "enforce.auth.schemes=sasl",
		"client.certReload=true", "sslQuorumReloadCertFiles=true",
		"quorum.auth.enableSasl=true", "quorum.auth.learnerRequireSasl=true", "quorum.auth.serverRequireSasl=true",
		"quorum.auth.learner.saslLoginContext=QuorumLearner", "quorum.auth.server.saslLoginContext=QuorumServer",
	} {
		assert.Contains(t, cfg, "\n"+line+"\n")
	}
	assert.NotContains(t, cfg, ";2181", "the plaintext client port is closed")
	assert.NotContains(t, cfg, "password", "PEM stores need no password")

	z = spec(t, `  security: {tls: {secretName: s, client: {enabled: true, plaintext: true}}}`)
	assert.Contains(t, ZooCfg(z, z.Membership()), ";2181\n", "the migration mode keeps the plaintext port")
}

func TestSecurePod(t *testing.T) {
	z := spec(t, securedSpec)
	objs := Ensemble(z, z.Membership())
	sts := statefulSet(t, objs)
	c := findContainer(t, sts.Spec.Template.Spec.Containers, "zookeeper")
	assert.Equal(t, []string{"bash", "/conf/secure-start.sh"}, c.Command)
	assert.Equal(t, "users,zk-quorum", sts.Annotations[ReloaderAnnotation], "a rotated JAAS Secret rolls the members where Reloader runs; the TLS Secret is reloaded")
	assert.Equal(t, []string{"bash", "/conf/probe-admin.sh", "ready"}, c.ReadinessProbe.Exec.Command)
	assert.Equal(t, []string{"bash", "/conf/probe-admin.sh", "live"}, c.LivenessProbe.Exec.Command)
	m := mountsByName(c)
	assert.Equal(t, "/tls", m["tls"].MountPath)
	assert.Equal(t, "/secure", m["secure"].MountPath)
	assert.Equal(t, "/digest", m["digest"].MountPath)
	assert.Equal(t, "/quorum-sasl", m["quorum-sasl"].MountPath)
	assert.True(t, m["quorum-sasl"].ReadOnly)
	var ports []string
	for _, p := range c.Ports {
		ports = append(ports, p.Name)
	}
	assert.Contains(t, ports, PortSecure)
	assert.NotContains(t, ports, PortClient)
	var jvm string
	for _, ev := range c.Env {
		if ev.Name == "SERVER_JVMFLAGS" {
			jvm = ev.Value
		}
	}
	assert.Equal(t, 1, strings.Count(jvm, "-Djava.security.auth.login.config=/secure/jaas.conf"), "one JAAS file for clients and members")
	for _, v := range sts.Spec.Template.Spec.Volumes {
		if v.Name == "secure" {
			assert.Equal(t, corev1.StorageMediumMemory, v.EmptyDir.Medium, "derived key material stays off disk")
		}
	}
	cm := ConfigMap(z, z.Membership())
	cm.Data[KeySecureStart], cm.Data[KeyProbeAdmin] = secureStartScript, probeAdminScript
	assert.Equal(t, ConfigHash(cm), sts.Spec.Template.Annotations[ConfigHashAnnotation], "the hash covers the security scripts")
}

// TestQuorumSASLMigration: each step of ZooKeeper's rolling migration to
// quorum SASL renders the three switches QuorumPeerConfig reads.
func TestQuorumSASLMigration(t *testing.T) {
	for name, c := range map[string]struct{ sasl, learner, server string }{
		"step 1":   {`{secretName: q, learnerRequire: false}`, "false", "false"},
		"step 2":   {`{secretName: q, serverRequire: false}`, "true", "false"},
		"step 3":   {`{secretName: q}`, "true", "true"},
		"explicit": {`{secretName: q, learnerRequire: true, serverRequire: true}`, "true", "true"},
	} {
		t.Run(name, func(t *testing.T) {
			z := spec(t, "  security: {quorumSasl: "+c.sasl+"}")
			cfg := ZooCfg(z, z.Membership())
			for _, line := range []string{"quorum.auth.enableSasl=true", "quorum.auth.learnerRequireSasl=" + c.learner, "quorum.auth.serverRequireSasl=" + c.server} {
				assert.Contains(t, cfg, "\n"+line+"\n")
			}
			assert.NotContains(t, cfg, "ssl", "quorum SASL alone renders no TLS")
			sts := statefulSet(t, Ensemble(z, z.Membership()))
			assert.Equal(t, "q", sts.Annotations[ReloaderAnnotation])
			assert.Equal(t, "/quorum-sasl", mountsByName(findContainer(t, sts.Spec.Template.Spec.Containers, "zookeeper"))["quorum-sasl"].MountPath)
		})
	}
	z := spec(t, `  security: {tls: {secretName: s, quorum: {enabled: true}}}`)
	_, set := statefulSet(t, Ensemble(z, z.Membership())).Annotations[ReloaderAnnotation]
	assert.False(t, set, "TLS alone needs no roll on rotation: the server reloads the stores")
}

func TestSecureServicesAndPolicy(t *testing.T) {
	z := spec(t, securedSpec)
	e := z.Names()
	for _, o := range Ensemble(z, z.Membership()) {
		switch o := o.(type) {
		case *corev1.Service:
			var ports []int32
			for _, p := range o.Spec.Ports {
				ports = append(ports, p.Port)
			}
			if o.Name == e.HeadlessService() || o.Name == e.ClientService() {
				assert.Contains(t, ports, int32(2281), o.Name)
				assert.NotContains(t, ports, int32(2181), o.Name)
			}
		case *networkingv1.NetworkPolicy:
			for _, r := range o.Spec.Ingress {
				for _, p := range r.Ports {
					assert.NotEqual(t, int32(2181), p.Port.IntVal, "the closed port is not admitted")
				}
			}
			assert.Equal(t, int32(2281), o.Spec.Ingress[1].Ports[0].Port.IntVal, "clients reach the TLS port")
		case *unstructured.Unstructured:
			require.Equal(t, "Certificate", o.GetKind())
			dns, _, _ := unstructured.NestedStringSlice(o.Object, "spec", "dnsNames")
			for i := 0; i < 3; i++ {
				assert.Contains(t, dns, e.Host(i))
			}
			assert.Contains(t, dns, "zk-client.ns.svc.cluster.local")
			sec, _, _ := unstructured.NestedString(o.Object, "spec", "secretName")
			assert.Equal(t, "zk-tls", sec)
		}
	}
}

func TestSecureOffRendersNothingNew(t *testing.T) {
	z := spec(t, `  replicas: 3`)
	for _, cm := range ofType[*corev1.ConfigMap](Ensemble(z, z.Membership())) {
		assert.NotContains(t, cm.Data, KeySecureStart)
		assert.False(t, strings.Contains(cm.Data[KeyZooCfg], "ssl"), "no TLS keys unless asked")
	}
}
