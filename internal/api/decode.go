package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/zookeeper-fn/zookeeper-fn/internal/suggest"
	"github.com/zookeeper-fn/zookeeper-fn/internal/yamlconv"
)

// Decode turns a spec's JSON form into a defaulted ZookeeperSpec. Unknown
// fields, wrong types and unparseable quantities come back as problems
// with their field paths, so a typo never silently becomes a default.
func Decode(data []byte) (*ZookeeperSpec, Problems) {
	if len(data) > MaxSpecBytes {
		return nil, Problems{{Message: fmt.Sprintf("the spec is %d KiB as JSON; a spec may have at most %d KiB (its settings end up in a ConfigMap, and Kubernetes objects must stay within 1 MiB): remove what does not belong in the spec", len(data)>>10, MaxSpecBytes>>10)}}
	}
	var raw any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, Problems{{Path: "", Message: fmt.Sprintf("cannot read the spec: %v", err)}}
	}
	var ps Problems
	checkShape(&ps, "", raw, reflect.TypeOf(ZookeeperSpec{}))
	if ps.HasErrors() {
		return nil, ps
	}
	z := &ZookeeperSpec{}
	// json.Unmarshal's result and errors, without its start-up cost
	// (building encoders for every type the spec reaches; see yamlconv).
	if err := yamlconv.DecodeJSON(data, z); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, Problems{{Path: te.Field, Message: fmt.Sprintf("expected %s, got %s", te.Type, te.Value)}}
		}
		return nil, Problems{{Message: fmt.Sprintf("cannot read the spec: %v", err)}}
	}
	_ = z.Default()
	return z, nil
}

var (
	quantityType    = reflect.TypeOf(resource.Quantity{})
	unmarshalerType = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()
)

// checkShape walks the decoded JSON value v against Go type t and records
// every unknown field and type mismatch under its path.
func checkShape(ps *Problems, path string, v any, t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		return
	}
	if t == quantityType {
		checkQuantity(ps, path, v)
		return
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return // types with their own JSON form (IntOrString, Time) check themselves
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			ps.errorf(path, "expected an object, got %s", jsonKind(v))
			return
		}
		fields := jsonFields(t)
		keys := sortedKeys(m)
		for _, k := range keys {
			ft, known := fields[k]
			if !known {
				msg := fmt.Sprintf("unknown field %q", clip(k))
				if s := suggest.Closest(k, sortedKeys(fields)); s != "" {
					msg += fmt.Sprintf("; did you mean %q?", s)
				}
				ps.errorf(join(path, clip(k)), "%s", msg)
				continue
			}
			checkShape(ps, join(path, k), m[k], ft)
		}
	case reflect.Slice:
		l, ok := v.([]any)
		if !ok {
			ps.errorf(path, "expected a list, got %s", jsonKind(v))
			return
		}
		for i, e := range l {
			checkShape(ps, fmt.Sprintf("%s[%d]", path, i), e, t.Elem())
		}
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			ps.errorf(path, "expected a map, got %s", jsonKind(v))
			return
		}
		for _, k := range sortedKeys(m) {
			checkShape(ps, fmt.Sprintf("%s[%s]", path, clip(k)), m[k], t.Elem())
		}
	case reflect.String:
		if s, ok := v.(string); !ok {
			ps.errorf(path, "expected a string, got %s %s", jsonKind(v), clipValue(v))
		} else if len(s) > MaxStringBytes && strings.HasPrefix(path, "spec.") {
			ps.errorf(path, "is %d bytes long; a spec value may have at most %d: shorten it", len(s), MaxStringBytes)
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			ps.errorf(path, "expected true or false, got %s %s", jsonKind(v), clipValue(v))
		}
	case reflect.Int32, reflect.Int64, reflect.Int:
		f, ok := v.(float64)
		switch {
		case !ok:
			ps.errorf(path, "expected a whole number, got %s %s", jsonKind(v), clipValue(v))
		case f != float64(int64(f)):
			ps.errorf(path, "expected a whole number, got %v", f)
		case t.Kind() == reflect.Int32 && (f > 1<<31-1 || f < -(1<<31)):
			ps.errorf(path, "%v is out of range: it must fit in a 32-bit integer; use a small number such as 3", f)
		}
	}
}

func checkQuantity(ps *Problems, path string, v any) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case float64:
		s = fmt.Sprint(x)
	default:
		ps.errorf(path, "expected a quantity such as 10Gi, got %s", jsonKind(v))
		return
	}
	if _, err := resource.ParseQuantity(s); err != nil {
		ps.errorf(path, "%q is not a quantity: use a number with an optional suffix, e.g. 10Gi, 512Mi or 500m", clip(s))
	}
}

// jsonFields maps JSON names to field types, following inline embeds.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && (name == "" || strings.Contains(opts, "inline")) {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			for k, v := range jsonFields(ft) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// sortedKeys gives a map's keys in order, so problems and their
// suggestions come out the same on every run.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
