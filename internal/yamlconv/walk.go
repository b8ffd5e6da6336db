package yamlconv

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// walker builds the nodes encoding/json's text would give, straight from
// the Go values. encoding/json builds, the first time it meets a type, an
// encoder for every type reachable from it (a StatefulSet reaches most of
// core/v1), which is most of what a one-spec run of the function costs;
// the walker looks at a type only when it meets a value of it.
type walker struct {
	nodes *slab
}

// slab hands out zeroed nodes, 64 at a time.
type slab []yaml.Node

func (s *slab) node() *yaml.Node {
	if len(*s) == 0 {
		*s = make([]yaml.Node, 64)
	}
	n := &(*s)[0]
	*s = (*s)[1:]
	return n
}

func (s *slab) scalar(tag, value string) *yaml.Node {
	n := s.node()
	n.Kind, n.Tag, n.Value = yaml.ScalarNode, tag, value
	return n
}

// str is a string scalar styled as the output needs it: a literal block
// when it has several lines, double quotes when YAML 1.1 would read it as
// something else.
func (s *slab) str(value string) *yaml.Node {
	n := s.scalar(yaml.NodeTagString, value)
	if strings.Contains(value, "\n") {
		n.Style = yaml.LiteralStyle
	}
	safeStyle(n)
	return n
}

// How encoding/json writes a type, decided once per type (encoding/json's
// newTypeEncoder): by its MarshalJSON or MarshalText, possibly through a
// pointer to an addressable value, or by its kind.
type how uint8

const (
	byKind how = iota
	byMarshaler
	byAddrMarshaler // addressable: (*T).MarshalJSON; else as byKindOrValue
	byText
	byAddrText
)

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	numberType        = reflect.TypeFor[json.Number]()
	howCache          sync.Map // reflect.Type -> how
)

func howOf(t reflect.Type) how {
	switch t.Kind() {
	case reflect.Pointer, reflect.Struct, reflect.Interface:
	default:
		if t.PkgPath() == "" {
			return byKind // string, []string, map[string]string...: no methods, nor has a pointer to them
		}
	}
	if h, ok := howCache.Load(t); ok {
		return h.(how)
	}
	h := byKind
	switch notPtr := t.Kind() != reflect.Pointer; {
	case notPtr && reflect.PointerTo(t).Implements(marshalerType):
		h = byAddrMarshaler
	case t.Implements(marshalerType):
		h = byMarshaler
	case notPtr && reflect.PointerTo(t).Implements(textMarshalerType):
		h = byAddrText
	case t.Implements(textMarshalerType):
		h = byText
	}
	howCache.Store(t, h)
	return h
}

// value converts v; a JSON null comes back as a nil node. depth is the
// nesting of the object v is a member of (0: the document's root), as the
// status rule needs it; quoted is the ",string" option.
func (w walker) value(v reflect.Value, depth int, quoted bool) (*yaml.Node, error) {
	if !v.IsValid() {
		return nil, nil
	}
	t := v.Type()
	switch howOf(t) {
	case byAddrMarshaler:
		if v.CanAddr() {
			return w.marshal(v.Addr(), depth, false)
		}
		if t.Implements(marshalerType) {
			return w.marshal(v, depth, false)
		}
		if t.Implements(textMarshalerType) {
			return w.marshal(v, depth, true)
		}
	case byMarshaler:
		return w.marshal(v, depth, false)
	case byAddrText:
		if v.CanAddr() {
			return w.marshal(v.Addr(), depth, true)
		}
		if t.Implements(textMarshalerType) {
			return w.marshal(v, depth, true)
		}
	case byText:
		return w.marshal(v, depth, true)
	}
	return w.kind(v, depth, quoted)
}

func (w walker) kind(v reflect.Value, depth int, quoted bool) (*yaml.Node, error) {
	switch v.Kind() {
	case reflect.Bool:
		return w.number(yaml.NodeTagBool, strconv.FormatBool(v.Bool()), quoted), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return w.number(yaml.NodeTagInt, strconv.FormatInt(v.Int(), 10), quoted), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return w.number(yaml.NodeTagInt, strconv.FormatUint(v.Uint(), 10), quoted), nil
	case reflect.Float32, reflect.Float64:
		return w.float(v, quoted)
	case reflect.String:
		return w.string(v, quoted)
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return nil, nil
		}
		return w.value(v.Elem(), depth, quoted)
	case reflect.Struct:
		return w.object(v, depth)
	case reflect.Map:
		return w.mapping(v, depth, quoted)
	case reflect.Slice:
		if v.IsNil() {
			return nil, nil
		}
		if isBytes(v.Type()) {
			return w.nodes.str(base64.StdEncoding.EncodeToString(v.Bytes())), nil
		}
		return w.list(v, depth, quoted)
	case reflect.Array:
		return w.list(v, depth, quoted)
	}
	return nil, &json.UnsupportedTypeError{Type: v.Type()}
}

// isBytes: encoding/json writes a []byte (of an element type without its
// own marshalers) as a base64 string.
func isBytes(t reflect.Type) bool {
	if t.Elem().Kind() != reflect.Uint8 {
		return false
	}
	p := reflect.PointerTo(t.Elem())
	return !p.Implements(marshalerType) && !p.Implements(textMarshalerType)
}

// marshal writes v by its own MarshalJSON (whose text is read back as
// nodes) or MarshalText (a string).
func (w walker) marshal(v reflect.Value, depth int, text bool) (*yaml.Node, error) {
	if v.Kind() == reflect.Pointer && v.IsNil() {
		return nil, nil
	}
	var b []byte
	var err error
	if m, ok := v.Interface().(encoding.TextMarshaler); ok && text {
		b, err = m.MarshalText()
	} else if m, ok := v.Interface().(json.Marshaler); ok && !text {
		b, err = m.MarshalJSON()
	} else {
		return nil, nil
	}
	switch {
	case err != nil:
		return nil, &json.MarshalerError{Type: v.Type(), Err: err}
	case text:
		return w.nodes.str(jsonString(string(b))), nil
	}
	return scan(b, w.nodes, depth)
}

// number is a bool or integer; with ",string" it is a string of that text.
func (w walker) number(tag, text string, quoted bool) *yaml.Node {
	if quoted {
		return w.nodes.str(text)
	}
	return w.nodes.scalar(tag, text)
}

// float writes f as encoding/json does (ES6 number to string): %f, or
// %e below 1e-6 and from 1e21 on, with the exponent unpadded.
func (w walker) float(v reflect.Value, quoted bool) (*yaml.Node, error) {
	f, bits := v.Float(), v.Type().Bits()
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, &json.UnsupportedValueError{Value: v, Str: strconv.FormatFloat(f, 'g', -1, bits)}
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	b := strconv.AppendFloat(nil, f, format, -1, bits)
	if n := len(b); format == 'e' && n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
		b[n-2] = b[n-1]
		b = b[:n-1]
	}
	return w.number(numberTag(b), string(b), quoted), nil
}

// numberTag is how the scanner tags a JSON number: a float when it has a
// fraction or an exponent.
func numberTag(text []byte) string {
	if slices.ContainsFunc(text, func(c byte) bool { return c == '.' || c == 'e' || c == 'E' }) {
		return yaml.NodeTagFloat
	}
	return yaml.NodeTagInt
}

func (w walker) string(v reflect.Value, quoted bool) (*yaml.Node, error) {
	s := v.String()
	if v.Type() == numberType {
		// A json.Number is written as the number it holds; encoding/json
		// validates it (and writes "" as 0).
		b, err := json.Marshal(v.Interface())
		if err != nil {
			return nil, err
		}
		if quoted {
			return w.nodes.str(string(b)), nil
		}
		return scan(b, w.nodes, 0)
	}
	if quoted {
		b, _ := json.Marshal(s) // the string's JSON text is the value
		return w.nodes.str(string(b)), nil
	}
	return w.nodes.str(jsonString(s)), nil
}

// jsonString is s as it comes back from encoding/json: every byte that is
// not part of valid UTF-8 replaced by U+FFFD.
func jsonString(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			b.WriteString("\uFFFD")
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
