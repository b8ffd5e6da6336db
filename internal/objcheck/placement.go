package objcheck

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func checkAffinity(a *corev1.Affinity, p *field.Path) field.ErrorList {
	if a == nil || a.PodAntiAffinity == nil {
		return nil
	}
	pa, pp := a.PodAntiAffinity, p.Child("podAntiAffinity")
	var errs field.ErrorList
	for i, t := range pa.RequiredDuringSchedulingIgnoredDuringExecution {
		errs = append(errs, checkTerm(t, pp.Child("requiredDuringSchedulingIgnoredDuringExecution").Index(i))...)
	}
	for i, w := range pa.PreferredDuringSchedulingIgnoredDuringExecution {
		wp := pp.Child("preferredDuringSchedulingIgnoredDuringExecution").Index(i)
		if w.Weight < 1 || w.Weight > 100 {
			errs = append(errs, field.Invalid(wp.Child("weight"), w.Weight, "must be in the range 1-100"))
		}
		errs = append(errs, checkTerm(w.PodAffinityTerm, wp.Child("podAffinityTerm"))...)
	}
	return errs
}

func checkTerm(t corev1.PodAffinityTerm, p *field.Path) field.ErrorList {
	errs := checkSelector(t.LabelSelector, p.Child("labelSelector"))
	for _, msg := range validation.IsQualifiedName(t.TopologyKey) {
		errs = append(errs, field.Invalid(p.Child("topologyKey"), t.TopologyKey, msg))
	}
	return errs
}

// checkSpread follows validateTopologySpreadConstraints: a positive skew,
// a label key, a known action, and minDomains only with DoNotSchedule.
func checkSpread(cs []corev1.TopologySpreadConstraint, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, c := range cs {
		cp := p.Index(i)
		if c.MaxSkew < 1 {
			errs = append(errs, field.Invalid(cp.Child("maxSkew"), c.MaxSkew, "must be greater than zero"))
		}
		for _, msg := range validation.IsQualifiedName(c.TopologyKey) {
			errs = append(errs, field.Invalid(cp.Child("topologyKey"), c.TopologyKey, msg))
		}
		if c.WhenUnsatisfiable != corev1.DoNotSchedule && c.WhenUnsatisfiable != corev1.ScheduleAnyway {
			errs = append(errs, field.NotSupported(cp.Child("whenUnsatisfiable"), c.WhenUnsatisfiable, []string{string(corev1.DoNotSchedule), string(corev1.ScheduleAnyway)}))
		}
		if c.MinDomains != nil {
			if *c.MinDomains < 1 {
				errs = append(errs, field.Invalid(cp.Child("minDomains"), *c.MinDomains, "must be greater than zero"))
			}
			if c.WhenUnsatisfiable != corev1.DoNotSchedule {
				errs = append(errs, field.Invalid(cp.Child("minDomains"), *c.MinDomains, "can only use minDomains if whenUnsatisfiable=DoNotSchedule"))
			}
		}
		errs = append(errs, checkSelector(c.LabelSelector, cp.Child("labelSelector"))...)
	}
	return errs
}
