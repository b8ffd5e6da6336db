package schema_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api/schema"
	"github.com/zookeeper-fn/zookeeper-fn/internal/golden"
)

// TestGenerated keeps schema/ and docs/reference.md in step with the Go
// types: run `make update-golden` (or this package with -update) after
// changing the API.
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
		if golden.Update() {
			require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		}
		golden.File(t, path, want)
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
