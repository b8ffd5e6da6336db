//go:build e2e

package security

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yamlv2 "go.yaml.in/yaml/v2"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krmtest"
)

// TestHostileInputKustomize runs the catalogue through the real kustomize:
// the case's items become a kustomization's resources and its
// functionConfig (or a ZookeeperFunction) the transformer that runs the
// built binary. The build fails exactly when the case fails, stderr (all
// kustomize shows) holds every error and warning, and what a successful
// build writes reads back through YAML 1.1 with every label and
// annotation a string. Refused streams (stdin itself) and generated
// inputs are protocol cases that kustomize never sends; a case whose
// "kustomize" field starts with "skip: " says why kustomize cannot run it.
func TestHostileInputKustomize(t *testing.T) {
	dir := filepath.Join(harness.Root(t), "testdata", "hostile")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	ran := 0
	for _, e := range entries {
		caseDir := filepath.Join(dir, e.Name())
		c := krmtest.ReadHostileCase(t, caseDir)
		want, err := os.ReadFile(filepath.Join(caseDir, "expected.txt"))
		require.NoError(t, err)
		if c.Generate != "" || strings.HasPrefix(string(want), "stderr: ") || strings.HasPrefix(c.Kustomize, "skip: ") {
			continue
		}
		ran++
		t.Run(e.Name(), func(t *testing.T) {
			k := kustomization(t, caseDir)
			stdout, stderr, err := harness.TryBuild(t, k)
			if c.Kustomize != "" {
				require.Error(t, err, "kustomize refuses this stream itself")
				assert.Contains(t, string(stderr), c.Kustomize)
				return
			}
			var results framework.Results
			require.NoError(t, kyaml.Unmarshal(want, &results))
			for _, r := range results {
				assert.Contains(t, string(stderr), r.Message, "every result is on stderr")
			}
			if c.Exit != 0 {
				require.Error(t, err, "the build fails")
				assert.Empty(t, stdout, "no partial output")
				return
			}
			require.NoError(t, err, "stderr:\n%s", clipText(string(stderr)))
			assert.Contains(t, string(stdout), "kind: StatefulSet", "rendered")
			assertYAML11Strings(t, stdout)
		})
	}
	t.Logf("%d cases through kustomize", ran)
	require.GreaterOrEqual(t, ran, 50)
}

// kustomization writes the case's ResourceList as a kustomization.
func kustomization(t *testing.T, caseDir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(caseDir, "input.yaml"))
	require.NoError(t, err)
	rl, err := kyaml.Parse(string(b))
	require.NoError(t, err)
	dir := t.TempDir()
	var docs []string
	if items := rl.Field("items"); items != nil {
		elems, err := items.Value.Elements()
		require.NoError(t, err)
		for _, it := range elems {
			docs = append(docs, it.MustString())
		}
	}
	fc := kyaml.MustParse("apiVersion: zookeeper-fn.dev/v1alpha1\nkind: ZookeeperFunction\nmetadata: {name: render}\n")
	if f := rl.Field("functionConfig"); f != nil && !kyaml.IsMissingOrNull(f.Value) {
		fc = f.Value
	}
	require.NoError(t, fc.PipeE(kyaml.SetAnnotation("config.kubernetes.io/function", "exec:\n  path: zookeeper-fn\n")))
	k := "transformers: [function.yaml]\n"
	if len(docs) > 0 {
		k += "resources: [resources.yaml]\n"
		require.NoError(t, os.WriteFile(filepath.Join(dir, "resources.yaml"), []byte(strings.Join(docs, "---\n")), 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "function.yaml"), []byte(fc.MustString()), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "kustomization.yaml"), []byte(k), 0o644))
	return dir
}

// assertYAML11Strings reads out as kubectl's YAML 1.1 reader does: every
// label and annotation must come back as a string, not a boolean, number
// or null.
func assertYAML11Strings(t *testing.T, out []byte) {
	t.Helper()
	for _, doc := range harness.SplitDocs(out) {
		var obj map[string]any
		require.NoError(t, yamlv2.Unmarshal([]byte(doc), &obj))
		meta, _ := obj["metadata"].(map[any]any)
		for _, f := range []string{"labels", "annotations"} {
			m, _ := meta[f].(map[any]any)
			for k, v := range m {
				_, ks := k.(string)
				_, vs := v.(string)
				assert.True(t, ks && vs, "%s %v: %s %v: %v are read as %T: %T by YAML 1.1", obj["kind"], meta["name"], f, k, v, k, v)
			}
		}
	}
}
