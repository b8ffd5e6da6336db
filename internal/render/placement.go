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
//
// Required spread also sets minDomains: with maxSkew 1 alone, five members
// over two zones land 3+2, and losing the zone with three loses the
// quorum. A quorum survives the loss of any one zone only if every zone
// holds fewer than a majority, which for every odd size from 3 up takes
// at least three zones (5 members: 2+2+1). With fewer zones than
// minDomains the scheduler counts the missing zones as empty, so it places
// one member per zone and leaves the rest Pending: visible, and never a
// layout that one zone outage turns into an outage of the ensemble.
//
// Preferred spread (ScheduleAnyway) cannot carry minDomains (the API
// server refuses it): it is a scoring hint, so with two zones, or nodes
// full in the third, 3+2 can happen. Use required for the guarantee.
func spread(p api.Placement, e names.Ensemble, voters int) []corev1.TopologySpreadConstraint {
	when := map[string]corev1.UnsatisfiableConstraintAction{
		api.AntiAffinityRequired:  corev1.DoNotSchedule,
		api.AntiAffinityPreferred: corev1.ScheduleAnyway,
	}
	action, ok := when[p.ZoneSpread]
	if !ok {
		return nil
	}
	c := corev1.TopologySpreadConstraint{
		MaxSkew:           1,
		TopologyKey:       p.ZoneTopologyKey,
		WhenUnsatisfiable: action,
		LabelSelector:     selector(e),
	}
	if action == corev1.DoNotSchedule && voters >= 3 {
		c.MinDomains = ptr(MinZones)
	}
	return []corev1.TopologySpreadConstraint{c}
}

// MinZones is the number of zones an ensemble of 3 or more members needs
// so that no zone holds a majority.
const MinZones int32 = 3

func ptr[T any](v T) *T { return &v }
