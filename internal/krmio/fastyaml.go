package krmio

import (
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// appendItem appends item n as go-yaml with kyaml's settings writes the
// one-element sequence document `- <n>` (two-space indent, compact
// sequences, unlimited width), for the nodes the function generates:
// block mappings and sequences of scalars that are plain, double-quoted
// or literal blocks, and flow mappings and sequences on one line (users'
// specs often use them), without comments, anchors or custom tags. For anything else it reports false, and the caller uses go-yaml.
// Nothing it writes leaves the stream open-ended (a root-level plain
// scalar, a "|+" block), so go-yaml would close the stream after it with
// nothing more.
//
// go-yaml's emitter keeps every event of a document and analyses every
// scalar byte by byte: writing the output was the largest part of what a
// one-spec run adds to the identity function's work. TestAppendItem
// compares the two on every item of the repository's inputs and on
// random node trees.
func appendItem(b []byte, n *yaml.Node) ([]byte, bool) {
	w := itemWriter{b: append(b, "- "...)}
	if !w.inline(n, 2) {
		return b, false
	}
	return w.line(), true
}

type itemWriter struct{ b []byte }

// line ends the current line, if anything is on it.
func (w *itemWriter) line() []byte {
	if len(w.b) > 0 && w.b[len(w.b)-1] != '\n' {
		w.b = append(w.b, '\n')
	}
	return w.b
}

func (w *itemWriter) indent(n int) {
	w.line()
	for range n {
		w.b = append(w.b, ' ')
	}
}

// inline writes n right after "- ", its block content at column indent.
func (w *itemWriter) inline(n *yaml.Node, indent int) bool {
	if !plainNode(n) {
		return false
	}
	switch n.Kind {
	case yaml.MappingNode:
		if len(n.Content) == 0 || n.Style == yaml.FlowStyle {
			return w.flow(n)
		}
		return w.mapping(n, indent, true)
	case yaml.SequenceNode:
		if len(n.Content) == 0 || n.Style == yaml.FlowStyle {
			return w.flow(n)
		}
		return false // a sequence in a sequence: go-yaml's "- - "
	case yaml.ScalarNode:
		return w.scalar(n, indent)
	}
	return false
}

// mapping writes n's entries with their keys at column indent, the
// first one where the writer is when first is set.
func (w *itemWriter) mapping(n *yaml.Node, indent int, first bool) bool {
	if len(n.Content)%2 != 0 {
		return false
	}
	for i := 0; i < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !first || i > 0 {
			w.indent(indent)
		}
		if !w.key(k, false) || !plainNode(v) {
			return false
		}
		w.b = append(w.b, ':')
		switch {
		case v.Kind == yaml.ScalarNode:
			w.b = append(w.b, ' ')
			if !w.scalar(v, indent+2) {
				return false
			}
		case len(v.Content) == 0 || v.Style == yaml.FlowStyle:
			w.b = append(w.b, ' ')
			if !w.flow(v) {
				return false
			}
		case v.Kind == yaml.MappingNode:
			if !w.mapping(v, indent+2, false) {
				return false
			}
		case v.Kind == yaml.SequenceNode:
			for _, c := range v.Content { // compact: the dashes under the key
				w.indent(indent)
				w.b = append(w.b, "- "...)
				if !w.inline(c, indent+2) {
					return false
				}
			}
		default:
			return false
		}
	}
	return true
}

// plainNode: no comment, anchor, custom tag, folded or tagged style.
// A mapping or sequence is block or flow.
func plainNode(n *yaml.Node) bool {
	if n.HeadComment != "" || n.LineComment != "" || n.FootComment != "" || n.Anchor != "" {
		return false
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Style == 0 || n.Style == yaml.DoubleQuotedStyle || n.Style == yaml.SingleQuotedStyle || n.Style == yaml.LiteralStyle
	case yaml.MappingNode:
		return (n.Tag == "" || n.Tag == yaml.NodeTagMap) && (n.Style == 0 || n.Style == yaml.FlowStyle)
	case yaml.SequenceNode:
		return (n.Tag == "" || n.Tag == yaml.NodeTagSeq) && (n.Style == 0 || n.Style == yaml.FlowStyle)
	}
	return false
}

// flow writes mapping or sequence n as go-yaml writes a flow collection,
// and everything in one (it writes any collection inside one in flow
// style): "{k: v, k: v}", "[a, b]", on one line, as kyaml's width is
// unlimited. A scalar that go-yaml would write otherwise in flow context
// than in block context (a plain one with a flow indicator, which it
// quotes; a literal block or a line break, which it double-quotes) sends
// the item to go-yaml.
func (w *itemWriter) flow(n *yaml.Node) bool {
	if !plainNode(n) {
		return false
	}
	switch n.Kind {
	case yaml.MappingNode:
		if len(n.Content)%2 != 0 {
			return false
		}
		w.b = append(w.b, '{')
		for i := 0; i < len(n.Content); i += 2 {
			if i > 0 {
				w.b = append(w.b, ", "...)
			}
			if !w.key(n.Content[i], true) {
				return false
			}
			w.b = append(w.b, ": "...)
			if !w.flowItem(n.Content[i+1]) {
				return false
			}
		}
		w.b = append(w.b, '}')
	case yaml.SequenceNode:
		w.b = append(w.b, '[')
		for i, c := range n.Content {
			if i > 0 {
				w.b = append(w.b, ", "...)
			}
			if !w.flowItem(c) {
				return false
			}
		}
		w.b = append(w.b, ']')
	default:
		return false
	}
	return true
}

// flowItem writes a value or item inside a flow collection.
func (w *itemWriter) flowItem(n *yaml.Node) bool {
	if n.Kind != yaml.ScalarNode {
		return w.flow(n)
	}
	if !plainNode(n) || n.Style == yaml.LiteralStyle || strings.Contains(n.Value, "\n") ||
		(n.Style == 0 && n.Tag == yaml.NodeTagString && strings.ContainsAny(n.Value, flowIndicators)) {
		return false
	}
	return w.scalar(n, 0)
}

// flowIndicators are the characters that keep go-yaml from writing a
// scalar plain inside a flow collection (its analyze_scalar's
// flow_indicators, anywhere in the scalar).
const flowIndicators = ",?[]{}:"

// key writes a simple key: plain or quoted, on one line, at most
// 128 bytes (longer keys go-yaml writes as "? key"); in a flow mapping
// a plain key has no flow indicator.
func (w *itemWriter) key(k *yaml.Node, inFlow bool) bool {
	if k.Kind != yaml.ScalarNode || !plainNode(k) || len(k.Value) > 128 || (k.Tag != yaml.NodeTagString && k.Tag != "!!str") {
		return false
	}
	switch k.Style {
	case 0:
		return !(inFlow && strings.ContainsAny(k.Value, flowIndicators)) && w.plainString(k.Value)
	case yaml.DoubleQuotedStyle:
		return w.doubleQuoted(k.Value)
	case yaml.SingleQuotedStyle:
		return w.singleQuoted(k.Value)
	}
	return false
}

// scalar writes a value; a literal block's lines go at column indent.
func (w *itemWriter) scalar(n *yaml.Node, indent int) bool {
	v := n.Value
	switch {
	case n.Tag == yaml.NodeTagString && (n.Style == yaml.LiteralStyle || (n.Style == 0 && strings.Contains(v, "\n"))):
		return w.literal(v, indent)
	case n.Tag == yaml.NodeTagString && n.Style == yaml.DoubleQuotedStyle:
		return w.doubleQuoted(v)
	case n.Tag == yaml.NodeTagString && n.Style == yaml.SingleQuotedStyle:
		return w.singleQuoted(v)
	case n.Style != 0:
		return false
	case n.Tag == yaml.NodeTagString:
		return w.plainString(v)
	case n.Tag == yaml.NodeTagInt && isDecimal(v),
		n.Tag == yaml.NodeTagBool && (v == "true" || v == "false"),
		n.Tag == yaml.NodeTagNull && v == "null",
		n.Tag == yaml.NodeTagFloat && isPlainFloat(v):
		w.b = append(w.b, v...)
		return true
	}
	return false
}
