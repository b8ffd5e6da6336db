package krmtest

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Item is one item of a stream, and where it came from.
type Item struct {
	File string
	Node *yaml.RNode
}

// Files reads, by name, every file the glob patterns match.
func Files(t testing.TB, patterns ...string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, p := range patterns {
		files, err := filepath.Glob(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out[f] = b
		}
	}
	return out
}

// Items reads the items of every file the glob patterns match, in file
// name order, without reader annotations; a stream no reader takes (some
// hostile inputs) adds none.
func Items(t testing.TB, patterns ...string) []Item {
	t.Helper()
	files := Files(t, patterns...)
	var out []Item
	for _, f := range slices.Sorted(maps.Keys(files)) {
		out = append(out, StreamItems(f, files[f])...)
	}
	return out
}

// StreamItems is the items of stream b, named name.
func StreamItems(name string, b []byte) []Item {
	nodes, err := (&kio.ByteReader{Reader: bytes.NewReader(b), OmitReaderAnnotations: true}).Read()
	if err != nil {
		return nil
	}
	out := make([]Item, len(nodes))
	for i, n := range nodes {
		out[i] = Item{File: name, Node: n}
	}
	return out
}
