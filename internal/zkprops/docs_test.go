package zkprops_test

import (
	"flag"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zookeeper-fn/zookeeper-fn/internal/zkprops"
)

var update = flag.Bool("update", false, "rewrite docs/zookeeper-properties.md")

// TestDocs keeps docs/zookeeper-properties.md in step with the model.
func TestDocs(t *testing.T) {
	path := "../../" + zkprops.DocPath
	want := zkprops.Markdown()
	if *update {
		require.NoError(t, os.WriteFile(path, want, 0o644))
	}
	got, err := os.ReadFile(path)
	require.NoError(t, err, "run: go test ./internal/zkprops -update")
	assert.Equal(t, string(want), string(got), "%s is stale: run go test ./internal/zkprops -update", zkprops.DocPath)
}
