package consistency

import (
	"encoding/json"
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
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
	if overBudget(o.node.YNode(), maxObjectNodes) {
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

// overBudget counts nodes with aliases expanded and stops once past max.
func overBudget(n *yaml.Node, max int) bool {
	budget := max
	var walk func(n *yaml.Node) bool
	walk = func(n *yaml.Node) bool {
		if n == nil {
			return false
		}
		if budget--; budget < 0 {
			return true
		}
		if n.Kind == yaml.AliasNode {
			return walk(n.Alias)
		}
		for _, c := range n.Content {
			if walk(c) {
				return true
			}
		}
		return false
	}
	return walk(n)
}

// report is a result about object o and field path.
func (o object) report(sev framework.Severity, path, format string, args ...any) *framework.Result {
	msg := fmt.Sprintf(format, args...)
	r := &framework.Result{
		Message:  msg,
		Severity: sev,
		ResourceRef: &yaml.ResourceIdentifier{
			TypeMeta: yaml.TypeMeta{APIVersion: o.node.GetApiVersion(), Kind: o.kind},
			NameMeta: yaml.NameMeta{Name: o.name, Namespace: o.namespace},
		},
	}
	if path != "" {
		r.Message = path + " " + msg
		r.Field = &framework.Field{Path: path}
	}
	if f := o.node.GetAnnotations()[kioutil.PathAnnotation]; f != "" {
		r.File = &framework.File{Path: f}
	}
	return r
}

func (o object) errorf(path, format string, args ...any) *framework.Result {
	return o.report(framework.Error, path, format, args...)
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
