package render

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
)

// carriedSpec is a spec as kustomize hands it to the function after an
// overlay's `labels` and `commonAnnotations`, with kustomize's and kpt's
// bookkeeping annotations.
const carriedSpec = `apiVersion: zookeeper-fn.dev/v1alpha1
kind: ZookeeperSpec
metadata:
  name: zk
  namespace: ns
  labels: {team: data, app.kubernetes.io/part-of: orders, app.kubernetes.io/name: zookeeper}
  annotations:
    owner-team: data@example.com
    config.kubernetes.io/local-config: "true"
    config.kubernetes.io/index: "0"
    internal.config.kubernetes.io/path: base/zk.yaml
    kustomize.config.k8s.io/id: "1"
    config.k8s.io/id: "1"
    zookeeper-fn.dev/owner: other/zk
spec:
  backup: {enabled: true, volume: {}}
  storage: {className: local, storageClass: {provisioner: kubernetes.io/no-provisioner}, persistentVolumes: {nodes: [a, b, c], path: /mnt/zk}}
`

func TestCarriedMetadata(t *testing.T) {
	js, err := yaml.YAMLToJSON([]byte(carriedSpec))
	require.NoError(t, err)
	z, ps := api.Decode(js)
	require.Empty(t, ps)
	ps = z.Check()
	require.False(t, ps.HasErrors(), ps.Error())
	for _, o := range renderAll(z) {
		m, err := meta.Accessor(o)
		require.NoError(t, err)
		kind := o.GetObjectKind().GroupVersionKind().Kind + "/" + m.GetName()
		assert.Equal(t, "data", m.GetLabels()["team"], kind)
		assert.Equal(t, "orders", m.GetLabels()["app.kubernetes.io/part-of"], kind)
		assert.Equal(t, "data@example.com", m.GetAnnotations()["owner-team"], kind)
		assert.Equal(t, "ns/zk", m.GetAnnotations()["zookeeper-fn.dev/owner"], kind, "the owner annotation stays ours")
		for k := range m.GetAnnotations() {
			assert.NotRegexp(t, `(^|\.)config\.(kubernetes\.io|k8s\.io)/`, k, kind)
		}
		b, err := json.Marshal(o)
		require.NoError(t, err)
		var doc map[string]any
		require.NoError(t, json.Unmarshal(b, &doc))
		walkSelectors(doc, func(sel map[string]any) {
			assert.NotContains(t, sel, "team", "%s: a carried label entered a selector", kind)
			assert.NotContains(t, sel, "app.kubernetes.io/part-of", kind)
		})
	}
	sts := statefulSet(t, renderAll(z))
	assert.Equal(t, "data", sts.Spec.Template.Labels["team"], "pods carry the labels too")
	assert.Len(t, sts.Spec.Selector.MatchLabels, 2)
}

// walkSelectors calls f with every label map under a selector-like key.
func walkSelectors(v any, f func(map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		for k, c := range v {
			if m, ok := c.(map[string]any); ok && (k == "selector" || k == "matchLabels" || k == "podSelector") {
				f(m)
			}
			walkSelectors(c, f)
		}
	case []any:
		for _, c := range v {
			walkSelectors(c, f)
		}
	}
}
