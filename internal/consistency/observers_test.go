package consistency_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/consistency"
	"github.com/zookeeper-fn/zookeeper-fn/internal/processor"
)

const observerSpec = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: zookeeper-fn.dev/v1alpha1
  kind: ZookeeperSpec
  metadata: {name: zk, namespace: prod}
  spec:
    replicas: 3
    observers: 2
    placement: {antiAffinity: required, zoneSpread: required}
    storage:
      className: local
      persistentVolumes: {nodes: [n1, n2, n3, n4, n5], path: /mnt/zk}
`

func renderedObservers(t *testing.T) []*yaml.RNode {
	t.Helper()
	var out bytes.Buffer
	rw := &kio.ByteReadWriter{Reader: strings.NewReader(observerSpec), Writer: &out, KeepReaderAnnotations: true}
	require.NoError(t, framework.Execute(processor.Processor{}, rw))
	items, err := (&kio.ByteReader{Reader: &out}).Read()
	require.NoError(t, err)
	return items
}

// TestCheckObservers: the validator knows the observers' StatefulSet, its
// server lines (ids from 101), its client Service and its static volumes,
// and still catches a stream that a later transformation broke.
func TestCheckObservers(t *testing.T) {
	cases := map[string]struct {
		breakIt     func(t *testing.T, items []*yaml.RNode) []*yaml.RNode
		kind, words string
	}{
		"consistent": {breakIt: func(t *testing.T, items []*yaml.RNode) []*yaml.RNode { return items }},
		"observers' StatefulSet renamed": {
			breakIt: func(t *testing.T, items []*yaml.RNode) []*yaml.RNode {
				require.NoError(t, find(items, "StatefulSet", "zk-observer").SetName("team-zk-observer"))
				return items
			},
			kind: "ConfigMap", words: `server.101 is "zk-observer-0.zk-headless.prod.svc.cluster.local" where observer 0 of StatefulSet "team-zk-observer"`,
		},
		"observers' replicas patched": {
			breakIt: func(t *testing.T, items []*yaml.RNode) []*yaml.RNode {
				set(t, find(items, "StatefulSet", "zk-observer"), "3", "spec", "replicas")
				return items
			},
			kind: "StatefulSet", words: `is 3, but zoo.cfg in ConfigMap "zk-config" lists 2 observers`,
		},
		"observers' StatefulSet dropped": {
			breakIt: func(t *testing.T, items []*yaml.RNode) []*yaml.RNode {
				return drop(items, "StatefulSet", "zk-observer")
			},
			kind: "ConfigMap", words: "holds no observers' StatefulSet",
		},
		"observers' Service selects nothing": {
			breakIt: func(t *testing.T, items []*yaml.RNode) []*yaml.RNode {
				set(t, find(items, "Service", "zk-observers"), "reader", "spec", "selector", "zookeeper-fn.dev/role")
				return items
			},
			kind: "Service", words: "has no endpoints",
		},
		"observers' spread selects the voters": {
			breakIt: func(t *testing.T, items []*yaml.RNode) []*yaml.RNode {
				sts := find(items, "StatefulSet", "zk-observer")
				spread, err := sts.Pipe(yaml.Lookup("spec", "template", "spec", "topologySpreadConstraints", "0"))
				require.NoError(t, err)
				set(t, spread, "participant", "labelSelector", "matchLabels", "zookeeper-fn.dev/role")
				return items
			},
			kind: "StatefulSet", words: "observers are not spread",
		},
		"observers' name too long after a prefix": {
			breakIt: func(t *testing.T, items []*yaml.RNode) []*yaml.RNode {
				require.NoError(t, find(items, "StatefulSet", "zk-observer").SetName(strings.Repeat("x", 53)))
				return items
			},
			kind: "StatefulSet", words: "at most 52 fit",
		},
		"an observer's static volume names a claim nobody creates": {
			breakIt: func(t *testing.T, items []*yaml.RNode) []*yaml.RNode {
				set(t, find(items, "PersistentVolume", "prod-zk-observer-data-1"), "data-zk-observer-7", "spec", "claimRef", "name")
				return items
			},
			kind: "PersistentVolume", words: "is not a claim",
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			results := consistency.Check(c.breakIt(t, renderedObservers(t)))
			if c.words == "" {
				assert.Empty(t, results)
				return
			}
			var found bool
			for _, r := range results {
				found = found || (r.Severity == framework.Error && r.ResourceRef.Kind == c.kind && strings.Contains(r.Message, c.words))
			}
			assert.True(t, found, "no error on %s containing %q in %v", c.kind, c.words, results)
		})
	}
}
