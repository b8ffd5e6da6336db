package yamlconv_test

import (
	"fmt"
	"testing"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/render"
	"github.com/zookeeper-fn/zookeeper-fn/internal/yamlconv"
)

// prodSpec is the prod overlay's spec: five members, a data-log volume, a
// StorageClass, required spreading, and the default monitoring objects.
const prodSpec = `{"apiVersion": "zookeeper-fn.dev/v1alpha1", "kind": "ZookeeperSpec",
 "metadata": {"name": "zk", "namespace": "zookeeper-prod"},
 "spec": {"replicas": 5,
  "resources": {"requests": {"cpu": "1", "memory": "4Gi"}, "limits": {"memory": "4Gi"}},
  "storage": {"className": "zookeeper-ssd", "size": "20Gi", "reclaimPolicy": "Retain",
   "dataLog": {"size": "10Gi"},
   "storageClass": {"provisioner": "ebs.csi.aws.com", "parameters": {"type": "gp3"},
    "volumeBindingMode": "WaitForFirstConsumer", "allowVolumeExpansion": true}},
  "placement": {"antiAffinity": "required", "zoneSpread": "required"}}}`

func ensemble(b *testing.B) []render.Object {
	b.Helper()
	z, problems := api.Decode([]byte(prodSpec))
	if z == nil || problems.HasErrors() {
		b.Fatalf("decoding the spec: %v", problems)
	}
	return render.Ensemble(z, z.Membership())
}

// BenchmarkFromObject converts typed objects into YAML nodes: every object
// of an ensemble, and the two largest on their own.
func BenchmarkFromObject(b *testing.B) {
	objs := ensemble(b)
	b.Run("ensemble", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, o := range objs {
				if _, err := yamlconv.FromObject(o); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	for _, kind := range []string{"StatefulSet", "ConfigMap"} {
		var obj render.Object
		for _, o := range objs {
			if o.GetObjectKind().GroupVersionKind().Kind == kind {
				obj = o
				break
			}
		}
		if obj == nil {
			b.Fatalf("the ensemble has no %s", kind)
		}
		b.Run(fmt.Sprintf("kind=%s", kind), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := yamlconv.FromObject(obj); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
