package yamlconv

import (
	"encoding"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// object writes a struct's members in field order, as encoding/json does
// (see typeFields), and drops what the scanner drops: nulls and status.
func (w walker) object(v reflect.Value, depth int) (*yaml.Node, error) {
	n := w.nodes.node()
	n.Kind, n.Tag = yaml.MappingNode, yaml.NodeTagMap
	fields := cachedFields(v.Type())
	for i := range fields {
		f := &fields[i]
		fv, ok := fieldValue(v, f.index)
		if !ok || omitted(f, fv) {
			continue
		}
		c, err := w.value(fv, depth+1, f.quoted)
		if err != nil {
			return nil, err
		}
		if c != nil && !dropStatus(f.name, c, depth) {
			k := w.nodes.scalar(yaml.NodeTagString, f.name)
			k.Style = f.keyStyle
			n.Content = append(n.Content, k, c)
		}
	}
	if depth == 0 {
		apiVersionFirst(n)
	}
	return n, nil
}

// member appends key: v to mapping n unless v is null or a status the
// output leaves to the API server.
func (s *slab) member(n *yaml.Node, key string, v *yaml.Node, depth int) {
	if v == nil || dropStatus(key, v, depth) {
		return
	}
	k := s.scalar(yaml.NodeTagString, key)
	safeStyle(k)
	n.Content = append(n.Content, k, v)
}

// element appends v to sequence n; a null element stays, as null.
func (s *slab) element(n *yaml.Node, v *yaml.Node) {
	if v == nil {
		v = s.scalar(yaml.NodeTagNull, "null")
	}
	n.Content = append(n.Content, v)
}

// fieldValue follows index through embedded structs; a nil embedded
// pointer hides its fields.
func fieldValue(v reflect.Value, index []int) (reflect.Value, bool) {
	for _, i := range index {
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return v, false
			}
			v = v.Elem()
		}
		v = v.Field(i)
	}
	return v, true
}

// omitted applies omitempty and omitzero as encoding/json does.
func omitted(f *field, v reflect.Value) bool {
	if f.omitEmpty && isEmpty(v) {
		return true
	}
	if !f.omitZero {
		return false
	}
	if f.isZero != nil {
		return f.isZero(v)
	}
	return v.IsZero()
}

func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// mapping writes a map with its keys sorted as encoding/json sorts them:
// by their text (string keys, MarshalText, or the integer in decimal).
func (w walker) mapping(v reflect.Value, depth int, quoted bool) (*yaml.Node, error) {
	if v.IsNil() {
		return nil, nil
	}
	type kv struct {
		key string
		v   reflect.Value
	}
	entries := make([]kv, 0, v.Len())
	for it := v.MapRange(); it.Next(); {
		key, err := keyText(it.Key())
		if err != nil {
			return nil, fmt.Errorf("json: encoding error for type %q: %q", v.Type().String(), err.Error())
		}
		entries = append(entries, kv{key, it.Value()})
	}
	slices.SortFunc(entries, func(a, b kv) int { return strings.Compare(a.key, b.key) })
	n := w.nodes.node()
	n.Kind, n.Tag = yaml.MappingNode, yaml.NodeTagMap
	if len(entries) > 0 {
		n.Content = make([]*yaml.Node, 0, 2*len(entries))
	}
	for _, e := range entries {
		c, err := w.value(e.v, depth+1, quoted)
		if err != nil {
			return nil, err
		}
		w.nodes.member(n, jsonString(e.key), c, depth)
	}
	return n, nil
}

// keyText is encoding/json's resolveKeyName.
func keyText(k reflect.Value) (string, error) {
	if k.Kind() == reflect.String {
		return k.String(), nil
	}
	if tm, ok := k.Interface().(encoding.TextMarshaler); ok {
		if k.Kind() == reflect.Pointer && k.IsNil() {
			return "", nil
		}
		b, err := tm.MarshalText()
		return string(b), err
	}
	switch k.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(k.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(k.Uint(), 10), nil
	}
	return "", fmt.Errorf("unsupported map key type %s", k.Type())
}

// list writes a slice or an array; a null element stays, as null.
func (w walker) list(v reflect.Value, depth int, quoted bool) (*yaml.Node, error) {
	n := w.nodes.node()
	n.Kind, n.Tag = yaml.SequenceNode, yaml.NodeTagSeq
	if v.Len() > 0 {
		n.Content = make([]*yaml.Node, 0, v.Len())
	}
	for i := range v.Len() {
		c, err := w.value(v.Index(i), depth+1, quoted)
		if err != nil {
			return nil, err
		}
		w.nodes.element(n, c)
	}
	return n, nil
}
