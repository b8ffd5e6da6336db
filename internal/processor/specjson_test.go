package processor

import (
	"bytes"
	"testing"

	"github.com/zookeeper-fn/zookeeper-fn/internal/krmtest"
)

// TestSpecJSONMatchesMarshalJSON: for every item of every input stream
// the repository has (specs and everything beside them: anchors, merge
// keys, tags, odd scalars), specJSON gives kyaml's MarshalJSON bytes, or
// an error when it does.
func TestSpecJSONMatchesMarshalJSON(t *testing.T) {
	items := krmtest.Items(t, "../../testdata/golden/*/*.yaml", "../../testdata/hostile/*/*.yaml",
		"../../testdata/fuzz/process/*.yaml", "../../testdata/kustomize/*/*.yaml")
	if len(items) < 100 {
		t.Fatalf("only %d items in the repository's inputs", len(items))
	}
	for i, it := range append(items, krmtest.StreamItems("tricky", []byte(tricky))...) {
		want, wantErr := it.Node.MarshalJSON()
		got, err := specJSON(it.Node)
		if (err != nil) != (wantErr != nil) || !bytes.Equal(got, want) {
			t.Errorf("%s: item %d: specJSON %s (%v), MarshalJSON %s (%v)", it.File, i, got, err, want, wantErr)
		}
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
