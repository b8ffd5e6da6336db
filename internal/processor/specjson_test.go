package processor

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
)

// TestSpecJSONMatchesMarshalJSON: for every item of every input stream
// the repository has (specs and everything beside them: anchors, merge
// keys, tags, odd scalars), specJSON gives kyaml's MarshalJSON bytes, or
// an error when it does.
func TestSpecJSONMatchesMarshalJSON(t *testing.T) {
	var files []string
	for _, g := range []string{"golden/*/*.yaml", "hostile/*/*.yaml", "fuzz/process/*.yaml", "kustomize/*/*.yaml"} {
		m, err := filepath.Glob("../../testdata/" + g)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	items := 0
	for _, f := range append(files, "tricky") {
		b, err := os.ReadFile(f)
		if f == "tricky" {
			b, err = []byte(tricky), nil
		}
		if err != nil {
			t.Fatal(err)
		}
		nodes, err := (&kio.ByteReader{Reader: bytes.NewReader(b), OmitReaderAnnotations: true}).Read()
		if err != nil {
			continue
		}
		for _, n := range nodes {
			items++
			want, wantErr := n.MarshalJSON()
			got, err := specJSON(n)
			if (err != nil) != (wantErr != nil) || !bytes.Equal(got, want) {
				t.Errorf("%s: item %d: specJSON %s (%v), MarshalJSON %s (%v)", f, items, got, err, want, wantErr)
			}
		}
	}
	if items < 100 {
		t.Fatalf("only %d items in the repository's inputs", items)
	}
}

// tricky is YAML whose text round trip could differ from decoding the
// node: anchors inside and across items, merge keys, tags, timestamps,
// numbers JSON cannot hold, non-string keys, odd scalars.
const tricky = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- kind: A
  a: &x {b: 1, c: [1, 2]}
  c: *x
  d: {<<: *x, e: 2}
- kind: B
  f: *x
- kind: C
  t: 2001-12-14t21:59:43.10-05:00
  d: 2002-12-14
  bin: !!binary aGVsbG8=
  custom: !foo bar
  big: 123456789012345678901234567890
  oct: 0o17
  hex: 0x1F
  n: ~
  s: !!str 123
  e: ""
  lit: |
    line
- kind: D
  k: {1: a}
- kind: E
  inf: .inf
- kind: F
  nested: {a: {b: {c: [{d: null}]}}}
`
