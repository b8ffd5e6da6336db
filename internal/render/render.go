package render

import (
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// Object is what the builders return: a typed object with its TypeMeta set.
type Object = runtime.Object

// Ensemble returns every object of the ensemble, in a fixed order.
func Ensemble(z *api.ZookeeperSpec) []Object {
	e := names.For(z)
	cm := ConfigMap(z, e)
	sts := StatefulSet(z, e, ConfigHash(cm))
	objs := []Object{
		ServiceAccount(e),
		cm,
		HeadlessService(e),
		ClientService(z, e),
		sts,
		PodDisruptionBudget(e),
	}
	if *z.Spec.NetworkPolicy.Enabled {
		objs = append(objs, NetworkPolicy(z, e))
	}
	if z.Spec.Storage.StorageClass != nil {
		objs = append(objs, StorageClass(z, e))
	}
	if z.Spec.Storage.PersistentVolumes != nil {
		for _, pv := range PersistentVolumes(z, e) {
			objs = append(objs, pv)
		}
	}
	objs = append(objs, Monitoring(z, e)...)
	// Backup adds its sidecar and restore init container to the
	// StatefulSet, and egress to an S3 target to the NetworkPolicy.
	objs = append(objs, Backup(z, e, objs)...)
	objs = append(objs, Secure(z, e, objs)...)
	return objs
}
