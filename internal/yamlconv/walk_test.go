package yamlconv_test

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/render"
	"github.com/zookeeper-fn/zookeeper-fn/internal/yamlconv"
)

// emitted returns a zero value of every type of object the golden specs
// and everything render (so a kind added to the renderer is covered
// without a change here), and the struct of encoding/json's edge cases.
func emitted(t testing.TB) []any {
	z, problems := api.Decode([]byte(everything))
	if problems.HasErrors() {
		t.Fatalf("everything: %v", problems)
	}
	seen := map[reflect.Type]bool{}
	var out []any
	for _, z := range append(goldenSpecs(t), z) {
		for _, o := range render.Ensemble(z, z.Membership()) {
			if ty := reflect.TypeOf(o).Elem(); !seen[ty] {
				seen[ty] = true
				out = append(out, reflect.New(ty).Interface())
			}
		}
	}
	if len(out) < 12 {
		t.Fatalf("the golden specs render only %d types of object", len(out))
	}
	return append(out, &edgeCases{})
}

// edgeCases holds what encoding/json treats specially and the Kubernetes
// types do not all show: embedding rules, omitzero, ",string", text
// marshalers as values and keys, json.Number, floats, bytes and arrays.
type edgeCases struct {
	metav1.TypeMeta `json:",inline"`
	*Embedded
	embeddedLower
	Name       string       `json:"name"`
	Dup        string       `json:"dup"`
	Quoted     int64        `json:"quoted,string"`
	QuotedPtr  *bool        `json:"quotedPtr,string,omitempty"`
	QuotedStr  string       `json:"quotedStr,string"`
	QuotedF    float32      `json:"quotedF,string"`
	Zero       metav1.Time  `json:"zero,omitzero"`
	ZeroPtr    *metav1.Time `json:"zeroPtr,omitzero"`
	ZeroPlain  [2]int       `json:"zeroPlain,omitzero"`
	ZeroOwn    smallIsZero  `json:"zeroOwn,omitzero"`
	Dups       dupNames     `json:"dups"`
	ZeroOwnP   *smallIsZero `json:"zeroOwnP,omitzero"`
	Skip       string       `json:"-"`
	Dash       string       `json:"-,"`
	BadTag     string       `json:"a\"b"`
	NoTag      uint8
	F32        float32              `json:"f32"`
	F64        float64              `json:"f64"`
	Num        json.Number          `json:"num,omitempty"`
	Bytes      []byte               `json:"bytes"`
	Array      [3]byte              `json:"array"`
	Addr       netip.Addr           `json:"addr"`
	AddrKeys   map[netip.Addr]int   `json:"addrKeys"`
	IntKeys    map[int8]string      `json:"intKeys"`
	Any        any                  `json:"any"`
	Anys       []any                `json:"anys"`
	Raw        json.RawMessage      `json:"raw,omitempty"`
	Ext        runtime.RawExtension `json:"ext"`
	Dur        metav1.Duration      `json:"dur"`
	Quantity   *resource.Quantity   `json:"quantity,omitempty"`
	IOS        intstr.IntOrString   `json:"ios"`
	Status     map[string]any       `json:"status,omitempty"`
	unexported int
}

// dupNames has two fields named X at the same depth: encoding/json
// writes the tagged one.
type dupNames struct {
	X string
	Y string `json:"X"`
	C string `json:"y"`
}

// smallIsZero is zero, to omitzero, below 100: its IsZero decides, not
// reflect's.
type smallIsZero struct{ N uint8 }

func (s smallIsZero) IsZero() bool { return s.N < 100 }

type Embedded struct {
	Dup   string `json:"dup"` // deeper: the outer dup wins
	Inner string `json:"inner,omitempty"`
	Both  int    // conflicts with embeddedLower.Both at the same depth: dropped
}

type embeddedLower struct {
	Lower string `json:"lower"`
	Both  int
}

// TestFromObjectMatchesEncodingJSON fills objects of every kind the
// function emits with random values (nils, empties, YAML 1.1 words,
// multi-line and invalid UTF-8 strings, extreme numbers) and checks the
// walker against encoding/json's text read by the reference reader.
func TestFromObjectMatchesEncodingJSON(t *testing.T) {
	seeds := emitted(t)
	for i := range 400 {
		for _, seed := range seeds {
			r := rand.New(rand.NewPCG(uint64(i), 7))
			obj := reflect.New(reflect.TypeOf(seed).Elem())
			fill(r, obj.Elem(), 0)
			compare(t, fmt.Sprintf("round %d %T", i, seed), obj.Interface())
		}
	}
}

// FuzzFromObject is the same comparison driven by the fuzzer's bytes.
func FuzzFromObject(f *testing.F) {
	f.Add(uint64(1), uint8(0))
	f.Add(uint64(99), uint8(10))
	seeds := emitted(f)
	f.Fuzz(func(t *testing.T, seed uint64, kind uint8) {
		obj := reflect.New(reflect.TypeOf(seeds[int(kind)%len(seeds)]).Elem())
		fill(rand.New(rand.NewPCG(seed, 7)), obj.Elem(), 0)
		compare(t, fmt.Sprintf("%T", obj.Interface()), obj.Interface())
	})
}

func compare(t *testing.T, name string, obj any) {
	t.Helper()
	want, wantErr := tokenReader(obj)
	got, err := yamlconv.FromObject(obj)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("%s: error %v, encoding/json: %v", name, err, wantErr)
	}
	if err != nil {
		return
	}
	if d := diff(want, got.YNode(), ""); d != "" {
		b, _ := json.Marshal(obj)
		t.Fatalf("%s: %s\njson: %s", name, d, b)
	}
}

var words = []string{"", "a", "yes", "No", "on", "~", "null", "010", "0x1F", "1_000", "12:30", "1e3", ".inf", "2024-01-02",
	"<<", "=", "line\nline\n", "tab\there", "<&>", "\u2028", "é😀", "\xff\xfebad", "ok\xc3", "-", "status", "apiVersion", "kind", "3.0", "\"q\""}

var quantities = []string{"0", "1", "100m", "1.5Gi", "20Gi", "1e3", "500M", "-2"}

// fill sets the exported parts of v to random values; depth bounds the
// recursion.
func fill(r *rand.Rand, v reflect.Value, depth int) {
	if special(r, v) {
		return
	}
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt([]int64{0, 1, -1, 42, math.MinInt64, math.MaxInt64}[r.IntN(6)] >> (64 - v.Type().Bits()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		v.SetUint(r.Uint64() >> (64 - v.Type().Bits()) >> uint(r.IntN(64)))
	case reflect.Float32, reflect.Float64:
		f := []float64{0, 1, -2.5, 1e21, 1e-7, 123456789.125, 3.0, math.Float64frombits(r.Uint64() & 0x7fefffffffffffff)}[r.IntN(8)]
		if r.IntN(50) == 0 {
			f = math.NaN() // encoding/json refuses it: so must FromObject
		}
		v.SetFloat(f)
	case reflect.String:
		v.SetString(words[r.IntN(len(words))])
	case reflect.Pointer:
		if depth < 9 && r.IntN(3) > 0 {
			v.Set(reflect.New(v.Type().Elem()))
			fill(r, v.Elem(), depth+1)
		}
	case reflect.Slice:
		fillSlice(r, v, depth)
	case reflect.Array:
		for i := range v.Len() {
			fill(r, v.Index(i), depth+1)
		}
	case reflect.Map:
		fillMap(r, v, depth)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() && r.IntN(4) > 0 {
				fill(r, v.Field(i), depth+1)
			}
		}
	case reflect.Interface:
		if x := []any{"x", 1.5, true, nil, map[string]any{"status": map[string]any{}}, []any{nil}}[r.IntN(6)]; x != nil {
			v.Set(reflect.ValueOf(x))
		}
	}
}

func fillSlice(r *rand.Rand, v reflect.Value, depth int) {
	switch n := r.IntN(4); {
	case depth > 9 || n == 0:
	case n == 1:
		v.Set(reflect.MakeSlice(v.Type(), 0, 0))
	default:
		v.Set(reflect.MakeSlice(v.Type(), n, n))
		for i := range n {
			fill(r, v.Index(i), depth+1)
		}
	}
}

func fillMap(r *rand.Rand, v reflect.Value, depth int) {
	if depth > 9 || r.IntN(3) == 0 {
		return
	}
	v.Set(reflect.MakeMap(v.Type()))
	for range r.IntN(4) {
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(r, k, depth+1)
		fill(r, e, depth+1)
		v.SetMapIndex(k, e)
	}
}

// special sets the types whose state is unexported.
func special(r *rand.Rand, v reflect.Value) bool {
	switch p := v.Addr().Interface().(type) {
	case *resource.Quantity:
		*p = resource.MustParse(quantities[r.IntN(len(quantities))])
	case *metav1.Time:
		if r.IntN(2) == 0 {
			*p = metav1.NewTime(time.Unix(r.Int64N(1<<32), 0).UTC())
		}
	case *intstr.IntOrString:
		if r.IntN(2) == 0 {
			*p = intstr.FromInt32(r.Int32())
		} else {
			*p = intstr.FromString(words[r.IntN(len(words))])
		}
	case *netip.Addr:
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], r.Uint32())
		*p = netip.AddrFrom4(b)
	case *json.Number:
		*p = json.Number([]string{"", "0", "-1.5e3", "12", "1x"}[r.IntN(5)])
	case *json.RawMessage:
		*p = json.RawMessage([]string{`{"b":1,"a":[null,"x"]}`, `null`, `"s"`, ` 7 `}[r.IntN(4)])
	case *runtime.RawExtension:
		if r.IntN(2) == 0 {
			p.Raw = []byte(`{"kind":"K","status":{"x":1}}`)
		}
	default:
		return false
	}
	return true
}

// everything is a spec that turns on what the golden specs leave off:
// the monitoring objects and a backup claim.
const everything = `{"apiVersion": "zookeeper-fn.dev/v1alpha1", "kind": "ZookeeperSpec",
 "metadata": {"name": "zk", "namespace": "ns"},
 "spec": {"monitoring": {"serviceMonitor": {"enabled": true}, "prometheusRule": {"enabled": true}, "dashboard": {"enabled": true}},
  "backup": {"enabled": true, "volume": {"size": "5Gi", "className": "nfs"}}}}`
