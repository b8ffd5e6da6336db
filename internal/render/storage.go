package render

import (
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/membership"
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
// Node i of spec.storage.persistentVolumes.nodes holds member i's volumes,
// voters first, then observers (the spec's check makes the counts equal).
func PersistentVolumes(z *api.ZookeeperSpec, m membership.Membership) []*corev1.PersistentVolume {
	nodes := z.Spec.Storage.PersistentVolumes.Nodes
	var out []*corev1.PersistentVolume
	for i, x := range m.Members { // voters, then observers: the nodes' order
		for _, t := range m.Templates {
			out = append(out, localVolume(z, m.Ensemble, x, nodes[i], t))
		}
	}
	return out
}

func localVolume(z *api.ZookeeperSpec, e names.Ensemble, x membership.Member, node, template string) *corev1.PersistentVolume {
	st := z.Spec.Storage
	class, size := volumeTemplate(st, template)
	fs := corev1.PersistentVolumeFilesystem
	return &corev1.PersistentVolume{
		TypeMeta:   typeMeta("v1", "PersistentVolume"),
		ObjectMeta: clusterMeta(e, e.SetVolume(x.Set, template, x.Ordinal)),
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
				Name:       x.Claims[template],
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
