package api

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// checkCustom checks placement.affinity and topologySpreadConstraints,
// which are merged with the presets.
func (p *Placement) checkCustom(ps *Problems) {
	const base = "spec.placement"
	if a := p.Affinity; a != nil {
		if pa := a.PodAffinity; pa != nil {
			checkTerms(ps, base+".affinity.podAffinity", pa.RequiredDuringSchedulingIgnoredDuringExecution, pa.PreferredDuringSchedulingIgnoredDuringExecution)
		}
		if pa := a.PodAntiAffinity; pa != nil {
			checkTerms(ps, base+".affinity.podAntiAffinity", pa.RequiredDuringSchedulingIgnoredDuringExecution, pa.PreferredDuringSchedulingIgnoredDuringExecution)
		}
	}
	opts := metav1validation.LabelSelectorValidationOptions{}
	for i, c := range p.TopologySpreadConstraints {
		f := fmt.Sprintf("%s.topologySpreadConstraints[%d]", base, i)
		if c.MaxSkew < 1 {
			ps.errorf(f+".maxSkew", "is %d; use at least 1", c.MaxSkew)
		}
		if errs := validation.IsQualifiedName(c.TopologyKey); len(errs) > 0 {
			ps.errorf(f+".topologyKey", "%q is not a label key (%s); use a node label such as topology.kubernetes.io/zone", clip(c.TopologyKey), errs[0])
		}
		if c.WhenUnsatisfiable != corev1.DoNotSchedule && c.WhenUnsatisfiable != corev1.ScheduleAnyway {
			ps.errorf(f+".whenUnsatisfiable", "%q is not an action; use DoNotSchedule or ScheduleAnyway", clip(string(c.WhenUnsatisfiable)))
		}
		if p.ZoneSpread != AntiAffinityNone && c.TopologyKey == p.ZoneTopologyKey {
			ps.errorf(f+".topologyKey", "%s is zoneSpread's key already; drop this constraint or set zoneSpread to none", c.TopologyKey)
		}
		for j, d := range p.TopologySpreadConstraints[:i] {
			if d.TopologyKey == c.TopologyKey && d.WhenUnsatisfiable == c.WhenUnsatisfiable {
				ps.errorf(f, "repeats topologyKey %s and whenUnsatisfiable %s of constraint %d; the API server refuses duplicates", c.TopologyKey, c.WhenUnsatisfiable, j)
			}
		}
		for _, e := range metav1validation.ValidateLabelSelector(c.LabelSelector, opts, field.NewPath(f+".labelSelector")) {
			ps.errorf(f+".labelSelector", "%q: %s", clip(fmt.Sprint(e.BadValue)), e.Detail)
		}
	}
}

func checkTerms(ps *Problems, f string, required []corev1.PodAffinityTerm, preferred []corev1.WeightedPodAffinityTerm) {
	check := func(p string, t corev1.PodAffinityTerm) {
		if errs := validation.IsQualifiedName(t.TopologyKey); len(errs) > 0 {
			ps.errorf(p+".topologyKey", "%q is not a label key (%s); use a node label such as kubernetes.io/hostname", clip(t.TopologyKey), errs[0])
		}
		opts := metav1validation.LabelSelectorValidationOptions{}
		for _, e := range metav1validation.ValidateLabelSelector(t.LabelSelector, opts, field.NewPath(p+".labelSelector")) {
			ps.errorf(p+".labelSelector", "%q: %s", clip(fmt.Sprint(e.BadValue)), e.Detail)
		}
	}
	for i, t := range required {
		check(fmt.Sprintf("%s.requiredDuringSchedulingIgnoredDuringExecution[%d]", f, i), t)
	}
	for i, w := range preferred {
		p := fmt.Sprintf("%s.preferredDuringSchedulingIgnoredDuringExecution[%d]", f, i)
		if w.Weight < 1 || w.Weight > 100 {
			ps.errorf(p+".weight", "is %d; use 1 to 100", w.Weight)
		}
		check(p+".podAffinityTerm", w.PodAffinityTerm)
	}
}
