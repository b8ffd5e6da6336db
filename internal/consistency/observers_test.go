package consistency_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// observerSpec is the body of a spec with three voters and two
// observers on static volumes.
const observerSpec = `
    replicas: 3
    observers: 2
    placement: {antiAffinity: required, zoneSpread: required}
    storage:
      className: local
      persistentVolumes: {nodes: [n1, n2, n3, n4, n5], path: /mnt/zk}
`

// TestCheckObservers: the validator knows the observers' StatefulSet, its
// server lines (ids from 101), its client Service and its static volumes,
// and still catches a stream that a later transformation broke.
func TestCheckObservers(t *testing.T) {
	requireBreakages(t, observerSpec, map[string]breakage{
		"consistent": {breakIt: func(t *testing.T, items []*yaml.RNode) []*yaml.RNode { return items }},
		"observers' StatefulSet renamed": {
			breakIt: func(t *testing.T, items []*yaml.RNode) []*yaml.RNode {
				require.NoError(t, find(items, "StatefulSet", "zk-observer").SetName("team-zk-observer"))
				return items
			},
			kind: "ConfigMap", words: `server.101 is "zk-observer-0.zk-headless.prod.svc.cluster.local" where observer 0 of StatefulSet "team-zk-observer"`,
		},
		"observers' replicas patched": {
			breakIt: setAt("StatefulSet", "zk-observer", "3", "spec", "replicas"),
			kind:    "StatefulSet", words: `is 3, but zoo.cfg in ConfigMap "zk-config" lists 2 observers`,
		},
		"observers' StatefulSet dropped": {
			breakIt: func(t *testing.T, items []*yaml.RNode) []*yaml.RNode {
				return drop(items, "StatefulSet", "zk-observer")
			},
			kind: "ConfigMap", words: "holds no observers' StatefulSet",
		},
		"observers' Service selects nothing": {
			breakIt: setAt("Service", "zk-observers", "reader", "spec", "selector", "zookeeper-fn.dev/role"),
			kind:    "Service", words: "has no endpoints",
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
			breakIt: setAt("PersistentVolume", "prod-zk-observer-data-1", "data-zk-observer-7", "spec", "claimRef", "name"),
			kind:    "PersistentVolume", words: "is not a claim",
		},
	})
}
