package schema_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api/schema"
)

var update = flag.Bool("update", false, "rewrite the generated schema and reference")

// TestGenerated keeps schema/ and docs/reference.md in step with the Go
// types: run with -update after changing the API.
func TestGenerated(t *testing.T) {
	docs, err := schema.Docs("..")
	require.NoError(t, err)
	spec, fields := schema.Build(docs)
	crd, err := schema.CRD(spec)
	require.NoError(t, err)
	ref, err := schema.Reference(fields)
	require.NoError(t, err)
	specJSON, err := schema.SpecJSONSchema(spec)
	require.NoError(t, err)
	fnJSON, err := schema.FunctionJSONSchema()
	require.NoError(t, err)
	for path, want := range map[string][]byte{
		"../../../schema/zookeeperspecs.zookeeper-fn.dev.yaml": crd,
		"../../../schema/zookeeperspec.json":                   specJSON,
		"../../../schema/zookeeperfunction.json":               fnJSON,
		"../../../docs/reference.md":                           ref,
	} {
		if *update {
			require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
			require.NoError(t, os.WriteFile(path, want, 0o644))
			continue
		}
		got, err := os.ReadFile(path)
		require.NoError(t, err, "run: go test ./internal/api/schema -update")
		assert.Equal(t, string(want), string(got), "%s is stale: run go test ./internal/api/schema -update", path)
	}
}

// TestEveryFieldDocumented: a field without a comment leaves a hole in the
// README's reference.
func TestEveryFieldDocumented(t *testing.T) {
	docs, err := schema.Docs("..")
	require.NoError(t, err)
	_, fields := schema.Build(docs)
	require.NotEmpty(t, fields)
	var missing []string
	for _, f := range fields {
		if f.Description == "" {
			missing = append(missing, f.Path)
		}
	}
	assert.Empty(t, missing, "fields without a doc comment in internal/api")
}
