// Package yamlconv turns typed Kubernetes objects into kyaml nodes. It
// keeps the Go structs' field order (apiVersion, kind, metadata, spec),
// which reads like a hand-written manifest, drops what an apply must not
// carry (null fields, status), and prints multi-line strings as literal
// blocks so zoo.cfg and the scripts stay reviewable in the output.
package yamlconv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// FromObject converts any JSON-serialisable object into an RNode.
func FromObject(obj any) (*yaml.RNode, error) {
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("serialising %T: %w", obj, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	n, err := value(dec, 0)
	if err != nil {
		return nil, fmt.Errorf("converting %T: %w", obj, err)
	}
	return yaml.NewRNode(n), nil
}

// value reads one JSON value; depth 0 is the document root.
func value(dec *json.Decoder, depth int) (*yaml.Node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return object(dec, depth)
		}
		return list(dec, depth)
	case string:
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: t}
		if strings.Contains(t, "\n") {
			n.Style = yaml.LiteralStyle
		}
		return n, nil
	case json.Number:
		tag := yaml.NodeTagInt
		if strings.ContainsAny(string(t), ".eE") {
			tag = yaml.NodeTagFloat
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: string(t)}, nil
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagBool, Value: fmt.Sprint(t)}, nil
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

func object(dec *json.Decoder, depth int) (*yaml.Node, error) {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := k.(string)
		v, err := value(dec, depth+1)
		if err != nil {
			return nil, err
		}
		if v == nil || dropStatus(key, v, depth) {
			continue
		}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: key}, v)
	}
	_, err := dec.Token() // '}'
	if depth == 0 {
		apiVersionFirst(n)
	}
	return n, err
}

// apiVersionFirst puts apiVersion before kind, as manifests are written
// (TypeMeta serialises kind first).
func apiVersionFirst(n *yaml.Node) {
	c := n.Content
	if len(c) >= 4 && c[0].Value == "kind" && c[2].Value == "apiVersion" {
		c[0], c[1], c[2], c[3] = c[2], c[3], c[0], c[1]
	}
}

// dropStatus removes the status of the object itself and any empty status
// (PVC templates carry one): the API server owns status.
func dropStatus(key string, v *yaml.Node, depth int) bool {
	return key == "status" && (depth == 0 || len(v.Content) == 0)
}

func list(dec *json.Decoder, depth int) (*yaml.Node, error) {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq}
	for dec.More() {
		v, err := value(dec, depth+1)
		if err != nil {
			return nil, err
		}
		if v == nil {
			v = &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagNull, Value: "null"}
		}
		n.Content = append(n.Content, v)
	}
	_, err := dec.Token() // ']'
	if err == io.EOF {
		err = nil
	}
	return n, err
}
