package processor_test

import (
	"bytes"
	"fmt"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/krm"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krmio"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krmtest"
	"github.com/zookeeper-fn/zookeeper-fn/internal/processor"
)

func specList(replicas int) []byte {
	return []byte(fmt.Sprintf(`apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: zookeeper-fn.dev/v1alpha1
  kind: ZookeeperSpec
  metadata: {name: zk, namespace: bench}
  spec:
    replicas: %d
    storage: {className: fast-ssd, size: 20Gi}
    placement: {antiAffinity: required, zoneSpread: required}
`, replicas))
}

// BenchmarkProcess is the whole function on one spec, from ResourceList
// bytes to ResourceList bytes, as a kustomize or kpt run costs it.
func BenchmarkProcess(b *testing.B) {
	for _, replicas := range []int{1, 3, 5} {
		in := specList(replicas)
		b.Run(fmt.Sprintf("replicas=%d", replicas), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var out bytes.Buffer
				rw := &kio.ByteReadWriter{Reader: bytes.NewReader(in), Writer: &out, KeepReaderAnnotations: true}
				if err := framework.Execute(krmtest.Framework(processor.Processor{}), rw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// unrelatedItems is a stream the function passes through: n resources of
// an application (ConfigMaps, Services, Deployments, ServiceAccounts) with
// one spec in the middle.
func unrelatedItems(n int) []byte {
	var b bytes.Buffer
	b.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("app-%05d", i)
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: %s, namespace: apps, labels: {app: %s}}\n  data: {LOG_LEVEL: info, settings.properties: \"threads=4\\ncache=256\\n\"}\n", name, name)
		case 1:
			fmt.Fprintf(&b, "- apiVersion: v1\n  kind: Service\n  metadata: {name: %s, namespace: apps}\n  spec:\n    selector: {app: %s}\n    ports: [{name: http, port: 80, targetPort: 8080}]\n", name, name)
		case 2:
			fmt.Fprintf(&b, "- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: %s, namespace: apps}\n  spec:\n    selector: {matchLabels: {app: %s}}\n    template:\n      metadata: {labels: {app: %s}}\n      spec:\n        containers:\n        - name: app\n          image: registry.example.com/app:1.%d\n          ports: [{containerPort: 8080, name: http}]\n", name, name, name, i%100)
		default:
			fmt.Fprintf(&b, "- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: %s, namespace: apps}\n", name)
		}
		if i == n/2 {
			b.Write(specList(5)[len("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n"):])
		}
	}
	return b.Bytes()
}

// manySpecs is a stream of n specs, each its own ensemble.
func manySpecs(n int) []byte {
	var b bytes.Buffer
	b.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "- apiVersion: zookeeper-fn.dev/v1alpha1\n  kind: ZookeeperSpec\n  metadata: {name: zk%03d, namespace: bench}\n  spec:\n    replicas: %d\n    storage: {className: fast-ssd, size: 20Gi}\n    placement: {antiAffinity: required, zoneSpread: required}\n", i, 3+2*(i%2))
	}
	return b.Bytes()
}

func execute(b *testing.B, p krm.Processor, in []byte) {
	b.Helper()
	var out bytes.Buffer
	rw := &kio.ByteReadWriter{Reader: bytes.NewReader(in), Writer: &out, KeepReaderAnnotations: true}
	if err := framework.Execute(krmtest.Framework(p), rw); err != nil {
		b.Fatal(err)
	}
}

// binary runs the function as the binary does: the stdin screen, then
// krmio.Execute on the tree it parsed.
func binary(b *testing.B, in []byte) {
	b.Helper()
	data, root, err := krmio.ReadResourceList(bytes.NewReader(in))
	if err != nil {
		b.Fatal(err)
	}
	var out bytes.Buffer
	if err := krmio.Execute(processor.Processor{}, data, root, &out); err != nil {
		b.Fatal(err)
	}
}

// benchIdentity is a function that changes nothing: through
// framework.Execute, the floor of reading and writing a ResourceList
// with kyaml.
var benchIdentity = krm.ProcessorFunc(func(*krm.ResourceList) error { return nil })

// BenchmarkPassThrough is the cost of a stream of unrelated resources
// through the function as the binary runs it (fn), with kyaml's identity
// function beside it: fn/identity is the function's price against a
// framework function that does nothing.
func BenchmarkPassThrough(b *testing.B) {
	for _, n := range []int{100, 1000} {
		in := unrelatedItems(n)
		for _, v := range []struct {
			name string
			run  func(b *testing.B, in []byte)
		}{
			{"fn", binary},
			{"identity", func(b *testing.B, in []byte) { execute(b, benchIdentity, in) }},
		} {
			b.Run(fmt.Sprintf("items=%d/%s", n, v.name), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(in)))
				for b.Loop() {
					v.run(b, in)
				}
			})
		}
	}
}

// BenchmarkManySpecs renders 100 ensembles in one stream; ns/op divided by
// 100 is the cost of one ensemble.
func BenchmarkManySpecs(b *testing.B) {
	in := manySpecs(100)
	b.ReportAllocs()
	for b.Loop() {
		binary(b, in)
	}
}

// BenchmarkProcessor is Processor.Process alone on items already parsed:
// no reading or writing of YAML text.
func BenchmarkProcessor(b *testing.B) {
	for _, c := range []struct {
		name string
		in   []byte
	}{{"spec=1", specList(5)}, {"items=1000", unrelatedItems(1000)}, {"specs=100", manySpecs(100)}} {
		rw := &kio.ByteReadWriter{Reader: bytes.NewReader(c.in), KeepReaderAnnotations: true}
		items, err := rw.Read()
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				// Process replaces the list and marks the specs
				// local-config (the same on every run): a fresh list of
				// the same nodes is the same input each time.
				rl := &krm.ResourceList{Items: append([]*yaml.RNode(nil), items...)}
				if err := (processor.Processor{}).Process(rl); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
