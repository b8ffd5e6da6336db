package yamlconv_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/yamlconv"
)

// specJSON returns the JSON of every ZookeeperSpec in the inputs under
// the testdata directories named, as the processor hands it to
// api.Decode.
func specJSON(t testing.TB, dirs ...string) [][]byte {
	t.Helper()
	var files []string
	for _, d := range dirs {
		g := "../../testdata/" + d + "/*/*.yaml"
		m, err := filepath.Glob(g)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	var out [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		nodes, err := (&kio.ByteReader{Reader: bytes.NewReader(b), OmitReaderAnnotations: true}).Read()
		if err != nil {
			continue // the hostile inputs include streams no reader takes
		}
		for _, n := range nodes {
			if n.GetKind() == api.Kind {
				if j, err := n.MarshalJSON(); err == nil {
					out = append(out, j)
				}
			}
		}
	}
	if len(out) < 10 {
		t.Fatalf("only %d specs in the inputs under %v", len(out), dirs)
	}
	return out
}

// TestDecodeJSONFastOnSpecs: every spec of the golden and hostile inputs
// decodes without falling back to encoding/json, to the value
// json.Unmarshal gives.
func TestDecodeJSONFastOnSpecs(t *testing.T) {
	fast := 0
	for i, j := range specJSON(t, "golden", "hostile") {
		var want, got api.ZookeeperSpec
		wantErr := json.Unmarshal(j, &want)
		if err := yamlconv.DecodeFast(j, &got); err == nil {
			fast++
			if wantErr != nil || !reflect.DeepEqual(want, got) {
				t.Fatalf("spec %d: decoded %+v, json.Unmarshal: %+v (%v)\n%s", i, got, want, wantErr, j)
			}
		}
		compareDecode(t, fmt.Sprint("spec ", i), j)
	}
	if fast < 20 {
		t.Errorf("only %d specs took the fast path", fast)
	}
}

// TestDecodeJSONMatchesUnmarshal mutates the specs at random (nulls,
// wrong types, unknown and case-folded keys, huge numbers, embedded
// objects where scalars go) and checks that DecodeJSON gives what
// json.Unmarshal gives: the same value or the same error.
func TestDecodeJSONMatchesUnmarshal(t *testing.T) {
	specs := specJSON(t, "golden", "hostile")
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 3000 {
		var tree any
		if err := json.Unmarshal(specs[i%len(specs)], &tree); err != nil {
			t.Fatal(err)
		}
		for range 1 + r.IntN(3) {
			tree = mutate(r, tree, 0)
		}
		j, err := json.Marshal(tree)
		if err != nil {
			t.Fatal(err)
		}
		compareDecode(t, fmt.Sprint("mutation ", i), j)
	}
}

func FuzzDecodeJSON(f *testing.F) {
	f.Add([]byte(`{"spec":{"replicas":3,"resources":{"requests":{"cpu":"1"}}}}`))
	f.Add([]byte(`{"metadata":{"name":"zk","labels":{"a":"b"}},"spec":{"storage":{"size":null}}}`))
	f.Fuzz(func(t *testing.T, j []byte) { compareDecode(t, "fuzz", j) })
}

func compareDecode(t *testing.T, name string, j []byte) {
	t.Helper()
	var want, got api.ZookeeperSpec
	wantErr := json.Unmarshal(j, &want)
	err := yamlconv.DecodeJSON(j, &got)
	if fmt.Sprint(err) != fmt.Sprint(wantErr) || !reflect.DeepEqual(want, got) {
		t.Fatalf("%s: DecodeJSON: %+v (%v)\njson.Unmarshal: %+v (%v)\ninput: %s", name, got, err, want, wantErr, j)
	}
}

var replacements = []func() any{
	func() any { return nil },
	func() any { return "x" },
	func() any { return "1Gi" },
	func() any { return 1.5 },
	func() any { return json.Number("-3") },
	func() any { return json.Number("1e400") },
	func() any { return json.Number("99999999999999999999") },
	func() any { return true },
	func() any { return map[string]any{} },
	func() any { return []any{} },
	func() any { return []any{nil, "a", map[string]any{"name": "c"}} },
	func() any { return map[string]any{"unknownField": 1, "name": "n", "Name": "N"} },
}

// mutate replaces a random value of the tree, renames a key to another
// case, or adds a key.
func mutate(r *rand.Rand, v any, depth int) any {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if len(keys) == 0 || r.IntN(6) == 0 {
			x[[]string{"extra", "status", "kind"}[r.IntN(3)]] = replacements[r.IntN(len(replacements))]()
			return x
		}
		k := keys[r.IntN(len(keys))]
		switch r.IntN(8) {
		case 0:
			x[strings.ToUpper(k[:1])+k[1:]] = x[k]
			delete(x, k)
		case 1:
			x[k] = replacements[r.IntN(len(replacements))]()
		default:
			x[k] = mutate(r, x[k], depth+1)
		}
		return x
	case []any:
		if len(x) > 0 && r.IntN(3) > 0 {
			i := r.IntN(len(x))
			x[i] = mutate(r, x[i], depth+1)
			return x
		}
	}
	return replacements[r.IntN(len(replacements))]()
}
