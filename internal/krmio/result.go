package krmio

import (
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/krm"
)

// Result builds a KRM result about resource n and field path; the path
// also starts the message, as kustomize shows only the message.
func Result(n *yaml.RNode, path, msg string, sev krm.Severity) *krm.Result {
	r := &krm.Result{
		Message:  msg,
		Severity: sev,
		ResourceRef: &yaml.ResourceIdentifier{
			TypeMeta: yaml.TypeMeta{APIVersion: n.GetApiVersion(), Kind: n.GetKind()},
			NameMeta: yaml.NameMeta{Name: n.GetName(), Namespace: n.GetNamespace()},
		},
	}
	if path != "" {
		r.Message = path + " " + msg
		r.Field = &krm.Field{Path: path}
	}
	if f := n.GetAnnotations()[kioutil.PathAnnotation]; f != "" {
		r.File = &krm.File{Path: f}
	}
	return r
}
