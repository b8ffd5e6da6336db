package consistency_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/consistency"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krm"
)

// securedSpec is the body of a ZookeeperSpec with TLS on both ports.
const securedSpec = `
    security:
      tls:
        certManager: {issuerRef: {name: ca, kind: ClusterIssuer}}
        client: {enabled: true}
        quorum: {enabled: true}
      quorumSasl: {secretName: zk-quorum}
`

func renderedSecured(t *testing.T) []*yaml.RNode { return render(t, securedSpec) }

// resultAt finds an error result on kind/name at field path.
func resultAt(rs krm.Results, kind, name, path string) *krm.Result {
	for _, r := range rs {
		if r.ResourceRef != nil && r.ResourceRef.Kind == kind && r.ResourceRef.Name == name && r.Field != nil && r.Field.Path == path {
			return r
		}
	}
	return nil
}

func TestCheckSecured(t *testing.T) {
	items := renderedSecured(t)
	require.NotNil(t, find(items, "Certificate", "zk-tls"), "the secured spec renders a Certificate")
	assert.Empty(t, consistency.Check(items), "a fresh rendering is consistent")

	// A Certificate edited (or generated elsewhere) without one member.
	items = renderedSecured(t)
	cert := find(items, "Certificate", "zk-tls")
	dns, err := cert.Pipe(yaml.Lookup("spec", "dnsNames"))
	require.NoError(t, err)
	require.NoError(t, dns.PipeE(yaml.ElementSetter{Values: []string{"zk-1.zk-headless.prod.svc.cluster.local"}}))
	r := resultAt(consistency.Check(items), "Certificate", "zk-tls", "spec.dnsNames")
	require.NotNil(t, r, "a Certificate that misses a member is reported")
	assert.Contains(t, r.Message, "zk-1.zk-headless.prod.svc.cluster.local")

	// namePrefix applied after rendering: the StatefulSet's pods are now
	// p-zk-<i>, the Certificate still names zk-<i>.
	items = renderedSecured(t)
	for _, it := range items {
		if it.GetKind() != "ZookeeperSpec" {
			require.NoError(t, it.SetName("p-"+it.GetName()))
		}
	}
	set(t, find(items, "StatefulSet", "p-zk"), "p-zk-headless", "spec", "serviceName")
	r = resultAt(consistency.Check(items), "Certificate", "p-zk-tls", "spec.dnsNames")
	require.NotNil(t, r, "a rename after rendering leaves the Certificate behind: %v", consistency.Check(items))
	assert.Contains(t, r.Message, "p-zk-0.p-zk-headless.prod.svc.cluster.local")

	// A NetworkPolicy patched to the plaintext port only.
	items = renderedSecured(t)
	np := find(items, "NetworkPolicy", "zk")
	require.NoError(t, np.PipeE(yaml.Lookup("spec"), yaml.SetField("ingress", yaml.MustParse("- ports: [{port: 2181, protocol: TCP}]"))))
	r = resultAt(consistency.Check(items), "NetworkPolicy", "zk", "spec.ingress")
	require.NotNil(t, r, "a policy without the TLS port is reported")
	assert.Contains(t, r.Message, "2281")

	// SERVER_JVMFLAGS patched for the heap: the JAAS flag is gone.
	items = renderedSecured(t)
	sts := find(items, "StatefulSet", "zk")
	env, err := sts.Pipe(yaml.Lookup("spec", "template", "spec", "containers", "[name=zookeeper]", "env", "[name=SERVER_JVMFLAGS]"))
	require.NoError(t, err)
	require.NotNil(t, env, "the secured pod sets SERVER_JVMFLAGS")
	require.NoError(t, env.PipeE(yaml.SetField("value", yaml.NewScalarRNode("-Xmx2g"))))
	r = resultAt(consistency.Check(items), "StatefulSet", "zk", "spec.template.spec.containers[0].env[SERVER_JVMFLAGS]")
	require.NotNil(t, r, "a patch that drops the JAAS flag is reported: %v", consistency.Check(items))
	assert.Contains(t, r.Message, "spec.jvm")
}
