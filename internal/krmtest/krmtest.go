// Package krmtest holds what tests of the function share about the KRM
// protocol: what a function that changes nothing writes, and the items of
// an output ResourceList, to compare "nothing generated, nothing changed".
package krmtest

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Identity is a function that changes nothing.
type Identity struct{}

// Process leaves the ResourceList as it is.
func (Identity) Process(*framework.ResourceList) error { return nil }

// IdentityOutput is what Identity writes for input, through kyaml.
func IdentityOutput(t testing.TB, input []byte) string {
	t.Helper()
	var buf bytes.Buffer
	rw := &kio.ByteReadWriter{Reader: bytes.NewReader(input), Writer: &buf, KeepReaderAnnotations: true}
	require.NoError(t, framework.Execute(Identity{}, rw))
	return buf.String()
}

// ItemsText is the items of ResourceList rl as YAML ("" when it has none).
func ItemsText(t testing.TB, rl string) string {
	t.Helper()
	n, err := yaml.Parse(rl)
	require.NoError(t, err)
	f := n.Field("items")
	if f == nil {
		return ""
	}
	return f.Value.MustString()
}
