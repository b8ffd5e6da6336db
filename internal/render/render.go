package render

import (
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/membership"
)

// Object is what the builders return: a typed object with its TypeMeta set.
type Object = runtime.Object

// Ensemble returns every object of the ensemble whose members are m
// (z.Membership(), computed once by the caller), in a fixed order.
func Ensemble(z *api.ZookeeperSpec, m membership.Membership) []Object {
	e := m.Ensemble
	cm := ConfigMap(z, m)
	sts := StatefulSet(z, m, ConfigHash(cm))
	objs := []Object{
		ServiceAccount(e),
		cm,
		HeadlessService(e),
		ClientService(z, e),
		sts,
		PodDisruptionBudget(m),
	}
	if *z.Spec.NetworkPolicy.Enabled {
		objs = append(objs, NetworkPolicy(z, e))
	}
	if z.Spec.Storage.StorageClass != nil {
		objs = append(objs, StorageClass(z, e))
	}
	if z.Spec.Storage.PersistentVolumes != nil {
		for _, pv := range PersistentVolumes(z, m) {
			objs = append(objs, pv)
		}
	}
	objs = append(objs, Monitoring(z, m)...)
	// Backup adds its sidecar and restore init container to the
	// StatefulSet, and egress to an S3 target to the NetworkPolicy.
	objs = append(objs, Backup(z, e, objs)...)
	// Observers after Backup: the backup sidecar runs on voters only (an
	// observer holds the same data); before Secure, which secures them too.
	objs = append(objs, Observers(z, m, ConfigHash(cm))...)
	objs = append(objs, Secure(z, m, objs)...)
	applyPodSettings(z, objs)
	return objs
}
