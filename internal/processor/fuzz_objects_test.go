package processor_test

import (
	"bytes"
	"encoding/json"
	"testing"

	monv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/runtime"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/objcheck"
)

// FuzzValidSpecRendersValidObjects is a property test: whatever values
// the fuzzer puts in the spec fields that reach names, labels, ports,
// quantities, resource and class names and the S3 endpoint, when the
// function accepts the spec, every object it writes, read back as kubectl
// reads it (YAML 1.1 through sigs.k8s.io/yaml, strictly), decodes into its
// Kubernetes type and passes the API server's rules. A value that reaches
// an object unchecked, or a string the writer leaves for YAML 1.1 to read
// as a boolean or number, fails it.
func FuzzValidSpecRendersValidObjects(f *testing.F) {
	f.Add("zk", "payments", "zookeeper:3.9.6", "release", "prod", "cpu", "500m", "https://s3.example.com", int32(7000), "fast", 3)
	f.Add("2024-zk", "", "zookeeper:3.9.6_", "y", "yes", "gpu", "-1", "http://minio.backup:0", int32(0), "Fast_SSD", 5)
	f.Add("zk", "default", "zookeeper:1e3", "grafana_dashboard", "010", "example.com/gpu", "1", "https://minio.backup:99999", int32(65536), "svc.cluster.local", 1)
	f.Add("a", "b", "zookeeper:on", "n", "on", "memory", "1Gi", "https://10.0.0.1:9000", int32(7070), "x.y", 7)
	f.Add("a", "b", "zookeeper:on", "n", "~", "memory", "1Gi", "https://10.0.0.1:9000#x", int32(2181), "x.y", 7)
	// One defect each, which only the object checks or the writer's
	// quoting catch.
	f.Add("2024-zk", "payments", "zookeeper:3.9.6", "release", "prod", "cpu", "500m", "https://s3.example.com", int32(7000), "fast", 3)
	f.Add("zk", "payments", "zookeeper:3.9.6_", "release", "prod", "cpu", "500m", "https://s3.example.com", int32(7000), "fast", 3)
	f.Add("zk", "payments", "zookeeper:3.9.6", "release", "prod", "gpu", "1", "https://s3.example.com", int32(7000), "fast", 3)
	f.Add("zk", "payments", "zookeeper:3.9.6", "release", "prod", "cpu", "500m", "https://s3.example.com", int32(7000), "Fast_SSD", 3)
	f.Add("zk", "payments", "zookeeper:off", "y", "on", "cpu", "500m", "https://s3.example.com", int32(7000), "fast", 3)
	f.Fuzz(func(t *testing.T, name, ns, image, labelKey, labelValue, resName, resQty, endpoint string, port int32, class string, replicas int) {
		in := fuzzSpecList(name, ns, image, labelKey, labelValue, resName, resQty, endpoint, port, class, replicas)
		if in == nil {
			return // not representable in YAML (control characters)
		}
		out, err := fuzzExecute(in)
		if err != nil {
			return // refused, with results: FuzzProcess holds that side
		}
		rl, err := kyaml.Parse(string(out))
		if err != nil {
			t.Fatalf("output is not YAML: %v", err)
		}
		items, _ := rl.Field("items").Value.Elements()
		for _, it := range items {
			if it.GetAnnotations()["zookeeper-fn.dev/owner"] == "" || it.GetKind() == "ZookeeperSpec" {
				continue
			}
			obj := typedObject(t, it)
			if ps := objcheck.Check([]runtime.Object{obj}); len(ps) > 0 {
				t.Fatalf("accepted spec renders an invalid object: %v\ninput:\n%s", ps[0], in)
			}
		}
	})
}

// TestFuzzSeedsRender: the property above is not vacuous; the first and
// fourth seeds (one with values YAML 1.1 misreads) are accepted.
func TestFuzzSeedsRender(t *testing.T) {
	for _, in := range [][]byte{
		fuzzSpecList("zk", "payments", "zookeeper:3.9.6", "release", "prod", "cpu", "500m", "https://s3.example.com", 7000, "fast", 3),
		fuzzSpecList("a", "b", "zookeeper:on", "n", "on", "memory", "1Gi", "https://10.0.0.1:9000", 7070, "x.y", 7),
	} {
		if _, err := fuzzExecute(in); err != nil {
			t.Fatalf("seed refused: %v\n%s", err, in)
		}
	}
}

// fuzzSpecList is a ResourceList with one spec built from the values, or
// nil when YAML cannot hold them.
func fuzzSpecList(name, ns, image, labelKey, labelValue, resName, resQty, endpoint string, port int32, class string, replicas int) []byte {
	meta := map[string]any{"name": name}
	if ns != "" {
		meta["namespace"] = ns
	}
	spec := map[string]any{
		"replicas":  replicas,
		"image":     image,
		"resources": map[string]any{"requests": map[string]any{resName: resQty, "memory": "1Gi"}, "limits": map[string]any{"memory": "1Gi"}},
		"storage":   map[string]any{"className": "fast", "dataLog": map[string]any{"className": class}},
		"placement": map[string]any{"nodeSelector": map[string]any{labelKey: labelValue}},
		"zookeeper": map[string]any{"metrics": map[string]any{"port": port}},
		"monitoring": map[string]any{
			"serviceMonitor": map[string]any{"labels": map[string]any{labelKey: labelValue}},
			"dashboard":      map[string]any{"labels": map[string]any{labelKey: labelValue}},
		},
		"backup": map[string]any{"enabled": true, "s3": map[string]any{"endpoint": endpoint, "bucket": "zk-backups", "credentialsSecret": map[string]any{"name": "s3"}},
			"resources": map[string]any{"requests": map[string]any{resName: resQty}}},
	}
	rl := map[string]any{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": []any{
		map[string]any{"apiVersion": "zookeeper-fn.dev/v1alpha1", "kind": "ZookeeperSpec", "metadata": meta, "spec": spec},
	}}
	b, err := sigsyaml.Marshal(rl)
	if err != nil {
		return nil
	}
	return b
}

// typedObject reads a written item as kubectl does, into its type.
func typedObject(t *testing.T, it *kyaml.RNode) runtime.Object {
	t.Helper()
	kinds := map[string]func() runtime.Object{
		"ServiceAccount":        func() runtime.Object { return &corev1.ServiceAccount{} },
		"ConfigMap":             func() runtime.Object { return &corev1.ConfigMap{} },
		"Service":               func() runtime.Object { return &corev1.Service{} },
		"StatefulSet":           func() runtime.Object { return &appsv1.StatefulSet{} },
		"PodDisruptionBudget":   func() runtime.Object { return &policyv1.PodDisruptionBudget{} },
		"NetworkPolicy":         func() runtime.Object { return &networkingv1.NetworkPolicy{} },
		"StorageClass":          func() runtime.Object { return &storagev1.StorageClass{} },
		"PersistentVolume":      func() runtime.Object { return &corev1.PersistentVolume{} },
		"PersistentVolumeClaim": func() runtime.Object { return &corev1.PersistentVolumeClaim{} },
		"ServiceMonitor":        func() runtime.Object { return &monv1.ServiceMonitor{} },
		"PrometheusRule":        func() runtime.Object { return &monv1.PrometheusRule{} },
	}
	mk, ok := kinds[it.GetKind()]
	if !ok {
		t.Fatalf("the function writes a %s, which this test cannot decode: add it", it.GetKind())
	}
	obj := mk()
	if err := sigsyaml.UnmarshalStrict([]byte(it.MustString()), obj); err != nil {
		t.Fatalf("%s %s does not read back as kubectl reads it: %v\n%s", it.GetKind(), it.GetName(), err, it.MustString())
	}
	// The same item read as YAML 1.2 (kyaml, kpt) must be the same object:
	// sigs.k8s.io/yaml turns an unquoted yes into "true" in a string field.
	b, err := it.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	want := mk()
	if err := json.Unmarshal(b, want); err != nil {
		t.Fatal(err)
	}
	got11, _ := json.Marshal(obj)
	got12, _ := json.Marshal(want)
	if !bytes.Equal(got11, got12) {
		t.Fatalf("%s %s reads differently as YAML 1.1 (kubectl) and 1.2:\n%s\n%s\nwritten:\n%s", it.GetKind(), it.GetName(), got11, got12, it.MustString())
	}
	return obj // TypeMeta came from the item's apiVersion and kind
}
