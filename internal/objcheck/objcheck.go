// Package objcheck validates the objects the function emits with the API
// server's own rules (names, labels, annotations, ports, quantities,
// resource names, selectors), so that an object the API server would
// refuse never leaves the function. It uses apimachinery's
// util/validation, the functions the API server's validation is built on,
// and not k8s.io/kubernetes, whose start-up cost the function cannot pay.
package objcheck

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Problem is one rule of the API server that an object breaks.
type Problem struct {
	Object     runtime.Object
	Kind, Name string
	// Field is the path in the object, e.g. metadata.labels or
	// spec.template.spec.containers[1].resources.requests[gpu].
	Field  string
	Detail string
}

func (p Problem) String() string {
	return fmt.Sprintf("%s %q: %s: %s", p.Kind, p.Name, p.Field, p.Detail)
}

// Check validates every object and returns what the API server would
// refuse, in object order.
func Check(objs []runtime.Object) []Problem {
	var out []Problem
	for _, o := range objs {
		kind := o.GetObjectKind().GroupVersionKind().Kind
		m, ok := o.(metav1.Object)
		if !ok {
			continue
		}
		for _, e := range checkObject(kind, o) {
			out = append(out, Problem{Object: o, Kind: kind, Name: m.GetName(), Field: e.Field, Detail: detail(e)})
		}
	}
	return out
}

// detail is the error without its field path, as the API server words it.
func detail(e *field.Error) string {
	s := e.ErrorBody()
	return strings.TrimSpace(s)
}

func checkObject(kind string, o runtime.Object) field.ErrorList {
	m := o.(metav1.Object)
	meta := field.NewPath("metadata")
	errs := checkMeta(m, nameRule(kind), meta)
	switch v := o.(type) {
	case *corev1.ConfigMap:
		errs = append(errs, checkConfigMap(v)...)
	case *corev1.Service:
		errs = append(errs, checkService(v, field.NewPath("spec"))...)
	case *appsv1.StatefulSet:
		errs = append(errs, checkStatefulSet(v, field.NewPath("spec"))...)
	case *policyv1.PodDisruptionBudget:
		errs = append(errs, checkSelector(v.Spec.Selector, field.NewPath("spec", "selector"))...)
	case *networkingv1.NetworkPolicy:
		errs = append(errs, checkNetworkPolicy(v, field.NewPath("spec"))...)
	case *storagev1.StorageClass:
		errs = append(errs, checkStorageClass(v)...)
	case *corev1.PersistentVolume:
		errs = append(errs, checkPV(v, field.NewPath("spec"))...)
	case *corev1.PersistentVolumeClaim:
		errs = append(errs, checkClaimSpec(v.Spec, field.NewPath("spec"))...)
	}
	return errs
}

// nameRule is the API server's rule for an object's name: Services are
// DNS-1035 labels (they become DNS names and environment variables), most
// other kinds DNS-1123 subdomains.
func nameRule(kind string) func(string) []string {
	if kind == "Service" {
		return validation.IsDNS1035Label
	}
	return validation.IsDNS1123Subdomain
}

// checkMeta is ValidateObjectMeta's part that applies to objects a
// generator writes: name, namespace, labels and annotations.
func checkMeta(m metav1.Object, name func(string) []string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if m.GetName() == "" {
		errs = append(errs, field.Required(p.Child("name"), "name is required"))
	}
	for _, msg := range name(m.GetName()) {
		errs = append(errs, field.Invalid(p.Child("name"), m.GetName(), msg))
	}
	if ns := m.GetNamespace(); ns != "" {
		for _, msg := range validation.IsDNS1123Label(ns) {
			errs = append(errs, field.Invalid(p.Child("namespace"), ns, msg))
		}
	}
	errs = append(errs, checkLabels(m.GetLabels(), p.Child("labels"))...)
	return append(errs, checkAnnotations(m.GetAnnotations(), p.Child("annotations"))...)
}

func checkLabels(labels map[string]string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		for _, msg := range validation.IsQualifiedName(k) {
			errs = append(errs, field.Invalid(p.Key(k), k, msg))
		}
		for _, msg := range validation.IsValidLabelValue(labels[k]) {
			errs = append(errs, field.Invalid(p.Key(k), labels[k], msg))
		}
	}
	return errs
}

// totalAnnotationSizeLimit is apimachinery's TotalAnnotationSizeLimitB.
const totalAnnotationSizeLimit = 256 * (1 << 10)

func checkAnnotations(annotations map[string]string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	size := 0
	for _, k := range slices.Sorted(maps.Keys(annotations)) {
		for _, msg := range validation.IsQualifiedName(strings.ToLower(k)) {
			errs = append(errs, field.Invalid(p.Key(k), k, msg))
		}
		size += len(k) + len(annotations[k])
	}
	if size > totalAnnotationSizeLimit {
		errs = append(errs, field.TooLong(p, "", totalAnnotationSizeLimit))
	}
	return errs
}

func checkSelector(s *metav1.LabelSelector, p *field.Path) field.ErrorList {
	if s == nil {
		return nil
	}
	errs := checkLabels(s.MatchLabels, p.Child("matchLabels"))
	for i, r := range s.MatchExpressions {
		rp := p.Child("matchExpressions").Index(i)
		for _, msg := range validation.IsQualifiedName(r.Key) {
			errs = append(errs, field.Invalid(rp.Child("key"), r.Key, msg))
		}
		for j, v := range r.Values {
			for _, msg := range validation.IsValidLabelValue(v) {
				errs = append(errs, field.Invalid(rp.Child("values").Index(j), v, msg))
			}
		}
	}
	return errs
}

// maxConfigMapBytes is corev1.MaxSecretSize, which ConfigMaps share.
const maxConfigMapBytes = corev1.MaxSecretSize

func checkConfigMap(cm *corev1.ConfigMap) field.ErrorList {
	var errs field.ErrorList
	size := 0
	for _, k := range slices.Sorted(maps.Keys(cm.Data)) {
		for _, msg := range validation.IsConfigMapKey(k) {
			errs = append(errs, field.Invalid(field.NewPath("data").Key(k), k, msg))
		}
		size += len(cm.Data[k])
	}
	if size > maxConfigMapBytes {
		errs = append(errs, field.TooLong(field.NewPath("data"), "", maxConfigMapBytes))
	}
	return errs
}
