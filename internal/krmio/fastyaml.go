package krmio

import (
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// appendItem appends item n as go-yaml with kyaml's settings writes the
// one-element sequence document `- <n>` (two-space indent, compact
// sequences, unlimited width), for the nodes the function generates:
// block mappings and sequences of scalars that are plain, double-quoted
// or literal blocks, without comments, anchors, flow styles or custom
// tags. For anything else it reports false, and the caller uses go-yaml.
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
		if len(n.Content) == 0 {
			w.b = append(w.b, "{}"...)
			return true
		}
		return w.mapping(n, indent, true)
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			w.b = append(w.b, "[]"...)
			return true
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
		if !w.key(k) || !plainNode(v) {
			return false
		}
		w.b = append(w.b, ':')
		switch {
		case v.Kind == yaml.ScalarNode:
			w.b = append(w.b, ' ')
			if !w.scalar(v, indent+2) {
				return false
			}
		case v.Kind == yaml.MappingNode && len(v.Content) == 0:
			w.b = append(w.b, " {}"...)
		case v.Kind == yaml.SequenceNode && len(v.Content) == 0:
			w.b = append(w.b, " []"...)
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

// plainNode: no comment, anchor, custom tag, flow, folded or tagged style.
// An empty mapping or sequence is {} or [] in either style.
func plainNode(n *yaml.Node) bool {
	if n.HeadComment != "" || n.LineComment != "" || n.FootComment != "" || n.Anchor != "" {
		return false
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Style == 0 || n.Style == yaml.DoubleQuotedStyle || n.Style == yaml.SingleQuotedStyle || n.Style == yaml.LiteralStyle
	case yaml.MappingNode:
		return (n.Tag == "" || n.Tag == yaml.NodeTagMap) && (n.Style == 0 || (n.Style == yaml.FlowStyle && len(n.Content) == 0))
	case yaml.SequenceNode:
		return (n.Tag == "" || n.Tag == yaml.NodeTagSeq) && (n.Style == 0 || (n.Style == yaml.FlowStyle && len(n.Content) == 0))
	}
	return false
}

// key writes a simple key: plain or quoted, on one line, at most
// 128 bytes (longer keys go-yaml writes as "? key").
func (w *itemWriter) key(k *yaml.Node) bool {
	if k.Kind != yaml.ScalarNode || !plainNode(k) || len(k.Value) > 128 || (k.Tag != yaml.NodeTagString && k.Tag != "!!str") {
		return false
	}
	switch k.Style {
	case 0:
		return w.plainString(k.Value)
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
