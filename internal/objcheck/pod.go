package objcheck

import (
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func checkStatefulSet(s *appsv1.StatefulSet, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if s.Spec.Replicas != nil && *s.Spec.Replicas < 0 {
		errs = append(errs, field.Invalid(p.Child("replicas"), *s.Spec.Replicas, "must be greater than or equal to 0"))
	}
	errs = append(errs, checkSelector(s.Spec.Selector, p.Child("selector"))...)
	t := p.Child("template")
	errs = append(errs, checkLabels(s.Spec.Template.Labels, t.Child("metadata", "labels"))...)
	errs = append(errs, checkAnnotations(s.Spec.Template.Annotations, t.Child("metadata", "annotations"))...)
	var claims []string
	for _, c := range s.Spec.VolumeClaimTemplates {
		claims = append(claims, c.Name)
	}
	errs = append(errs, checkPodSpec(&s.Spec.Template.Spec, claims, t.Child("spec"))...)
	for i, c := range s.Spec.VolumeClaimTemplates {
		cp := p.Child("volumeClaimTemplates").Index(i)
		for _, msg := range validation.IsDNS1123Subdomain(c.Name) {
			errs = append(errs, field.Invalid(cp.Child("metadata", "name"), c.Name, msg))
		}
		errs = append(errs, checkLabels(c.Labels, cp.Child("metadata", "labels"))...)
		errs = append(errs, checkClaimSpec(c.Spec, cp.Child("spec"))...)
	}
	return errs
}

// checkPodSpec checks a pod template; claims are the StatefulSet's claim
// templates, which containers mount like volumes.
func checkPodSpec(s *corev1.PodSpec, claims []string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	volumes := map[string]bool{}
	for _, c := range claims {
		volumes[c] = true
	}
	for i, v := range s.Volumes {
		for _, msg := range validation.IsDNS1123Label(v.Name) {
			errs = append(errs, field.Invalid(p.Child("volumes").Index(i).Child("name"), v.Name, msg))
		}
		volumes[v.Name] = true
	}
	for i, c := range s.InitContainers {
		errs = append(errs, checkContainer(&c, volumes, p.Child("initContainers").Index(i))...)
	}
	for i, c := range s.Containers {
		errs = append(errs, checkContainer(&c, volumes, p.Child("containers").Index(i))...)
	}
	errs = append(errs, checkLabels(s.NodeSelector, p.Child("nodeSelector"))...)
	for _, f := range []struct {
		name, value string
	}{{"serviceAccountName", s.ServiceAccountName}, {"priorityClassName", s.PriorityClassName}} {
		if f.value == "" {
			continue
		}
		for _, msg := range validation.IsDNS1123Subdomain(f.value) {
			errs = append(errs, field.Invalid(p.Child(f.name), f.value, msg))
		}
	}
	errs = append(errs, checkAffinity(s.Affinity, p.Child("affinity"))...)
	return append(errs, checkSpread(s.TopologySpreadConstraints, p.Child("topologySpreadConstraints"))...)
}

func checkContainer(c *corev1.Container, volumes map[string]bool, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Label(c.Name) {
		errs = append(errs, field.Invalid(p.Child("name"), c.Name, msg))
	}
	if strings.TrimSpace(c.Image) == "" || c.Image != strings.TrimSpace(c.Image) {
		errs = append(errs, field.Invalid(p.Child("image"), c.Image, "must be an image reference without surrounding whitespace"))
	}
	seen := map[string]bool{}
	for i, port := range c.Ports {
		pp := p.Child("ports").Index(i)
		for _, msg := range validation.IsValidPortNum(int(port.ContainerPort)) {
			errs = append(errs, field.Invalid(pp.Child("containerPort"), port.ContainerPort, msg))
		}
		if port.Name != "" {
			for _, msg := range validation.IsValidPortName(port.Name) {
				errs = append(errs, field.Invalid(pp.Child("name"), port.Name, msg))
			}
			if seen[port.Name] {
				errs = append(errs, field.Duplicate(pp.Child("name"), port.Name))
			}
			seen[port.Name] = true
		}
	}
	for i, e := range c.Env {
		for _, msg := range validation.IsEnvVarName(e.Name) {
			errs = append(errs, field.Invalid(p.Child("env").Index(i).Child("name"), e.Name, msg))
		}
		if r := e.ValueFrom; r != nil && r.SecretKeyRef != nil {
			for _, msg := range validation.IsConfigMapKey(r.SecretKeyRef.Key) {
				errs = append(errs, field.Invalid(p.Child("env").Index(i).Child("valueFrom", "secretKeyRef", "key"), r.SecretKeyRef.Key, msg))
			}
		}
	}
	for i, m := range c.VolumeMounts {
		if !volumes[m.Name] {
			errs = append(errs, field.NotFound(p.Child("volumeMounts").Index(i).Child("name"), m.Name))
		}
	}
	return append(errs, checkResources(c.Resources, true, p.Child("resources"))...)
}

// standardContainerResources are the resource names a container may use
// without a domain (core validation's IsStandardContainerResourceName).
var standardContainerResources = map[corev1.ResourceName]bool{
	corev1.ResourceCPU: true, corev1.ResourceMemory: true, corev1.ResourceEphemeralStorage: true,
}

// checkResources follows ValidateResourceRequirements: qualified names,
// standard names unless domain-qualified, non-negative quantities,
// requests not above limits, and extended resources whole and not
// overcommitted.
func checkResources(r corev1.ResourceRequirements, container bool, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, part := range []struct {
		name string
		list corev1.ResourceList
	}{{"limits", r.Limits}, {"requests", r.Requests}} {
		for _, name := range sortedResources(part.list) {
			q := part.list[name]
			fp := p.Child(part.name).Key(string(name))
			errs = append(errs, checkResourceName(name, container, fp)...)
			if q.Sign() < 0 {
				errs = append(errs, field.Invalid(fp, q.String(), "must be greater than or equal to 0"))
			}
			if extended(name) && q.MilliValue()%1000 != 0 {
				errs = append(errs, field.Invalid(fp, q.String(), "must be an integer"))
			}
		}
	}
	for _, name := range sortedResources(r.Requests) {
		req := r.Requests[name]
		limit, ok := r.Limits[name]
		switch {
		case ok && req.Cmp(limit) > 0:
			errs = append(errs, field.Invalid(p.Child("requests").Key(string(name)), req.String(), "must be less than or equal to "+string(name)+" limit of "+limit.String()))
		case extended(name) && (!ok || req.Cmp(limit) != 0):
			errs = append(errs, field.Invalid(p.Child("requests").Key(string(name)), req.String(), "must be equal to "+string(name)+" limit (extended resources cannot be overcommitted)"))
		}
	}
	return errs
}

func checkResourceName(name corev1.ResourceName, container bool, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsQualifiedName(string(name)) {
		errs = append(errs, field.Invalid(p, name, msg))
	}
	if strings.Contains(string(name), "/") {
		return errs
	}
	if standardContainerResources[name] || (container && strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix)) {
		return errs
	}
	if !container && name == corev1.ResourceStorage {
		return errs
	}
	return append(errs, field.Invalid(p, name, "must be a standard resource type or fully qualified (e.g. example.com/gpu)"))
}

// extended resources are the domain-qualified ones outside kubernetes.io.
func extended(name corev1.ResourceName) bool {
	s := string(name)
	return strings.Contains(s, "/") && !strings.Contains(s, "kubernetes.io/")
}

func sortedResources(l corev1.ResourceList) []corev1.ResourceName {
	out := make([]corev1.ResourceName, 0, len(l))
	for k := range l {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
