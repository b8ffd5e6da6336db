package yamlconv

import (
	"bytes"
	"encoding"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
)

// DecodeJSON is json.Unmarshal(data, v) for a pointer v to a struct,
// without the cost encoding/json pays the first time it decodes a type:
// building the fields and encoders of every type reachable from it (a
// spec's pod extras reach most of core/v1). It decodes what it can by
// reflection, looking at a type only when the input has a value for it,
// and hands everything else (type mismatches, syntax errors, interface
// fields, ",string" options, non-string map keys) to json.Unmarshal on a
// zeroed *v, so the result and the error are json.Unmarshal's.
func DecodeJSON(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		if decodeFast(data, rv.Elem()) == nil {
			return nil
		}
		rv.Elem().SetZero()
	}
	return json.Unmarshal(data, v)
}

// decodeFast decodes data into v, or fails with errSlow or the error
// that stopped it (v is then partly set).
func decodeFast(data []byte, v reflect.Value) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	d := decoder{dec}
	if err := d.value(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errSlow
	}
	return nil
}

// errSlow sends a value to json.Unmarshal.
var errSlow = errors.New("left to encoding/json")

type decoder struct{ dec *json.Decoder }

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// value decodes the next JSON value into v, as encoding/json's indirect
// and literalStore do: a type with UnmarshalJSON gets the raw value, a
// null sets the first pointer to nil, other pointers are allocated.
func (d decoder) value(v reflect.Value) error {
	if implements(v.Type(), unmarshalerType) {
		return d.unmarshaler(v)
	}
	if implements(v.Type(), textUnmarshalerType) {
		return errSlow
	}
	tok, err := d.dec.Token()
	if err != nil {
		return err
	}
	for v.Kind() == reflect.Pointer {
		if tok == nil {
			v.SetZero()
			return nil
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		v = v.Elem()
	}
	switch t := tok.(type) {
	case json.Delim:
		return d.composite(v, t)
	case nil:
		return nullInto(v)
	case string:
		return stringInto(v, t)
	case json.Number:
		return numberInto(v, t)
	case bool:
		if v.Kind() != reflect.Bool {
			return errSlow
		}
		v.SetBool(t)
		return nil
	}
	return errSlow
}

// implements reports whether t, a pointer level of it, or a pointer to
// the type it points to has the method set of iface.
func implements(t, iface reflect.Type) bool {
	for ; t.Kind() == reflect.Pointer; t = t.Elem() {
		if t.Implements(iface) {
			return true
		}
	}
	return reflect.PointerTo(t).Implements(iface)
}

// unmarshaler hands the raw value to the first UnmarshalJSON on the way
// through v's pointers; a null sets the first pointer to nil instead, as
// encoding/json does.
func (d decoder) unmarshaler(v reflect.Value) error {
	var raw json.RawMessage
	if err := d.dec.Decode(&raw); err != nil {
		return err
	}
	if v.Kind() == reflect.Pointer && string(raw) == "null" {
		v.SetZero()
		return nil
	}
	for !v.Type().Implements(unmarshalerType) {
		if v.Kind() != reflect.Pointer {
			v = v.Addr()
			break
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		v = v.Elem()
	}
	if v.Kind() == reflect.Pointer && v.IsNil() {
		v.Set(reflect.New(v.Type().Elem()))
	}
	return v.Interface().(json.Unmarshaler).UnmarshalJSON(raw)
}

func nullInto(v reflect.Value) error {
	switch v.Kind() {
	case reflect.Map, reflect.Slice:
		v.SetZero()
	case reflect.Interface:
		return errSlow
	}
	return nil
}

func stringInto(v reflect.Value, s string) error {
	switch {
	case v.Kind() == reflect.String && v.Type() != numberType:
		v.SetString(s)
	case v.Kind() == reflect.Slice && isBytes(v.Type()):
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return err
		}
		v.SetBytes(b)
	default:
		return errSlow
	}
	return nil
}

func numberInto(v reflect.Value, n json.Number) error {
	s := string(n)
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v.OverflowInt(i) {
			return errSlow
		}
		v.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u, err := strconv.ParseUint(s, 10, 64)
		if err != nil || v.OverflowUint(u) {
			return errSlow
		}
		v.SetUint(u)
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(s, v.Type().Bits())
		if err != nil || v.OverflowFloat(f) {
			return errSlow
		}
		v.SetFloat(f)
	default:
		return errSlow
	}
	return nil
}
