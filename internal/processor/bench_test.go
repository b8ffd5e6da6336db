package processor_test

import (
	"bytes"
	"fmt"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"

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
				if err := framework.Execute(processor.Processor{}, rw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
