// Package golden holds the one flag that rewrites expected files, for
// every test package under internal/: `go test ./internal/... -update`
// (make update-golden) passes -update to each package's test binary, and
// a binary that does not define it fails with "flag provided but not
// defined". Every test package imports this one, even those without golden
// files (with a blank import), and TestEveryPackageTakesUpdate keeps it so.
package golden

import (
	"flag"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the expected (golden) files from the actual output")

// Update reports whether the run rewrites expected files.
func Update() bool { return *update }

// File compares got with the expected file at path; under -update it
// first writes got there.
func File(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run `make update-golden` (go test ./internal/... -update) to create it")
	assert.Equal(t, string(want), string(got), "%s differs: after an intended change run `make update-golden` and review the diff", path)
}
