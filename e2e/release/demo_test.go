//go:build e2e

package release

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// `make demo > prod.yaml` gives valid YAML: every document on stdout is a
// Kubernetes object (no make echo lines, no build noise), and the ensemble
// is there.
func TestDemoPrintsOnlyYAML(t *testing.T) {
	var stdout, stderr bytes.Buffer
	c := exec.Command("make", "demo")
	c.Dir, c.Stdout, c.Stderr = harness.Root(t), &stdout, &stderr
	// As from a user's shell: not a sub-make of `make e2e-release`, which
	// would print "Entering directory" lines that a top-level make does not.
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "MAKEFLAGS" && k != "MAKELEVEL" && k != "MFLAGS" {
			c.Env = append(c.Env, kv)
		}
	}
	require.NoError(t, c.Run(), "stderr:\n%s", stderr.String())
	require.True(t, strings.HasPrefix(stdout.String(), "apiVersion: "), "stdout starts with %q", strings.SplitN(stdout.String(), "\n", 2)[0])
	kinds := map[string]int{}
	for _, d := range harness.SplitDocs(stdout.Bytes()) {
		var o struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
		}
		require.NoError(t, yaml.Unmarshal([]byte(d), &o), "document:\n%s", d)
		require.NotEmpty(t, o.APIVersion, "document:\n%s", d)
		require.NotEmpty(t, o.Kind, "document:\n%s", d)
		kinds[o.Kind]++
	}
	require.Equal(t, 1, kinds["StatefulSet"], "kinds: %v", kinds)
}
