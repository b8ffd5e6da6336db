package krmio

import (
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestWithKyamlAnnotations: plain items are skipped, anything kyaml's
// reconciliation reads (or that is not plain enough to tell) is kept, and
// on every skipped item the reconciliation, whatever the input's format,
// changes nothing and fails on nothing.
func TestWithKyamlAnnotations(t *testing.T) {
	for name, c := range map[string]struct {
		item string
		kept bool
	}{
		"no metadata":          {"kind: ConfigMap\ndata: {a: b}\n", false},
		"no annotations":       {"kind: ConfigMap\nmetadata: {name: a, labels: {x: y}}\n", false},
		"other annotations":    {"kind: ConfigMap\nmetadata: {name: a, annotations: {a: b, config.kubernetes.io/local-config: 'true'}}\n", false},
		"null annotations":     {"kind: ConfigMap\nmetadata: {name: a, annotations: null}\n", false},
		"empty annotations":    {"kind: ConfigMap\nmetadata: {name: a, annotations: {}}\n", false},
		"path":                 {"metadata: {annotations: {internal.config.kubernetes.io/path: a.yaml}}\n", true},
		"index":                {"metadata: {annotations: {internal.config.kubernetes.io/index: '1'}}\n", true},
		"id":                   {"metadata: {annotations: {internal.config.kubernetes.io/id: '1'}}\n", true},
		"migration id":         {"metadata: {annotations: {internal.config.kubernetes.io/annotations-migration-resource-id: '0'}}\n", true},
		"legacy path":          {"metadata: {annotations: {config.kubernetes.io/path: a.yaml}}\n", true},
		"legacy index":         {"metadata: {annotations: {config.kubernetes.io/index: '0'}}\n", true},
		"legacy id":            {"metadata: {annotations: {config.k8s.io/id: '0'}}\n", true},
		"second metadata key":  {"metadata: {name: a}\nmetadata: {annotations: {config.kubernetes.io/path: a.yaml}}\n", true},
		"merge in root":        {"<<: {metadata: {annotations: {config.kubernetes.io/path: a.yaml}}}\nkind: X\n", true},
		"merge in metadata":    {"metadata: {<<: {annotations: {config.kubernetes.io/path: a.yaml}}}\n", true},
		"merge in annotations": {"metadata: {annotations: {<<: {config.kubernetes.io/path: a.yaml}}}\n", true},
		"aliased metadata":     {"x: &m {annotations: {config.kubernetes.io/path: a.yaml}}\nmetadata: *m\n", true},
		"aliased annotations":  {"x: &a {config.kubernetes.io/path: a.yaml}\nmetadata: {annotations: *a}\n", true},
		"scalar annotations":   {"metadata: {annotations: text}\n", true},
		"sequence metadata":    {"metadata: [a]\n", true},
		"not a mapping":        {"[a, b]\n", true},
	} {
		t.Run(name, func(t *testing.T) {
			n, err := yaml.Parse(c.item)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(withKyamlAnnotations([]*yaml.RNode{n})) == 1; got != c.kept {
				t.Fatalf("kept = %v, want %v", got, c.kept)
			}
			if c.kept {
				return
			}
			before := n.MustString()
			for _, input := range []map[string]map[string]string{
				nil,
				{"0": {"internal.config.kubernetes.io/path": "a.yaml"}},
				{"0": {"config.kubernetes.io/path": "a.yaml"}},
				{"0": {"config.kubernetes.io/path": "a.yaml", "internal.config.kubernetes.io/path": "a.yaml"}},
			} {
				if err := kio.ReconcileInternalAnnotations([]*yaml.RNode{n}, input); err != nil {
					t.Fatalf("reconciling with input %v: %v", input, err)
				}
				if after := n.MustString(); after != before {
					t.Fatalf("reconciling with input %v changed the item:\n%s\nto\n%s", input, before, after)
				}
			}
		})
	}
}

// TestWithKyamlAnnotationsKeepsOrder: the kept items keep their order,
// and with every item kept the slice is returned as it is.
func TestWithKyamlAnnotationsKeepsOrder(t *testing.T) {
	var items []*yaml.RNode
	for _, s := range []string{
		"metadata: {name: a, annotations: {config.kubernetes.io/path: a.yaml}}\n",
		"metadata: {name: b}\n",
		"metadata: {name: c, annotations: {internal.config.kubernetes.io/path: c.yaml}}\n",
	} {
		items = append(items, yaml.MustParse(s))
	}
	got := withKyamlAnnotations(items)
	if len(got) != 2 || got[0] != items[0] || got[1] != items[2] {
		t.Fatalf("got %d items, want a and c in order", len(got))
	}
	all := []*yaml.RNode{items[0], items[2]}
	if got := withKyamlAnnotations(all); &got[0] != &all[0] {
		t.Fatal("every item kept, yet the slice was copied")
	}
}
