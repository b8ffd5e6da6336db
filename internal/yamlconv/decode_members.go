package yamlconv

import (
	"encoding/json"
	"reflect"
	"strings"
)

// composite decodes an object into a struct or a map with string keys,
// and an array into a slice; arrays and other maps go to encoding/json.
func (d decoder) composite(v reflect.Value, open json.Delim) error {
	switch {
	case open == '{' && v.Kind() == reflect.Struct:
		return d.object(v)
	case open == '{' && v.Kind() == reflect.Map && v.Type().Key().Kind() == reflect.String &&
		!implements(v.Type().Key(), textUnmarshalerType):
		return d.mapping(v)
	case open == '[' && v.Kind() == reflect.Slice:
		return d.slice(v)
	}
	return errSlow
}

func (d decoder) object(v reflect.Value) error {
	fields := cachedFields(v.Type())
	for d.dec.More() {
		key, err := d.key()
		if err != nil {
			return err
		}
		f := lookup(fields, key)
		if f == nil {
			var skip json.RawMessage
			if err := d.dec.Decode(&skip); err != nil {
				return err
			}
			continue
		}
		if f.quoted {
			return errSlow
		}
		fv, err := settableField(v, f.index)
		if err != nil {
			return err
		}
		if err := d.value(fv); err != nil {
			return err
		}
	}
	_, err := d.dec.Token() // '}'
	return err
}

func (d decoder) key() (string, error) {
	tok, err := d.dec.Token()
	if err != nil {
		return "", err
	}
	return tok.(string), nil
}

// lookup finds a member as encoding/json does: the exact name, else the
// first whose name matches ignoring case.
func lookup(fields []field, key string) *field {
	for i := range fields {
		if fields[i].name == key {
			return &fields[i]
		}
	}
	for i := range fields {
		if strings.EqualFold(fields[i].name, key) {
			return &fields[i]
		}
	}
	return nil
}

// settableField follows index, allocating nil embedded pointers.
func settableField(v reflect.Value, index []int) (reflect.Value, error) {
	for _, i := range index {
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				if !v.CanSet() {
					return v, errSlow
				}
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(i)
	}
	return v, nil
}

func (d decoder) mapping(v reflect.Value) error {
	t := v.Type()
	if v.IsNil() {
		v.Set(reflect.MakeMap(t))
	}
	for d.dec.More() {
		key, err := d.key()
		if err != nil {
			return err
		}
		elem := reflect.New(t.Elem()).Elem()
		if err := d.value(elem); err != nil {
			return err
		}
		v.SetMapIndex(reflect.ValueOf(key).Convert(t.Key()), elem)
	}
	_, err := d.dec.Token() // '}'
	return err
}

func (d decoder) slice(v reflect.Value) error {
	v.SetLen(0)
	i := 0
	for ; d.dec.More(); i++ {
		if i >= v.Cap() {
			v.Set(reflect.Append(v, reflect.New(v.Type().Elem()).Elem()))
		} else {
			v.SetLen(i + 1)
		}
		if err := d.value(v.Index(i)); err != nil {
			return err
		}
	}
	if i == 0 {
		v.Set(reflect.MakeSlice(v.Type(), 0, 0))
	}
	_, err := d.dec.Token() // ']'
	return err
}
