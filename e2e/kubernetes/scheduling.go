//go:build e2e

package kubernetes

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

const (
	hostnameKey = "kubernetes.io/hostname"
	zoneKey     = "topology.kubernetes.io/zone"
)

// AntiAffinity says how the rendered pod template keeps members apart on
// hostnames: "required", "preferred" or "" (not at all). A term only
// counts when its selector selects the members' own labels.
func (e *Ensemble) AntiAffinity() string {
	aff := e.STS.Spec.Template.Spec.Affinity
	if aff == nil || aff.PodAntiAffinity == nil {
		return ""
	}
	own := labels.Set(e.STS.Spec.Template.Labels)
	for _, term := range aff.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution {
		if term.TopologyKey == hostnameKey && selects(term.LabelSelector, own) {
			return "required"
		}
	}
	for _, w := range aff.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
		if w.PodAffinityTerm.TopologyKey == hostnameKey && selects(w.PodAffinityTerm.LabelSelector, own) {
			return "preferred"
		}
	}
	return ""
}

// ZoneSpread returns the rendered zone topology spread constraint, if any.
func (e *Ensemble) ZoneSpread() *corev1.TopologySpreadConstraint {
	own := labels.Set(e.STS.Spec.Template.Labels)
	for _, c := range e.STS.Spec.Template.Spec.TopologySpreadConstraints {
		if c.TopologyKey == zoneKey && selects(c.LabelSelector, own) {
			return &c
		}
	}
	return nil
}

func selects(ls *metav1.LabelSelector, l labels.Set) bool {
	if ls == nil {
		return false
	}
	s, err := metav1.LabelSelectorAsSelector(ls)
	return err == nil && !s.Empty() && s.Matches(l)
}

// Placement maps each scheduled member to its node and zone.
func (e *Ensemble) Placement() (nodeOf, zoneOf map[string]string) {
	e.t.Helper()
	nodeOf, zoneOf = map[string]string{}, map[string]string{}
	for _, p := range e.Pods() {
		if p.Spec.NodeName == "" {
			continue
		}
		nodeOf[p.Name] = p.Spec.NodeName
		zoneOf[p.Name] = e.c.node(p.Spec.NodeName).Labels[zoneKey]
	}
	return nodeOf, zoneOf
}

// CheckOnePerNode asserts that no two scheduled members share a node.
func (e *Ensemble) CheckOnePerNode() {
	e.t.Helper()
	nodeOf, _ := e.Placement()
	seen := map[string]string{}
	for pod, node := range nodeOf {
		if other, dup := seen[node]; dup {
			e.t.Errorf("members %s and %s share node %s", other, pod, node)
		}
		seen[node] = pod
	}
}

// CheckZoneSpread asserts that the members' count per zone differs by at
// most maxSkew over the given zones (every zone with a node counts, even
// an empty one).
func (e *Ensemble) CheckZoneSpread(zones []string, maxSkew int) {
	e.t.Helper()
	_, zoneOf := e.Placement()
	count := map[string]int{}
	for _, z := range zones {
		count[z] = 0
	}
	for _, z := range zoneOf {
		if _, ok := count[z]; !ok {
			e.t.Errorf("a member runs in zone %q, outside %v", z, zones)
		}
		count[z]++
	}
	lo, hi := len(zoneOf), 0
	for _, n := range count {
		lo, hi = min(lo, n), max(hi, n)
	}
	if hi-lo > maxSkew {
		e.t.Errorf("members per zone %v: skew %d exceeds %d", count, hi-lo, maxSkew)
	}
}

// nodesIn builds n nodes named prefix-i, round-robin over zones.
func nodesIn(prefix string, n int, zones ...string) []Node {
	out := make([]Node, n)
	for i := range out {
		out[i] = Node{Name: fmt.Sprintf("%s-%d", prefix, i), Zone: zones[i%len(zones)]}
	}
	return out
}
