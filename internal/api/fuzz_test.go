package api_test

import (
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
)

// FuzzDecode feeds arbitrary JSON to the spec decoder. Invariants: it
// never panics; it returns either a spec and no errors, or errors and no
// spec; checking a decoded spec never panics; and a spec that passes its
// checks has a sane heap and replica count (what the renderer relies on).
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{}`, `null`, `[]`, `"zk"`, `{"spec":null}`, `{"spec":{"replicas":1e400}}`,
		`{"metadata":{"name":"zk"},"spec":{"resources":{"limits":{"memory":"1E"}}}}`,
		`{"metadata":{"name":"zk"},"spec":{"jvm":{"heap":"9223372036854775807"}}}`,
		`{"metadata":{"name":"zk"},"spec":{"storage":{"size":1e30}}}`,
	} {
		f.Add([]byte(s))
	}
	for _, pattern := range []string{"../../testdata/fuzz/decode/*.yaml", "../../testdata/fuzz/process/*.yaml", "../../testdata/hostile/*/input.yaml"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			for _, spec := range specsIn(file) {
				f.Add(spec)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		z, ps := api.Decode(data)
		if z == nil {
			if !ps.HasErrors() {
				t.Fatal("no spec and no error")
			}
			_ = ps.Error()
			return
		}
		if ps.HasErrors() {
			t.Fatalf("a spec and errors: %v", ps)
		}
		checks := z.Check()
		_ = checks.Error()
		if checks.HasErrors() {
			return
		}
		if n := *z.Spec.Replicas; n < 1 || n > api.MaxReplicas || n%2 == 0 {
			t.Fatalf("replicas %d passed the checks", n)
		}
		if h := z.Spec.HeapMiB(); h < 0 {
			t.Fatalf("heap %d MiB passed the checks", h)
		}
	})
}

// specsIn returns the JSON of every ZookeeperSpec in a YAML file,
// whether a plain document or a ResourceList.
func specsIn(file string) [][]byte {
	b, err := os.ReadFile(file)
	if err != nil || len(b) > 64<<10 {
		return nil
	}
	nodes, err := (&kioReader{b}).read()
	if err != nil {
		return nil
	}
	var out [][]byte
	for _, n := range nodes {
		if n.GetKind() != api.Kind {
			continue
		}
		if j, err := n.MarshalJSON(); err == nil {
			out = append(out, j)
		}
	}
	return out
}

type kioReader struct{ b []byte }

// read parses a stream or a ResourceList into its resources.
func (r *kioReader) read() ([]*yaml.RNode, error) {
	n, err := yaml.Parse(string(r.b))
	if err != nil {
		return nil, err
	}
	if items := n.Field("items"); items != nil && n.GetKind() == "ResourceList" {
		nodes, err := items.Value.Elements()
		if fc := n.Field("functionConfig"); fc != nil {
			nodes = append(nodes, fc.Value)
		}
		return nodes, err
	}
	return []*yaml.RNode{n}, nil
}
