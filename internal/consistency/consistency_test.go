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
	"github.com/zookeeper-fn/zookeeper-fn/internal/krm"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krmtest"
	"github.com/zookeeper-fn/zookeeper-fn/internal/processor"
)

// spec is the body of the ZookeeperSpec the checks break (render).
const spec = `
    replicas: 3
    placement: {antiAffinity: required}
    storage:
      className: local
      storageClass: {provisioner: kubernetes.io/no-provisioner}
      persistentVolumes: {nodes: [n1, n2, n3], path: /mnt/zk}
`

// rendered runs the function in render mode on spec and returns its
// items.
func rendered(t *testing.T) []*yaml.RNode { return render(t, spec) }

// render runs the function in render mode on the ZookeeperSpec zk in
// namespace prod whose spec is body (lines indented by four) and returns
// its items.
func render(t *testing.T, body string) []*yaml.RNode {
	t.Helper()
	list := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n" +
		"- apiVersion: zookeeper-fn.dev/v1alpha1\n  kind: ZookeeperSpec\n  metadata: {name: zk, namespace: prod}\n  spec:" + body
	var out bytes.Buffer
	rw := &kio.ByteReadWriter{Reader: strings.NewReader(list), Writer: &out, KeepReaderAnnotations: true}
	require.NoError(t, framework.Execute(krmtest.Framework(processor.Processor{}), rw))
	items, err := (&kio.ByteReader{Reader: &out}).Read()
	require.NoError(t, err)
	return items
}

func find(items []*yaml.RNode, kind, name string) *yaml.RNode {
	for _, it := range items {
		if it.GetKind() == kind && (name == "" || it.GetName() == name) {
			return it
		}
	}
	return nil
}

func set(t *testing.T, n *yaml.RNode, value string, path ...string) {
	t.Helper()
	require.NoError(t, n.PipeE(yaml.LookupCreate(yaml.ScalarNode, path...), yaml.FieldSetter{StringValue: value}))
}

// setAt breaks a stream by setting one field of one object to value.
func setAt(kind, name, value string, path ...string) func(*testing.T, []*yaml.RNode) []*yaml.RNode {
	return func(t *testing.T, items []*yaml.RNode) []*yaml.RNode {
		set(t, find(items, kind, name), value, path...)
		return items
	}
}

func drop(items []*yaml.RNode, kind, name string) []*yaml.RNode {
	var out []*yaml.RNode
	for _, it := range items {
		if it.GetKind() != kind || it.GetName() != name {
			out = append(out, it)
		}
	}
	return out
}

// TestCheck breaks a freshly rendered stream the way later transformations
// do and expects the validator to name the object, the field and the fix.
func TestCheck(t *testing.T) {
	requireBreakages(t, spec, map[string]breakage{
		"consistent": {breakIt: func(t *testing.T, items []*yaml.RNode) []*yaml.RNode { return items }},
		"StatefulSet renamed": {
			breakIt: func(t *testing.T, items []*yaml.RNode) []*yaml.RNode {
				require.NoError(t, find(items, "StatefulSet", "zk").SetName("team-zk"))
				return items
			},
			kind: "ConfigMap", path: "data[zoo.cfg]", words: `server.1 is "zk-0.zk-headless.prod.svc.cluster.local" where member 0 of StatefulSet "team-zk"`,
		},
		"headless Service gone": {
			breakIt: func(t *testing.T, items []*yaml.RNode) []*yaml.RNode { return drop(items, "Service", "zk-headless") },
			kind:    "StatefulSet", path: "spec.serviceName", words: `the stream holds no Service of that name`,
		},
		"headless Service publishes only ready members": {
			breakIt: setAt("Service", "zk-headless", "false", "spec", "publishNotReadyAddresses"),
			kind:    "Service", path: "spec.publishNotReadyAddresses", words: "set it to true",
		},
		"replicas patched": {
			breakIt: setAt("StatefulSet", "zk", "5", "spec", "replicas"),
			kind:    "StatefulSet", path: "spec.replicas", words: `is 5, but zoo.cfg in ConfigMap "zk-config" lists 3 servers`,
		},
		"created StorageClass dropped": {
			breakIt: func(t *testing.T, items []*yaml.RNode) []*yaml.RNode { return drop(items, "StorageClass", "local") },
			kind:    "StatefulSet", path: "spec.volumeClaimTemplates[0].spec.storageClassName", words: "asks the function to create that StorageClass",
		},
		"PDB selector changed": {
			breakIt: setAt("PodDisruptionBudget", "zk", "other", "spec", "selector", "matchLabels", "app.kubernetes.io/instance"),
			kind:    "PodDisruptionBudget", path: "spec.selector", words: "protects no member",
		},
		"static volume moved to another namespace": {
			breakIt: setAt("PersistentVolume", "prod-zk-data-0", "staging", "spec", "claimRef", "namespace"),
			kind:    "PersistentVolume", path: "spec.claimRef.namespace", words: `creates its claims in "prod"`,
		},
		"name too long after a prefix": {
			breakIt: func(t *testing.T, items []*yaml.RNode) []*yaml.RNode {
				require.NoError(t, find(items, "StatefulSet", "zk").SetName(strings.Repeat("x", 60)))
				return items
			},
			kind: "StatefulSet", path: "metadata.name", words: "at most 52 fit",
		},
		"StatefulSet unreadable": {
			breakIt: setAt("StatefulSet", "zk", "many", "spec", "replicas"),
			kind:    "StatefulSet", words: "cannot read it as a StatefulSet",
		},
		"spec never rendered": {
			breakIt: func(t *testing.T, items []*yaml.RNode) []*yaml.RNode {
				var out []*yaml.RNode
				for _, it := range items {
					if it.GetKind() == "ZookeeperSpec" {
						out = append(out, it)
					}
				}
				return out
			},
			kind: "ZookeeperSpec", words: "run zookeeper-fn in render mode before the validator",
		},
	})
}

// breakage is a rendered stream broken the way a later transformation
// breaks it, and the error the validator must give: on kind, at path
// (when set), with words in its message; without words, no result at all.
type breakage struct {
	breakIt func(t *testing.T, items []*yaml.RNode) []*yaml.RNode
	kind    string
	path    string
	words   string
}

// requireBreakages checks each case on a fresh rendering of body.
func requireBreakages(t *testing.T, body string, cases map[string]breakage) {
	t.Helper()
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			results := consistency.Check(c.breakIt(t, render(t, body)))
			if c.words == "" {
				assert.Empty(t, results)
				return
			}
			require.NotZero(t, results.ExitCode(), "an error result")
			var found bool
			for _, r := range results {
				if r.Severity == krm.Error && r.ResourceRef.Kind == c.kind && strings.Contains(r.Message, c.words) {
					found = true
					if c.path != "" {
						require.NotNil(t, r.Field)
						assert.Equal(t, c.path, r.Field.Path)
					}
				}
			}
			assert.True(t, found, "no error on %s containing %q in %v", c.kind, c.words, results)
		})
	}
}

// TestCheckEmptyStream warns: a validator with nothing to check is wired wrong.
func TestCheckEmptyStream(t *testing.T) {
	results := consistency.Check(nil)
	require.Len(t, results, 1)
	assert.Equal(t, krm.Warning, results[0].Severity)
	assert.Zero(t, results.ExitCode())
}

// TestCheckAliasBomb refuses to expand an alias bomb in an owned object.
func TestCheckAliasBomb(t *testing.T) {
	doc := "apiVersion: v1\nkind: Service\nmetadata:\n  name: zk-headless\n  namespace: prod\n  annotations: {zookeeper-fn.dev/owner: prod/zk}\n" +
		"x0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
	for i := 1; i < 9; i++ {
		doc += "x" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [" + strings.Repeat("*a"+string(rune('0'+i-1))+", ", 9) + "*a" + string(rune('0'+i-1)) + "]\n"
	}
	items := rendered(t)
	bomb, err := yaml.Parse(doc)
	require.NoError(t, err)
	items = append(drop(items, "Service", "zk-headless"), bomb)
	results := consistency.Check(items)
	var msgs []string
	for _, r := range results {
		msgs = append(msgs, r.Message)
	}
	assert.Contains(t, strings.Join(msgs, "\n"), "anchors and aliases")
}
