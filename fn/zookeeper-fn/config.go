package main

import (
	"bytes"
	"fmt"
	"os"
	"slices"

	"sigs.k8s.io/kustomize/kyaml/kio"
)

// oneConfig refuses a functionConfig file (the first argument) that
// holds more than one object and is not also an input. kyaml's command
// reads only the first document of that file, so `zookeeper-fn
// specs.yaml` with two specs would render the first and drop the second
// without a word; `zookeeper-fn specs.yaml specs.yaml` renders both.
func oneConfig(args []string) error {
	path := args[0]
	if slices.Contains(args[1:], path) {
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil // kyaml's own reader reports it, as it always has
	}
	nodes, err := (&kio.ByteReader{Reader: bytes.NewReader(b), OmitReaderAnnotations: true}).Read()
	if err != nil || len(nodes) <= 1 {
		return nil
	}
	return fmt.Errorf("%s holds %d objects, but the first file is the functionConfig, one object: "+
		"render several specs as inputs (zookeeper-fn %s %s), or give one spec per file", path, len(nodes), path, path)
}
