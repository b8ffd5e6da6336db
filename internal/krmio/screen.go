package krmio

import (
	"fmt"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/krm"
)

// MaxSpecNodes bounds the YAML nodes of a spec once its anchors and
// aliases are expanded. A real spec has a few hundred; a "billion laughs"
// alias bomb has billions and must be refused before anything expands it.
const MaxSpecNodes = 10000

// maxDuplicatesPerItem keeps a pathological item from flooding the results.
const maxDuplicatesPerItem = 5

// Screen runs the checks that must pass before any item is trusted: no
// duplicate keys anywhere (kustomize and kubectl refuse them, and YAML
// readers disagree about which value wins), and no alias bomb in the
// resources the function decodes (those for which decodes is true).
func Screen(rl *krm.ResourceList, decodes func(*yaml.RNode) bool) krm.Results {
	var results krm.Results
	all := rl.Items
	if rl.FunctionConfig != nil {
		all = append(append([]*yaml.RNode(nil), rl.Items...), rl.FunctionConfig)
	}
	for _, it := range all {
		var dups []duplicate
		findDuplicates(it.YNode(), "", &dups)
		for _, d := range dups {
			msg := fmt.Sprintf("is set twice (%s); YAML readers disagree on which value wins and kustomize and kubectl refuse it: keep one", d.where())
			results = append(results, Result(it, d.path, msg, krm.Error))
		}
		if len(dups) > 0 || !decodes(it) {
			continue
		}
		if path, over := ExceedsNodes(it.YNode(), MaxSpecNodes); over {
			msg := fmt.Sprintf("expands to more than %d YAML nodes through anchors and aliases (an alias bomb?); write the values out instead of repeating *aliases", MaxSpecNodes)
			results = append(results, Result(it, path, msg, krm.Error))
		}
	}
	return results
}

type duplicate struct {
	path          string
	first, second *yaml.Node
}

func (d duplicate) where() string {
	if d.first.Line == d.second.Line {
		return fmt.Sprintf("line %d, columns %d and %d", d.first.Line, d.first.Column, d.second.Column)
	}
	return fmt.Sprintf("lines %d and %d", d.first.Line, d.second.Line)
}

// findDuplicates records mapping keys that occur twice, with their paths.
// Aliases are not followed: their targets are checked where defined. It
// runs on every item of the stream, so it allocates nothing until it
// finds a duplicate: paths are built only then, from the stack of keys and
// indexes that leads there.
func findDuplicates(n *yaml.Node, path string, out *[]duplicate) {
	stack := make([]pathElem, 0, 32) // appends below reuse it up to this depth
	if path != "" {
		stack = append(stack, pathElem{key: path, raw: true})
	}
	walkDuplicates(n, stack, out)
}

// pathElem is one step of a path: a mapping key or a sequence index.
type pathElem struct {
	key   string
	index int
	isIdx bool
	raw   bool // key is a path prefix, not clipped
}

// pathString renders stack as joinPath and "%s[%d]" would have built it.
func pathString(stack []pathElem) string {
	var b strings.Builder
	for _, e := range stack {
		switch {
		case e.isIdx:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e.index))
			b.WriteByte(']')
		case e.raw:
			b.WriteString(e.key)
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(clip(e.key))
		}
	}
	return b.String()
}

func walkDuplicates(n *yaml.Node, stack []pathElem, out *[]duplicate) {
	if n == nil || len(*out) >= maxDuplicatesPerItem {
		return
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			walkDuplicates(c, stack, out)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			walkDuplicates(c, append(stack, pathElem{index: i, isIdx: true}), out)
		}
	case yaml.MappingNode:
		var seen map[string]*yaml.Node // only for large mappings
		if len(n.Content) > 2*smallMapping {
			seen = make(map[string]*yaml.Node, len(n.Content)/2)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			var first *yaml.Node
			if seen != nil {
				first = seen[k.Value]
				seen[k.Value] = k
			} else {
				// The latest earlier occurrence, as a map would hold it.
				for j := i - 2; j >= 0; j -= 2 {
					if n.Content[j].Value == k.Value {
						first = n.Content[j]
						break
					}
				}
			}
			p := append(stack, pathElem{key: k.Value})
			if first != nil && k.Value != "<<" && len(*out) < maxDuplicatesPerItem {
				*out = append(*out, duplicate{path: pathString(p), first: first, second: k})
			}
			walkDuplicates(n.Content[i+1], p, out)
		}
	}
}

// smallMapping is the size up to which findDuplicates compares keys
// pairwise instead of building a map.
const smallMapping = 16

// ExceedsNodes counts the nodes of n with every alias expanded and stops as
// soon as the count passes max, so a bomb costs at most max steps. It
// returns the path where the budget ran out. Every reader of the stream
// that decodes items into Go values (which expands aliases) asks it first.
func ExceedsNodes(n *yaml.Node, max int) (string, bool) {
	budget := max
	var path string
	var walk func(n *yaml.Node, p string) bool
	walk = func(n *yaml.Node, p string) bool {
		if n == nil {
			return false
		}
		budget--
		if budget < 0 {
			path = p
			return true
		}
		switch n.Kind {
		case yaml.AliasNode:
			return walk(n.Alias, p)
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if walk(n.Content[i+1], joinPath(p, clip(n.Content[i].Value))) {
					return true
				}
			}
		default:
			for i, c := range n.Content {
				cp := p
				if n.Kind == yaml.SequenceNode {
					cp = fmt.Sprintf("%s[%d]", p, i)
				}
				if walk(c, cp) {
					return true
				}
			}
		}
		return false
	}
	over := walk(n, "")
	return path, over
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
