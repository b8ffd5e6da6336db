package objcheck

import (
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func checkClaimSpec(s corev1.PersistentVolumeClaimSpec, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if c := s.StorageClassName; c != nil && *c != "" {
		for _, msg := range validation.IsDNS1123Subdomain(*c) {
			errs = append(errs, field.Invalid(p.Child("storageClassName"), *c, msg))
		}
	}
	if q, ok := s.Resources.Requests[corev1.ResourceStorage]; !ok || q.Sign() <= 0 {
		errs = append(errs, field.Invalid(p.Child("resources", "requests").Key("storage"), q.String(), "must be greater than zero"))
	}
	if len(s.AccessModes) == 0 {
		errs = append(errs, field.Required(p.Child("accessModes"), "at least 1 access mode is required"))
	}
	return errs
}

func checkStorageClass(sc *storagev1.StorageClass) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsQualifiedName(sc.Provisioner) {
		errs = append(errs, field.Invalid(field.NewPath("provisioner"), sc.Provisioner, msg))
	}
	if len(sc.Parameters) > 512 {
		errs = append(errs, field.TooMany(field.NewPath("parameters"), len(sc.Parameters), 512))
	}
	return errs
}

func checkPV(pv *corev1.PersistentVolume, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if q, ok := pv.Spec.Capacity[corev1.ResourceStorage]; !ok || q.Sign() <= 0 {
		errs = append(errs, field.Invalid(p.Child("capacity").Key("storage"), q.String(), "must be greater than zero"))
	}
	if c := pv.Spec.StorageClassName; c != "" {
		for _, msg := range validation.IsDNS1123Subdomain(c) {
			errs = append(errs, field.Invalid(p.Child("storageClassName"), c, msg))
		}
	}
	if r := pv.Spec.ClaimRef; r != nil {
		for _, msg := range validation.IsDNS1123Subdomain(r.Name) {
			errs = append(errs, field.Invalid(p.Child("claimRef", "name"), r.Name, msg))
		}
	}
	return errs
}
