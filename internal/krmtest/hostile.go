package krmtest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// HostileCase is testdata/hostile/<name>/case.json: what the input is,
// the words of the fix its message must name, and the expected exit code.
// expected.txt beside it holds the exact results (or, for a stream the
// function refuses to read, the exact message on stderr). The processor's
// tests and e2e/security (the binary, the real kustomize) read the same
// catalogue.
type HostileCase struct {
	Description string   `json:"description"`
	Fix         []string `json:"fix"`
	Exit        int      `json:"exit"`
	Generate    string   `json:"generate,omitempty"`
	// Replaces lists "Kind/name" items of the input that an earlier render
	// left and the function replaces; every other item must come back.
	Replaces []string `json:"replaces,omitempty"`
	// Kustomize is what kustomize itself says when it refuses the stream
	// before the function runs; "skip: <why>" when kustomize cannot run it.
	Kustomize string `json:"kustomize,omitempty"`
}

// ReadHostileCase reads dir/case.json.
func ReadHostileCase(t testing.TB, dir string) HostileCase {
	t.Helper()
	var c HostileCase
	b, err := os.ReadFile(filepath.Join(dir, "case.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &c), dir)
	return c
}
