//go:build e2e

package bitnami

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// peer describes who a pod selector (and namespace selector) stands for,
// in words that mean the same for both renderings: "members" is a pod
// selector, in the policy's own namespace, that selects the StatefulSet's
// pods; other selectors keep their labels.
func peer(e *ensemble, pod, ns *metav1.LabelSelector) string {
	switch {
	case pod == nil && ns == nil:
		return "nobody"
	case ns == nil && selects(e, pod):
		return "members"
	}
	var parts []string
	if ns != nil {
		parts = append(parts, "namespaces "+selectorText(ns))
	} else {
		parts = append(parts, "own namespace")
	}
	if pod != nil {
		parts = append(parts, "pods "+selectorText(pod))
	}
	return strings.Join(parts, " ")
}

// selectorText writes a selector with sorted labels; the empty selector
// is "all".
func selectorText(s *metav1.LabelSelector) string {
	var kv []string
	for k, v := range s.MatchLabels {
		kv = append(kv, k+"="+v)
	}
	for _, r := range s.MatchExpressions {
		kv = append(kv, fmt.Sprintf("%s %s %v", r.Key, r.Operator, r.Values))
	}
	if len(kv) == 0 {
		return "all"
	}
	sort.Strings(kv)
	return "{" + strings.Join(kv, ",") + "}"
}

// portText is "TCP/2181"; a port without protocol is TCP, the API default.
func portText(p networkingv1.NetworkPolicyPort) string {
	proto := corev1.ProtocolTCP
	if p.Protocol != nil {
		proto = *p.Protocol
	}
	if p.Port == nil {
		return string(proto) + "/any"
	}
	return fmt.Sprintf("%s/%s", proto, p.Port.String())
}

func peerText(e *ensemble, p networkingv1.NetworkPolicyPeer) string {
	if p.IPBlock != nil {
		return fmt.Sprintf("ipBlock %s except %v", p.IPBlock.CIDR, p.IPBlock.Except)
	}
	return peer(e, p.PodSelector, p.NamespaceSelector)
}

// openings expands rules into the set "port <- peer" (ingress) or
// "port -> peer" (egress): which port is open to whom, whatever the
// grouping into rules. No peers means everyone; no ports means all ports.
func openings(e *ensemble, arrow string, ports [][]networkingv1.NetworkPolicyPort, peers [][]networkingv1.NetworkPolicyPeer) string {
	set := map[string]bool{}
	for i := range ports {
		ps := ports[i]
		if len(ps) == 0 {
			ps = []networkingv1.NetworkPolicyPort{{}}
		}
		for _, port := range ps {
			if len(peers[i]) == 0 {
				set[portText(port)+arrow+"anyone"] = true
			}
			for _, p := range peers[i] {
				set[portText(port)+arrow+peerText(e, p)] = true
			}
		}
	}
	return strings.Join(slices.Sorted(maps.Keys(set)), "; ")
}

func ingress(e *ensemble) string {
	var ports [][]networkingv1.NetworkPolicyPort
	var peers [][]networkingv1.NetworkPolicyPeer
	for _, r := range e.netpol.Spec.Ingress {
		ports, peers = append(ports, r.Ports), append(peers, r.From)
	}
	return openings(e, " <- ", ports, peers)
}

func egress(e *ensemble) string {
	var ports [][]networkingv1.NetworkPolicyPort
	var peers [][]networkingv1.NetworkPolicyPeer
	for _, r := range e.netpol.Spec.Egress {
		ports, peers = append(ports, r.Ports), append(peers, r.To)
	}
	return openings(e, " -> ", ports, peers) + fmt.Sprintf(" (policyTypes %v)", e.netpol.Spec.PolicyTypes)
}
