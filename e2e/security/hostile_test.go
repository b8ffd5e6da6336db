//go:build e2e

package security

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krmtest"
)

// TestHostileInputBinary feeds the bad-input catalogue to the built
// binary on stdin, as kustomize and kpt do. It checks the exit code, the
// exact results (or stderr for a refused stream), that every error is on
// stderr, and that stdout holds no partial output: nothing for a refused
// stream, the items exactly as they came otherwise.
func TestHostileInputBinary(t *testing.T) {
	bin := harness.FunctionBinary(t)
	dir := filepath.Join(harness.Root(t), "testdata", "hostile")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(entries), 50, "hostile cases")
	for _, e := range entries {
		caseDir := filepath.Join(dir, e.Name())
		t.Run(e.Name(), func(t *testing.T) {
			c := krmtest.ReadHostileCase(t, caseDir)
			want, err := os.ReadFile(filepath.Join(caseDir, "expected.txt"))
			require.NoError(t, err)
			input := hostileInput(t, caseDir, c.Generate)

			stdout, stderr, exit := runBinary(t, bin, input)
			require.Equal(t, c.Exit, exit, "exit code; stderr:\n%s", clipText(stderr))
			if msg, refused := strings.CutPrefix(string(want), "stderr: "); refused {
				assert.Empty(t, stdout, "a refused stream writes nothing to stdout")
				assert.Equal(t, msg, stderr)
				return
			}
			assert.Equal(t, string(want), resultsOf(t, stdout), "results")
			identity := krmtest.IdentityOutput(t, input)
			if c.Exit != 0 {
				assert.Equal(t, krmtest.ItemsText(t, identity), krmtest.ItemsText(t, stdout), "on error the items come back unchanged, with nothing generated")
				var results framework.Results
				require.NoError(t, kyaml.Unmarshal([]byte(want), &results))
				for _, r := range results {
					if r.Severity == framework.Error {
						assert.Contains(t, stderr, r.Message, "every error is on stderr, which is all kustomize shows")
					}
				}
				return
			}
			assertOnStderr(t, want, stderr)
			assert.Contains(t, stdout, "kind: StatefulSet", "rendered")
		})
	}
}

// assertOnStderr: every result, warnings included, is on stderr, which is
// all kustomize and Argo CD show of a run that succeeds.
func assertOnStderr(t *testing.T, want []byte, stderr string) {
	t.Helper()
	var results framework.Results
	require.NoError(t, kyaml.Unmarshal(want, &results))
	for _, r := range results {
		assert.Contains(t, stderr, r.Message, "every result is on stderr, warnings too")
	}
	if len(results) == 0 {
		assert.Empty(t, stderr)
	}
}

func runBinary(t *testing.T, bin string, stdin []byte) (stdout, stderr string, exit int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Stdin = bytes.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return o.String(), e.String(), ee.ExitCode()
	}
	require.NoError(t, err)
	return o.String(), e.String(), 0
}

func resultsOf(t *testing.T, rl string) string {
	t.Helper()
	n, err := kyaml.Parse(rl)
	require.NoError(t, err, "stdout is a ResourceList")
	f := n.Field("results")
	if f == nil {
		return ""
	}
	return f.Value.MustString()
}

func clipText(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "..."
	}
	return s
}

// hostileInput reads input.yaml or builds the inputs too large to keep
// (the same generators as internal/processor/hostile_test.go).
func hostileInput(t *testing.T, dir, generate string) []byte {
	t.Helper()
	const head = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n"
	switch generate {
	case "":
		b, err := os.ReadFile(filepath.Join(dir, "input.yaml"))
		require.NoError(t, err)
		return b
	case "huge-spec":
		return []byte(head + "- apiVersion: zookeeper-fn.dev/v1alpha1\n  kind: ZookeeperSpec\n  metadata: {name: zk, namespace: payments}\n  spec:\n    jvm:\n      flags:\n" +
			strings.Repeat("      - -Dzookeeper.padding="+strings.Repeat("x", 1000)+"\n", 300))
	case "huge-stdin":
		return []byte(head + "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: big}\n  data:\n    blob: " + strings.Repeat("x", 64<<20) + "\n")
	case "deep-nesting":
		return []byte(head + "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: deep}\n  data: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n")
	}
	t.Fatalf("unknown generated input %q", generate)
	return nil
}
