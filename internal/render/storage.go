package render

import (
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// StorageClass is the class the spec asked the function to create.
func StorageClass(z *api.ZookeeperSpec, e names.Ensemble) *storagev1.StorageClass {
	st := z.Spec.Storage
	sc := st.StorageClass
	reclaim := st.ReclaimPolicy
	mode := storagev1.VolumeBindingMode(sc.VolumeBindingMode)
	return &storagev1.StorageClass{
		TypeMeta:             typeMeta("storage.k8s.io/v1", "StorageClass"),
		ObjectMeta:           clusterMeta(e, st.ClassName),
		Provisioner:          sc.Provisioner,
		Parameters:           sc.Parameters,
		ReclaimPolicy:        &reclaim,
		VolumeBindingMode:    &mode,
		AllowVolumeExpansion: sc.AllowVolumeExpansion,
		MountOptions:         sc.MountOptions,
	}
}

// PersistentVolumes are static local volumes, one per member and volume
// template, each pre-bound through claimRef to the exact claim the
// StatefulSet will create for that ordinal, and pinned to its node: member
// i always finds its own data, never another member's.
func PersistentVolumes(z *api.ZookeeperSpec, e names.Ensemble) []*corev1.PersistentVolume {
	st := z.Spec.Storage
	templates := []struct {
		name, class string
		size        *resource.Quantity
	}{{names.DataVolume, st.ClassName, st.Size}}
	if st.DataLog != nil {
		templates = append(templates, struct {
			name, class string
			size        *resource.Quantity
		}{names.DataLogVolume, st.DataLog.ClassName, st.DataLog.Size})
	}
	var out []*corev1.PersistentVolume
	for i, node := range st.PersistentVolumes.Nodes {
		for _, t := range templates {
			out = append(out, localVolume(z, e, i, node, t.name, t.class, *t.size))
		}
	}
	return out
}

func localVolume(z *api.ZookeeperSpec, e names.Ensemble, i int, node, template, class string, size resource.Quantity) *corev1.PersistentVolume {
	st := z.Spec.Storage
	fs := corev1.PersistentVolumeFilesystem
	return &corev1.PersistentVolume{
		TypeMeta:   typeMeta("v1", "PersistentVolume"),
		ObjectMeta: clusterMeta(e, e.Volume(template, i)),
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: size},
			AccessModes:                   []corev1.PersistentVolumeAccessMode{st.AccessMode},
			PersistentVolumeReclaimPolicy: st.ReclaimPolicy,
			StorageClassName:              class,
			VolumeMode:                    &fs,
			PersistentVolumeSource: corev1.PersistentVolumeSource{
				Local: &corev1.LocalVolumeSource{Path: st.PersistentVolumes.Path + "/" + template},
			},
			ClaimRef: &corev1.ObjectReference{
				APIVersion: "v1",
				Kind:       "PersistentVolumeClaim",
				Namespace:  e.NamespaceOrDefault(),
				Name:       e.Claim(template, i),
			},
			NodeAffinity: &corev1.VolumeNodeAffinity{Required: &corev1.NodeSelector{
				NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{
					Key:      "kubernetes.io/hostname",
					Operator: corev1.NodeSelectorOpIn,
					Values:   []string{node},
				}}}},
			}},
		},
	}
}

func mustQuantity(s string) resource.Quantity { return resource.MustParse(s) }
