package render

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
)

func TestCustomPlacementMerged(t *testing.T) {
	z := spec(t, `  placement:
    antiAffinity: required
    zoneSpread: preferred
    affinity:
      nodeAffinity:
        requiredDuringSchedulingIgnoredDuringExecution:
          nodeSelectorTerms: [{matchExpressions: [{key: node-role/zookeeper, operator: Exists}]}]
      podAntiAffinity:
        preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 50
          podAffinityTerm: {topologyKey: topology.kubernetes.io/rack}
        - weight: 10
          podAffinityTerm: {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: kafka}}}
    topologySpreadConstraints:
    - {maxSkew: 1, topologyKey: topology.kubernetes.io/region, whenUnsatisfiable: ScheduleAnyway}
`)
	sts := statefulSet(t, renderAll(z))
	p := sts.Spec.Template.Spec
	sel := sts.Spec.Selector.MatchLabels
	aa := p.Affinity.PodAntiAffinity
	require.Len(t, aa.RequiredDuringSchedulingIgnoredDuringExecution, 1, "ours kept")
	assert.Equal(t, sel, aa.RequiredDuringSchedulingIgnoredDuringExecution[0].LabelSelector.MatchLabels)
	require.Len(t, aa.PreferredDuringSchedulingIgnoredDuringExecution, 2, "user terms added")
	assert.Equal(t, sel, aa.PreferredDuringSchedulingIgnoredDuringExecution[0].PodAffinityTerm.LabelSelector.MatchLabels, "no selector means the members")
	assert.Equal(t, map[string]string{"app": "kafka"}, aa.PreferredDuringSchedulingIgnoredDuringExecution[1].PodAffinityTerm.LabelSelector.MatchLabels)
	assert.Equal(t, "node-role/zookeeper", p.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchExpressions[0].Key)
	require.Len(t, p.TopologySpreadConstraints, 2)
	assert.Equal(t, "topology.kubernetes.io/zone", p.TopologySpreadConstraints[0].TopologyKey, "ours first")
	assert.Equal(t, corev1.ScheduleAnyway, p.TopologySpreadConstraints[1].WhenUnsatisfiable)
	assert.Equal(t, sel, p.TopologySpreadConstraints[1].LabelSelector.MatchLabels)
	// Editing a filled-in selector must not reach the StatefulSet's selector.
	p.TopologySpreadConstraints[1].LabelSelector.MatchLabels["x"] = "y"
	assert.Len(t, sts.Spec.Selector.MatchLabels, 2)
	assert.Nil(t, z.Spec.Placement.TopologySpreadConstraints[0].LabelSelector, "the spec is not modified")
}
