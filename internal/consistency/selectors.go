package consistency

import (
	"fmt"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
)

// selectors: every selector the ensemble carries (the StatefulSet's own,
// anti-affinity, topology spread, Services, PodDisruptionBudget,
// NetworkPolicy) must select the pods the StatefulSet creates. A selector
// that matches nothing fails silently: the tutorial's anti-affinity never
// applied, a PDB protects nothing, a Service has no endpoints.
func (c *checker) selectors(g *group, so object, sts *appsv1.StatefulSet) {
	pods := sts.Spec.Template.Labels
	check := func(o object, path string, sel *metav1.LabelSelector, what string) {
		if sel == nil {
			return
		}
		c.checkSelector(o, path, sel, pods, so.name, what)
	}
	check(so, "spec.selector", sts.Spec.Selector, "the StatefulSet adopts no pods and the API server refuses it")
	if a := sts.Spec.Template.Spec.Affinity; a != nil && a.PodAntiAffinity != nil {
		const p = "spec.template.spec.affinity.podAntiAffinity."
		for i, t := range a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution {
			check(so, fmt.Sprintf("%srequiredDuringSchedulingIgnoredDuringExecution[%d].labelSelector", p, i), t.LabelSelector, "members are not kept apart")
		}
		for i, t := range a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
			check(so, fmt.Sprintf("%spreferredDuringSchedulingIgnoredDuringExecution[%d].podAffinityTerm.labelSelector", p, i), t.PodAffinityTerm.LabelSelector, "members are not kept apart")
		}
	}
	for i, t := range sts.Spec.Template.Spec.TopologySpreadConstraints {
		check(so, fmt.Sprintf("spec.template.spec.topologySpreadConstraints[%d].labelSelector", i), t.LabelSelector, "members are not spread")
	}
	for _, o := range g.objects {
		switch o.kind {
		case "Service":
			var s corev1.Service
			if o.decode(&s) != nil || len(s.Spec.Selector) == 0 {
				continue
			}
			// A Service for reads may select the observers only.
			if sel := (&metav1.LabelSelector{MatchLabels: s.Spec.Selector}); !g.selectsObservers(sel) {
				check(o, "spec.selector", sel, "the Service has no endpoints")
			}
		case "PodDisruptionBudget":
			var pdb policyv1.PodDisruptionBudget
			if o.decode(&pdb) == nil {
				check(o, "spec.selector", pdb.Spec.Selector, "the budget protects no member from voluntary disruptions")
			}
		case "NetworkPolicy":
			var np networkingv1.NetworkPolicy
			if o.decode(&np) == nil {
				c.networkPolicy(o, &np, pods, so.name)
			}
		}
	}
}

// networkPolicy: the policy must select the members, and the peers of
// every rule that carries quorum or election traffic must be the members.
func (c *checker) networkPolicy(o object, np *networkingv1.NetworkPolicy, pods map[string]string, sts string) {
	c.checkSelector(o, "spec.podSelector", &np.Spec.PodSelector, pods, sts, "the members are not isolated")
	peers := func(kind string, i int, ports []networkingv1.NetworkPolicyPort, list []networkingv1.NetworkPolicyPeer) {
		if !carriesQuorum(ports) {
			return
		}
		for j, p := range list {
			if p.PodSelector == nil || p.NamespaceSelector != nil || p.IPBlock != nil {
				continue
			}
			path := fmt.Sprintf("spec.%s[%d].%s[%d].podSelector", kind, i, map[string]string{"ingress": "from", "egress": "to"}[kind], j)
			c.checkSelector(o, path, p.PodSelector, pods, sts, "quorum and election traffic between members is blocked")
		}
	}
	for i, r := range np.Spec.Ingress {
		peers("ingress", i, r.Ports, r.From)
	}
	for i, r := range np.Spec.Egress {
		peers("egress", i, r.Ports, r.To)
	}
}

func carriesQuorum(ports []networkingv1.NetworkPolicyPort) bool {
	for _, p := range ports {
		if p.Port != nil && (p.Port.IntValue() == api.QuorumPort || p.Port.IntValue() == api.ElectionPort) {
			return true
		}
	}
	return false
}

// checkSelector reports sel when it does not match the pod labels.
func (c *checker) checkSelector(o object, path string, sel *metav1.LabelSelector, pods map[string]string, sts, consequence string) {
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		c.add(o.errorf(path, "is not a valid label selector (%v); render again", err))
		return
	}
	if s.Empty() || s.Matches(labels.Set(pods)) {
		return
	}
	c.add(o.errorf(path, "is %s, which does not match the labels of the pods of StatefulSet %q (%s), so %s; every selector of the ensemble must use the pod labels: a transformation changed one without the other (e.g. labels with includeSelectors, or a patch): %s",
		s.String(), sts, formatLabels(pods), consequence, fix))
}

func formatLabels(m map[string]string) string {
	if len(m) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + clip(m[k])
	}
	return strings.Join(parts, ",")
}
