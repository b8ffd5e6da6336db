package krmio

import (
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// withKyamlAnnotations returns the items on which
// kio.ReconcileInternalAnnotations may change something: those that may
// carry one of the annotations it reads (kyaml's path, index and id
// annotations, new and legacy, and its migration id). On any other item
// it reads three times through the metadata and changes nothing, which
// for the twenty or so objects an ensemble adds was 4% of a run. An item
// whose metadata is not plain YAML (aliases, merge keys, a metadata or
// annotations that is not a mapping) is kept: kyaml decides.
func withKyamlAnnotations(items []*yaml.RNode) []*yaml.RNode {
	for i, it := range items {
		if mayCarryKyamlAnnotations(it.YNode()) {
			continue
		}
		out := append(make([]*yaml.RNode, 0, len(items)-1), items[:i]...)
		for _, it := range items[i+1:] {
			if mayCarryKyamlAnnotations(it.YNode()) {
				out = append(out, it)
			}
		}
		return out
	}
	return items // every item kept: no copy
}

// mayCarryKyamlAnnotations is false only when n is a mapping whose
// metadata keys (kyaml finds fields by key text, as here) hold no
// annotation kyaml's reconciliation reads.
func mayCarryKyamlAnnotations(n *yaml.Node) bool {
	if n == nil || n.Kind != yaml.MappingNode {
		return true
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		switch k, v := n.Content[i], n.Content[i+1]; {
		case k.Kind != yaml.ScalarNode || k.Value == "<<":
			return true
		case k.Value != yaml.MetadataField:
		case v.Kind != yaml.MappingNode || annotated(v):
			return true
		}
	}
	return false
}

// annotated reports whether metadata m may hold a kyaml annotation.
func annotated(m *yaml.Node) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		switch k, v := m.Content[i], m.Content[i+1]; {
		case k.Kind != yaml.ScalarNode || k.Value == "<<":
			return true
		case k.Value != yaml.AnnotationsField:
		case v.Kind != yaml.MappingNode:
			return !(v.Kind == yaml.ScalarNode && v.Tag == yaml.NodeTagNull)
		default:
			for j := 0; j+1 < len(v.Content); j += 2 {
				if k := v.Content[j]; k.Kind != yaml.ScalarNode || kyamlAnnotation(k.Value) {
					return true
				}
			}
		}
	}
	return false
}

// internalPrefix starts every internal annotation of kyaml's (path,
// index, id, the migration id).
var internalPrefix = strings.TrimSuffix(kioutil.PathAnnotation, "path")

func kyamlAnnotation(key string) bool {
	return key == "<<" || strings.HasPrefix(key, internalPrefix) ||
		key == kioutil.LegacyPathAnnotation || key == kioutil.LegacyIndexAnnotation || key == kioutil.LegacyIdAnnotation
}
