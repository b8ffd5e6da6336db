package yamlconv

import (
	"cmp"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// field is one JSON member of a struct type, as encoding/json sees it.
type field struct {
	name      string
	tag       bool  // the name came from a json tag
	index     []int // path of field indexes through embedded structs
	omitEmpty bool
	omitZero  bool
	isZero    func(reflect.Value) bool // the type's own IsZero, for omitzero
	quoted    bool                     // the ",string" option on a scalar
	keyStyle  yaml.Style               // how the name is written as a key
}

// isZeroer is what omitzero asks of a type that defines its own zero.
type isZeroer interface{ IsZero() bool }

var isZeroerType = reflect.TypeFor[isZeroer]()

// fieldCache holds the fields of each struct type met so far. Unlike
// encoding/json's, computing a type's fields does not walk into the
// fields' own types: a type is looked at only when a value of it is.
var fieldCache sync.Map // reflect.Type -> []field

func cachedFields(t reflect.Type) []field {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]field)
	}
	f, _ := fieldCache.LoadOrStore(t, typeFields(t))
	return f.([]field)
}

// typeFields lists the members encoding/json writes for struct type t, in
// its order: embedded structs without a name are flattened, `json:"-"`
// and unexported fields are skipped, and of several fields with one name
// the shallowest (then the tagged) one wins, or none. It follows
// typeFields in Go's encoding/json (Go 1.26, BSD licence) line for line,
// without building encoders.
func typeFields(t reflect.Type) []field {
	if fields, ok := flatFields(t); ok {
		return fields
	}
	current, next := []field{}, []field{{index: nil}}
	nextTypes := []reflect.Type{t}
	var count, nextCount map[reflect.Type]int
	visited := map[reflect.Type]bool{}
	var fields []field
	flattened := false
	for len(next) > 0 {
		current, next = next, current[:0]
		types := nextTypes
		nextTypes = nil
		count, nextCount = nextCount, map[reflect.Type]int{}
		for k, f := range current {
			ft := types[k]
			if visited[ft] {
				continue
			}
			visited[ft] = true
			for i := 0; i < ft.NumField(); i++ {
				sf := ft.Field(i)
				if !exported(sf) {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !validTag(name) {
					name = ""
				}
				index := append(slices.Clip(f.index), i)
				typ := sf.Type
				if typ.Name() == "" && typ.Kind() == reflect.Pointer {
					typ = typ.Elem()
				}
				if name == "" && sf.Anonymous && typ.Kind() == reflect.Struct {
					flattened = true
					nextCount[typ]++
					if nextCount[typ] == 1 {
						next = append(next, field{index: index})
						nextTypes = append(nextTypes, typ)
					}
					continue
				}
				fields = append(fields, newField(sf, name, opts, index, typ))
				if count[ft] > 1 {
					fields = append(fields, fields[len(fields)-1])
				}
			}
		}
	}
	if !flattened && uniqueNames(fields) {
		return fields // already in field order, and no name to arbitrate
	}
	return dominantFields(fields)
}

// flatFields is typeFields for the common struct that embeds nothing:
// its fields in order, one allocation for all their indexes. It declines
// (false) when a field is embedded or two share a name.
func flatFields(t reflect.Type) ([]field, bool) {
	n := t.NumField()
	fields := make([]field, 0, n)
	index := make([]int, n)
	for i := range n {
		sf := t.Field(i)
		if sf.Anonymous {
			return nil, false
		}
		tag := sf.Tag.Get("json")
		if !sf.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if !validTag(name) {
			name = ""
		}
		typ := sf.Type
		if typ.Name() == "" && typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		index[i] = i
		fields = append(fields, newField(sf, name, opts, index[i:i+1:i+1], typ))
	}
	return fields, uniqueNames(fields)
}

func uniqueNames(fields []field) bool {
	for i := range fields {
		for j := range i {
			if fields[i].name == fields[j].name {
				return false
			}
		}
	}
	return true
}

// exported reports whether encoding/json looks at sf: exported fields,
// and embedded structs even when their type is not exported.
func exported(sf reflect.StructField) bool {
	if sf.Anonymous {
		t := sf.Type
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		return sf.IsExported() || t.Kind() == reflect.Struct
	}
	return sf.IsExported()
}

func newField(sf reflect.StructField, name, opts string, index []int, typ reflect.Type) field {
	f := field{name: name, tag: name != "", index: index,
		omitEmpty: hasOption(opts, "omitempty"), omitZero: hasOption(opts, "omitzero")}
	if f.name == "" {
		f.name = sf.Name
	}
	if Ambiguous(f.name) {
		f.keyStyle = yaml.DoubleQuotedStyle
	}
	if hasOption(opts, "string") {
		switch typ.Kind() {
		case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
			reflect.Float32, reflect.Float64, reflect.String:
			f.quoted = true
		}
	}
	if f.omitZero {
		f.isZero = zeroFunc(sf.Type)
	}
	return f
}

// zeroFunc is encoding/json's use of a type's own IsZero for omitzero;
// nil means reflect's zero.
func zeroFunc(t reflect.Type) func(reflect.Value) bool {
	switch {
	case t.Kind() == reflect.Interface && t.Implements(isZeroerType):
		return func(v reflect.Value) bool {
			return v.IsNil() || (v.Elem().Kind() == reflect.Pointer && v.Elem().IsNil()) || v.Interface().(isZeroer).IsZero()
		}
	case t.Kind() == reflect.Pointer && t.Implements(isZeroerType):
		return func(v reflect.Value) bool { return v.IsNil() || v.Interface().(isZeroer).IsZero() }
	case t.Implements(isZeroerType):
		return func(v reflect.Value) bool { return v.Interface().(isZeroer).IsZero() }
	case reflect.PointerTo(t).Implements(isZeroerType):
		return func(v reflect.Value) bool {
			if !v.CanAddr() {
				v2 := reflect.New(v.Type()).Elem()
				v2.Set(v)
				v = v2
			}
			return v.Addr().Interface().(isZeroer).IsZero()
		}
	}
	return nil
}

// dominantFields keeps, of the fields sharing a name, the one Go's
// embedding rules (and a json tag) make dominant, and drops the name when
// none is; the result is in field order.
func dominantFields(fields []field) []field {
	slices.SortFunc(fields, func(a, b field) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := cmp.Compare(len(a.index), len(b.index)); c != 0 {
			return c
		}
		if a.tag != b.tag {
			if a.tag {
				return -1
			}
			return +1
		}
		return slices.Compare(a.index, b.index)
	})
	out := fields[:0]
	for advance, i := 0, 0; i < len(fields); i += advance {
		for advance = 1; i+advance < len(fields) && fields[i+advance].name == fields[i].name; advance++ {
		}
		group := fields[i : i+advance]
		if len(group) > 1 && len(group[0].index) == len(group[1].index) && group[0].tag == group[1].tag {
			continue
		}
		out = append(out, group[0])
	}
	slices.SortFunc(out, func(a, b field) int { return slices.Compare(a.index, b.index) })
	return out
}

func hasOption(opts, name string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == name {
			return true
		}
	}
	return false
}

// validTag is encoding/json's test of a tag name; an invalid one falls
// back to the Go field name.
func validTag(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < utf8.RuneSelf && ('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			continue
		}
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}
