package krmio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
)

// MaxInputBytes bounds the ResourceList read from stdin. kustomize sends
// the whole kustomization; 64 MiB is far above real streams (the largest
// CRD bundles are a few MiB) and keeps a runaway input from exhausting the
// memory of a CI runner or a GitOps controller.
const MaxInputBytes = 64 << 20

// ResourceList versions the function accepts: the current one and the one
// older kpt and kustomize releases send.
var resourceListVersions = []string{"config.kubernetes.io/v1", "config.kubernetes.io/v1alpha1"}

// InputError is a problem with the stream itself. Nothing in such a stream
// can be trusted, so the function writes nothing to stdout and exits non-zero.
type InputError struct{ Message string }

func (e *InputError) Error() string { return "zookeeper-fn: " + e.Message }

func inputErrorf(format string, args ...any) error {
	return &InputError{Message: fmt.Sprintf(format, args...)}
}

// ReadInput reads the ResourceList a KRM function gets on stdin and checks
// what kyaml's reader would otherwise accept silently or reject cryptically:
// its size, UTF-8, that it is one ResourceList document, and that `items`
// is a list of resources (kyaml turns `items: 5` into no items at all and
// ignores a second `items:` key, which would drop the user's resources).
func ReadInput(r io.Reader) ([]byte, error) {
	b, _, err := ReadResourceList(r)
	return b, err
}

// ReadResourceList is ReadInput that also returns the ResourceList it
// parsed (the document's top-level mapping), so that the function parses
// its input once (see Execute).
func ReadResourceList(r io.Reader) ([]byte, *yaml.Node, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxInputBytes+1))
	if err != nil {
		return nil, nil, inputErrorf("cannot read stdin: %v", err)
	}
	if len(b) > MaxInputBytes {
		return nil, nil, inputErrorf("stdin holds more than %d MiB; the function accepts at most that: split the kustomization, or check what generates such a stream", MaxInputBytes>>20)
	}
	root, err := parseInput(b)
	if err != nil {
		return nil, nil, err
	}
	return b, root, nil
}

// parseInput checks b and returns the ResourceList's top-level mapping.
func parseInput(b []byte) (*yaml.Node, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, inputErrorf("stdin is empty; the function reads a ResourceList (kind: ResourceList) on stdin, as kustomize and kpt send it; to render plain files run `zookeeper-fn SPEC.yaml [INPUT.yaml...]`")
	}
	if !utf8.Valid(b) {
		line, col, bad := firstInvalidUTF8(b)
		return nil, inputErrorf("stdin is not UTF-8: byte 0x%02x at line %d, column %d; Kubernetes manifests are UTF-8: re-encode the file (e.g. iconv -t UTF-8)", bad, line, col)
	}
	root, err := singleDocument(b)
	if err != nil {
		return nil, err
	}
	if err := checkResourceList(root); err != nil {
		return nil, err
	}
	return root, nil
}

func firstInvalidUTF8(b []byte) (line, col int, bad byte) {
	line, col = 1, 1
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			return line, col, b[0]
		}
		if r == '\n' {
			line, col = line+1, 0
		}
		col++
		b = b[size:]
	}
	return line, col, 0
}

// singleDocument parses b and returns the top-level node of its only
// non-empty document.
func singleDocument(b []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var root *yaml.Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, inputErrorf("stdin is not valid YAML (%v); fix the document, or check the tool that produced it", err)
		}
		if len(doc.Content) == 0 || isNull(doc.Content[0]) {
			continue
		}
		if root != nil {
			return nil, inputErrorf("stdin holds several YAML documents; the function reads one ResourceList (kind: ResourceList, items: [...]); to render plain files run `zookeeper-fn SPEC.yaml [INPUT.yaml...]`")
		}
		root = doc.Content[0]
	}
	if root == nil {
		return nil, inputErrorf("stdin holds no YAML document; the function reads a ResourceList (kind: ResourceList) on stdin")
	}
	return root, nil
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// checkResourceList checks the wrapper: kind, apiVersion, no duplicate or
// aliased fields, items a list of mappings, functionConfig a mapping.
func checkResourceList(root *yaml.Node) error {
	if root.Kind != yaml.MappingNode {
		return inputErrorf("stdin is %s, not a ResourceList; the function reads a ResourceList (kind: ResourceList, items: [...]) on stdin", describeNode(root))
	}
	fields := map[string]*yaml.Node{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i].Value
		if _, dup := fields[k]; dup {
			return inputErrorf("the ResourceList has field %q twice (lines %d and %d); a reader keeps only one of them, so resources could be lost: merge them", clip(k), fields[k].Line, root.Content[i+1].Line)
		}
		fields[k] = root.Content[i+1]
	}
	kind, version := scalar(fields["kind"]), scalar(fields["apiVersion"])
	if kind != "ResourceList" {
		return inputErrorf("stdin is a %q, not a ResourceList; the function reads a ResourceList (kind: ResourceList, items: [...]) on stdin, as kustomize and kpt send it; to render plain files run `zookeeper-fn SPEC.yaml [INPUT.yaml...]`", clip(kind))
	}
	if !slices.Contains(resourceListVersions, version) {
		return inputErrorf("the ResourceList has apiVersion %q; use %s", clip(version), resourceListVersions[0])
	}
	items, fc := fields["items"], fields["functionConfig"]
	if (items == nil || isNull(items)) && (fc == nil || isNull(fc)) {
		return inputErrorf("the ResourceList has neither items nor functionConfig; put the resources under `items:` (the spec may also come as the functionConfig)")
	}
	if fc != nil && !isNull(fc) && fc.Kind != yaml.MappingNode {
		return inputErrorf("the ResourceList's functionConfig is %s; it must be a resource (a mapping with apiVersion, kind and metadata)", describeNode(fc))
	}
	if items == nil || isNull(items) {
		return nil
	}
	if items.Kind != yaml.SequenceNode {
		return inputErrorf("the ResourceList's items is %s; it must be a list of resources", describeNode(items))
	}
	for i, it := range items.Content {
		if it.Kind != yaml.MappingNode {
			return inputErrorf("items[%d] (line %d) is %s, not a resource; every item must be a mapping with apiVersion, kind and metadata", i, it.Line, describeNode(it))
		}
		if err := checkItemShape(i, it); err != nil {
			return err
		}
	}
	return nil
}

// checkItemShape checks the fields every reader of the stream relies on:
// kyaml writes annotations into metadata while it reads, and fails with
// an internal error when metadata or its maps are not mappings.
func checkItemShape(i int, it *yaml.Node) error {
	for _, f := range []string{"apiVersion", "kind"} {
		if v := field(it, f); v != nil && v.Kind != yaml.ScalarNode {
			return inputErrorf("items[%d] (line %d) has a %s that is %s; it must be a string", i, v.Line, f, describeNode(v))
		}
	}
	meta := field(it, "metadata")
	if meta == nil || isNull(meta) {
		return nil
	}
	if meta.Kind != yaml.MappingNode {
		return inputErrorf("items[%d] (line %d) has metadata that is %s; metadata must be a mapping (name, namespace, labels, annotations)", i, meta.Line, describeNode(meta))
	}
	for _, f := range []string{"name", "namespace"} {
		if v := field(meta, f); v != nil && v.Kind != yaml.ScalarNode {
			return inputErrorf("items[%d] (line %d) has a metadata.%s that is %s; it must be a string", i, v.Line, f, describeNode(v))
		}
	}
	for _, f := range []string{"labels", "annotations"} {
		v := field(meta, f)
		if v == nil || isNull(v) {
			continue
		}
		if v.Kind != yaml.MappingNode {
			return inputErrorf("items[%d] (line %d) has metadata.%s that is %s; it must be a mapping of strings", i, v.Line, f, describeNode(v))
		}
		for j := 1; j < len(v.Content); j += 2 {
			if v.Content[j].Kind != yaml.ScalarNode {
				return inputErrorf("items[%d] (line %d) has a metadata.%s value that is %s; label and annotation values are strings", i, v.Content[j].Line, f, describeNode(v.Content[j]))
			}
		}
	}
	return nil
}

// field returns the value of key k in mapping n, or nil.
func field(n *yaml.Node, k string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == k {
			return n.Content[i+1]
		}
	}
	return nil
}

func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "a YAML alias (*" + clip(n.Value) + "); write it out in full"
	case yaml.ScalarNode:
		return fmt.Sprintf("the scalar %q", clip(n.Value))
	}
	return "not a resource"
}

func clip(s string) string { return api.Clip(s) }
