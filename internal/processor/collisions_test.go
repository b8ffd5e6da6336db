package processor_test

import (
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
)

// TestGeneratedIdentifiersDistinct runs the catalogue's collision cases:
// two long-namespaced ensembles get two dashboard uids, and two specs zk
// in two namespaces of one kpt file get files of their own, with every
// path and index once.
func TestGeneratedIdentifiersDistinct(t *testing.T) {
	in, err := os.ReadFile(hostileDir + "/dashboard-uid-long-namespaces/input.yaml")
	require.NoError(t, err)
	out, err := run(t, in)
	require.NoError(t, err)
	uids := regexp.MustCompile(`"uid": "(zk-[^"]+)"`).FindAllStringSubmatch(string(out), -1)
	require.Len(t, uids, 2, "two dashboards")
	assert.NotEqual(t, uids[0][1], uids[1][1])

	in, err = os.ReadFile(hostileDir + "/kpt-same-name-two-namespaces/input.yaml")
	require.NoError(t, err)
	out, err = run(t, in)
	require.NoError(t, err)
	seen := map[string]bool{}
	files := map[string]bool{}
	for _, it := range itemNodes(t, string(out)) {
		a := it.GetAnnotations()
		key := a[kioutil.PathAnnotation] + "#" + a[kioutil.IndexAnnotation]
		assert.False(t, seen[key], "path and index %s twice", key)
		seen[key] = true
		files[a[kioutil.PathAnnotation]] = true
	}
	assert.Equal(t, map[string]bool{"zookeeper.yaml": true, "zk.team-a.zookeeper.yaml": true, "zk.team-b.zookeeper.yaml": true}, files)
}
