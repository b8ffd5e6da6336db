package processor_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestScaleWarning: re-rendering an earlier output with another replica
// count replaces the generated objects and warns with the safe procedure.
func TestScaleWarning(t *testing.T) {
	first, err := run(t, specList(3))
	require.NoError(t, err)
	scaled := strings.Replace(string(first), "    replicas: 3\n", "    replicas: 5\n", 1)
	require.NotEqual(t, string(first), scaled, "the spec's replicas line")

	second, err := run(t, []byte(scaled))
	require.NoError(t, err, "a warning is not an error")

	out, err := yaml.Parse(string(second))
	require.NoError(t, err)
	items, err := out.Pipe(yaml.Lookup("items"))
	require.NoError(t, err)
	elems, err := items.Elements()
	require.NoError(t, err)
	statefulSets := 0
	for _, e := range elems {
		if e.GetKind() == "StatefulSet" {
			statefulSets++
			r, err := e.Pipe(yaml.Lookup("spec", "replicas"))
			require.NoError(t, err)
			assert.Equal(t, "5", r.YNode().Value)
		}
	}
	assert.Equal(t, 1, statefulSets, "replaced, not duplicated")
	assert.Contains(t, string(second), "server.5=zk-4.zk-headless.bench.svc.cluster.local:2888:3888;2181")

	results, err := out.Pipe(yaml.Lookup("results"))
	require.NoError(t, err)
	require.NotNil(t, results, "a warning result")
	s, _ := results.String()
	assert.Contains(t, s, "severity: "+string(framework.Warning))
	assert.Contains(t, s, "message: 'spec.replicas changes the ensemble from 3 to 5 members")
	assert.Contains(t, s, "path: spec.replicas")
}

// TestNoScaleWarningOnRerun: the same size again warns about nothing.
func TestNoScaleWarningOnRerun(t *testing.T) {
	first, err := run(t, specList(3))
	require.NoError(t, err)
	second, err := run(t, first)
	require.NoError(t, err)
	assert.NotContains(t, string(second), "members. ZooKeeper's membership")
}

// TestNoScaleWarningWithDynamicMembership: with reconfig every step is
// safe (e2e/scaling proves it), so a resize warns about nothing; the
// wanted members move to the ConfigMap's servers key.
func TestNoScaleWarningWithDynamicMembership(t *testing.T) {
	dynamic := strings.Replace(string(specList(3)), "    replicas: 3\n",
		"    replicas: 3\n    membership: {superuserSecret: {name: zk-su, key: password}}\n", 1)
	first, err := run(t, []byte(dynamic))
	require.NoError(t, err)
	second, err := run(t, []byte(strings.Replace(string(first), "    replicas: 3\n", "    replicas: 1\n", 1)))
	require.NoError(t, err)
	assert.NotContains(t, string(second), "ZooKeeper's membership is static")
	// What to do when a leaving member's pod is lost, as information.
	assert.Contains(t, string(second), "severity: info")
	assert.Contains(t, string(second), "pods zk-1, zk-2 remove their votes (servers 2, 3) in their preStop hook")
	assert.Contains(t, string(second), "bash /conf/reconfig.sh remove 3")
	assert.NotContains(t, string(second), "server.2=")
	assert.Contains(t, string(second), "servers: |\n      server.1=zk-0.zk-headless.bench.svc.cluster.local:2888:3888;2181\n")
}

// TestScaleWarningWhenMovingToDynamic: adding spec.membership and
// changing replicas in one step warns with the safe order; adding it at
// the same size does not.
func TestScaleWarningWhenMovingToDynamic(t *testing.T) {
	first, err := run(t, specList(3))
	require.NoError(t, err)
	const su = "    membership: {superuserSecret: {name: zk-su, key: password}}\n"
	same, err := run(t, []byte(strings.Replace(string(first), "    replicas: 3\n", "    replicas: 3\n"+su, 1)))
	require.NoError(t, err)
	assert.NotContains(t, string(same), "in the same step that adds spec.membership")
	both, err := run(t, []byte(strings.Replace(string(first), "    replicas: 3\n", "    replicas: 5\n"+su, 1)))
	require.NoError(t, err, "a warning is not an error")
	assert.Contains(t, string(both), "from 3 to 5 members in the same step that adds spec.membership")
	assert.Contains(t, string(both), "Apply spec.membership with replicas 3 first")
}
