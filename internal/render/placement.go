package render

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// affinity keeps members apart; its selector is the ensemble's selector,
// so it always matches the pods it is meant to repel (the Kubernetes
// tutorial's selector did not, so its anti-affinity never applied).
func affinity(p api.Placement, e names.Ensemble) *corev1.Affinity {
	term := corev1.PodAffinityTerm{LabelSelector: selector(e), TopologyKey: p.TopologyKey}
	switch p.AntiAffinity {
	case api.AntiAffinityRequired:
		return &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{term},
		}}
	case api.AntiAffinityPreferred:
		return &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
			PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{{Weight: 100, PodAffinityTerm: term}},
		}}
	}
	return nil
}

// spread balances members over zones, so losing a zone loses at most
// ceil(replicas/zones) members.
func spread(p api.Placement, e names.Ensemble) []corev1.TopologySpreadConstraint {
	when := map[string]corev1.UnsatisfiableConstraintAction{
		api.AntiAffinityRequired:  corev1.DoNotSchedule,
		api.AntiAffinityPreferred: corev1.ScheduleAnyway,
	}
	action, ok := when[p.ZoneSpread]
	if !ok {
		return nil
	}
	return []corev1.TopologySpreadConstraint{{
		MaxSkew:           1,
		TopologyKey:       p.ZoneTopologyKey,
		WhenUnsatisfiable: action,
		LabelSelector:     selector(e),
	}}
}
