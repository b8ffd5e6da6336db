package golden

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEveryPackageTakesUpdate: every package under internal/ with tests
// imports this package, so `go test ./internal/... -update` reaches them
// all instead of failing in the first one that lacks the flag.
func TestEveryPackageTakesUpdate(t *testing.T) {
	const self = "github.com/zookeeper-fn/zookeeper-fn/internal/golden"
	dirs := map[string]bool{} // package dir -> some test file imports golden
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return err
		}
		dir := filepath.Dir(path)
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dirs[dir] = dirs[dir] || strings.Contains(string(b), `"`+self+`"`) || filepath.Base(dir) == "golden"
		return nil
	})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(dirs), 5, "test packages found")
	for dir, ok := range dirs {
		if !ok {
			t.Errorf("%s has tests but no test file imports %s: add `import _ %q` so it accepts -update", dir, self, self)
		}
	}
}
