package render

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
)

// mergePlacement adds the user's affinity terms and spread constraints to
// the presets' (which stay first and unchanged). A term or constraint
// without a labelSelector gets the ensemble's selector, so it means "the
// members" and cannot drift from the derived labels.
func mergePlacement(pl api.Placement, p *corev1.PodSpec, sel map[string]string) {
	for _, c := range pl.TopologySpreadConstraints {
		c = *c.DeepCopy()
		if c.LabelSelector == nil {
			c.LabelSelector = &metav1.LabelSelector{MatchLabels: copyMap(sel)}
		}
		p.TopologySpreadConstraints = append(p.TopologySpreadConstraints, c)
	}
	a := pl.Affinity
	if a == nil {
		return
	}
	a = a.DeepCopy()
	if p.Affinity == nil {
		p.Affinity = &corev1.Affinity{}
	}
	p.Affinity.NodeAffinity = a.NodeAffinity
	if a.PodAffinity != nil {
		p.Affinity.PodAffinity = a.PodAffinity
		fillTerms(p.Affinity.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution, p.Affinity.PodAffinity.PreferredDuringSchedulingIgnoredDuringExecution, sel)
	}
	if ua := a.PodAntiAffinity; ua != nil {
		fillTerms(ua.RequiredDuringSchedulingIgnoredDuringExecution, ua.PreferredDuringSchedulingIgnoredDuringExecution, sel)
		if p.Affinity.PodAntiAffinity == nil {
			p.Affinity.PodAntiAffinity = &corev1.PodAntiAffinity{}
		}
		ours := p.Affinity.PodAntiAffinity
		ours.RequiredDuringSchedulingIgnoredDuringExecution = append(ours.RequiredDuringSchedulingIgnoredDuringExecution, ua.RequiredDuringSchedulingIgnoredDuringExecution...)
		ours.PreferredDuringSchedulingIgnoredDuringExecution = append(ours.PreferredDuringSchedulingIgnoredDuringExecution, ua.PreferredDuringSchedulingIgnoredDuringExecution...)
	}
}

func fillTerms(required []corev1.PodAffinityTerm, preferred []corev1.WeightedPodAffinityTerm, sel map[string]string) {
	for i := range required {
		if required[i].LabelSelector == nil {
			required[i].LabelSelector = &metav1.LabelSelector{MatchLabels: copyMap(sel)}
		}
	}
	for i := range preferred {
		if t := &preferred[i].PodAffinityTerm; t.LabelSelector == nil {
			t.LabelSelector = &metav1.LabelSelector{MatchLabels: copyMap(sel)}
		}
	}
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
