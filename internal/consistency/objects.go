package consistency

import (
	"encoding/json"
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krm"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krmio"
)

// maxObjectNodes bounds the YAML nodes of an object the validator decodes,
// with aliases expanded: rendered objects have a few hundred.
const maxObjectNodes = 100000

// object is one item of the stream with its identity read once.
type object struct {
	node                  *yaml.RNode
	kind, name, namespace string
}

func newObject(n *yaml.RNode) object {
	return object{node: n, kind: n.GetKind(), name: n.GetName(), namespace: n.GetNamespace()}
}

// decode reads the object into a typed Go value, refusing alias bombs.
func (o object) decode(v any) error {
	if overBudget(o.node, maxObjectNodes) {
		return fmt.Errorf("expands to more than %d YAML nodes through anchors and aliases; write it out without *aliases", maxObjectNodes)
	}
	b, err := o.node.MarshalJSON()
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("cannot read it as a %s: %v", o.kind, err)
	}
	return nil
}

// overBudget: the shared alias budget walk, on one object.
func overBudget(n *yaml.RNode, max int) bool {
	_, over := krmio.ExceedsNodes(n.YNode(), max)
	return over
}

// report is a result about object o and field path.
func (o object) report(sev krm.Severity, path, format string, args ...any) *krm.Result {
	return krmio.Result(o.node, path, fmt.Sprintf(format, args...), sev)
}

func (o object) errorf(path, format string, args ...any) *krm.Result {
	return o.report(krm.Error, path, format, args...)
}

func clip(s string) string { return api.Clip(s) }

// previous lists the names kustomize recorded for an object before its
// transformers renamed it (internal.config.kubernetes.io/previousNames).
func previous(n *yaml.RNode, key string) []string {
	v := n.GetAnnotations()["internal.config.kubernetes.io/previous"+key]
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}
