package zkprops_test

import (
	"testing"

	"github.com/zookeeper-fn/zookeeper-fn/internal/golden"
	"github.com/zookeeper-fn/zookeeper-fn/internal/zkprops"
)

// TestDocs keeps docs/zookeeper-properties.md in step with the model
// (`make update-golden` rewrites it).
func TestDocs(t *testing.T) {
	golden.File(t, "../../"+zkprops.DocPath, zkprops.Markdown())
}
