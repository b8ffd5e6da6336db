// Package yamlconv turns typed Kubernetes objects into kyaml nodes. It
// keeps the Go structs' field order (apiVersion, kind, metadata, spec),
// which reads like a hand-written manifest, drops what an apply must not
// carry (null fields, status), and prints multi-line strings as literal
// blocks so zoo.cfg and the scripts stay reviewable in the output.
package yamlconv

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// FromObject converts any JSON-serialisable object into an RNode: the
// nodes encoding/json's text of obj would give (every type's own JSON
// form, omitempty and custom marshalers apply; see walker), without
// writing or reading that text.
func FromObject(obj any) (*yaml.RNode, error) {
	n, err := walker{nodes: new(slab)}.value(reflect.ValueOf(obj), 0, false)
	if err != nil {
		return nil, fmt.Errorf("converting %T: %w", obj, err)
	}
	return yaml.NewRNode(n), nil
}

// scan reads the JSON text b (a MarshalJSON's output) into nodes from
// nodes, as a value at the given depth.
func scan(b []byte, nodes *slab, depth int) (*yaml.Node, error) {
	s := &scanner{data: b, slab: nodes}
	n, err := s.value(depth)
	if err == nil {
		s.skipSpace()
		if s.pos != len(s.data) {
			err = s.errorf("trailing data")
		}
	}
	return n, err
}

// scanner reads JSON as encoding/json writes it (and any valid JSON): no
// tokens, no interface values, and the nodes come from one slab.
type scanner struct {
	data []byte
	pos  int
	slab *slab
}

func (s *scanner) node() *yaml.Node { return s.slab.node() }

func (s *scanner) scalar(tag, value string) *yaml.Node { return s.slab.scalar(tag, value) }

func (s *scanner) errorf(format string, args ...any) error {
	return fmt.Errorf("offset %d: "+format, append([]any{s.pos}, args...)...)
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// value reads one JSON value; depth 0 is the document root. A null comes
// back as a nil node.
func (s *scanner) value(depth int) (*yaml.Node, error) {
	s.skipSpace()
	if s.pos >= len(s.data) {
		return nil, s.errorf("unexpected end of JSON")
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		return s.object(depth)
	case c == '[':
		return s.list(depth)
	case c == '"':
		str, err := s.str()
		if err != nil {
			return nil, err
		}
		return s.slab.str(str), nil
	case c == 't':
		return s.literal("true", s.scalar(yaml.NodeTagBool, "true"))
	case c == 'f':
		return s.literal("false", s.scalar(yaml.NodeTagBool, "false"))
	case c == 'n':
		return s.literal("null", nil)
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	default:
		return nil, s.errorf("unexpected character %q", c)
	}
}

func (s *scanner) literal(word string, n *yaml.Node) (*yaml.Node, error) {
	if !strings.HasPrefix(string(s.data[s.pos:min(len(s.data), s.pos+len(word))]), word) {
		return nil, s.errorf("invalid literal")
	}
	s.pos += len(word)
	return n, nil
}

// number keeps the number's text as encoding/json wrote it (json.Number).
func (s *scanner) number() (*yaml.Node, error) {
	start := s.pos
	tag := yaml.NodeTagInt
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		if c == '.' || c == 'e' || c == 'E' {
			tag = yaml.NodeTagFloat
		} else if !(c >= '0' && c <= '9' || c == '-' || c == '+') {
			break
		}
		s.pos++
	}
	text := string(s.data[start:s.pos])
	if !json.Valid(s.data[start:s.pos]) {
		return nil, s.errorf("invalid number %q", text)
	}
	return s.scalar(tag, text), nil
}

// str reads a JSON string. Strings without escapes (nearly all) are
// sliced; the rest are decoded by encoding/json itself.
func (s *scanner) str() (string, error) {
	start := s.pos
	s.pos++ // opening quote
	escaped := false
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case '\\':
			escaped = true
			s.pos += 2
			continue
		case '"':
			s.pos++
			if !escaped {
				return string(s.data[start+1 : s.pos-1]), nil
			}
			var out string
			if err := json.Unmarshal(s.data[start:s.pos], &out); err != nil {
				return "", s.errorf("%v", err)
			}
			return out, nil
		}
		s.pos++
	}
	return "", s.errorf("unterminated string")
}

// expect consumes c after optional space.
func (s *scanner) expect(c byte) error {
	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != c {
		return s.errorf("expected %q", c)
	}
	s.pos++
	return nil
}

// elements reads the members of an object or the elements of a list up
// to close, calling each for every one.
func (s *scanner) elements(close byte, each func() error) error {
	s.pos++ // the opening bracket
	for first := true; ; first = false {
		s.skipSpace()
		switch {
		case s.pos >= len(s.data):
			return s.errorf("unexpected end of JSON")
		case s.data[s.pos] == close:
			s.pos++
			return nil
		case !first && s.data[s.pos] != ',':
			return s.errorf("expected ',' or %q", close)
		case !first:
			s.pos++
		}
		if err := each(); err != nil {
			return err
		}
	}
}

func (s *scanner) object(depth int) (*yaml.Node, error) {
	n := s.node()
	n.Kind, n.Tag = yaml.MappingNode, yaml.NodeTagMap
	err := s.elements('}', func() error {
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != '"' {
			return s.errorf("expected a key")
		}
		key, err := s.str()
		if err != nil {
			return err
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		v, err := s.value(depth + 1)
		if err == nil {
			s.slab.member(n, key, v, depth)
		}
		return err
	})
	if depth == 0 {
		apiVersionFirst(n)
	}
	return n, err
}

func (s *scanner) list(depth int) (*yaml.Node, error) {
	n := s.node()
	n.Kind, n.Tag = yaml.SequenceNode, yaml.NodeTagSeq
	err := s.elements(']', func() error {
		v, err := s.value(depth + 1)
		s.slab.element(n, v)
		return err
	})
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
// object (PVC templates carry one): the API server owns status. A scalar
// named status (a ConfigMap's `data: {status: green}`) is data and stays.
func dropStatus(key string, v *yaml.Node, depth int) bool {
	return key == "status" && (depth == 0 || (v.Kind == yaml.MappingNode && len(v.Content) == 0))
}
