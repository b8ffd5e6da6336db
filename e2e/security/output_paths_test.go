//go:build e2e

package security

import (
	"bytes"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// twoSpecs are two ensembles named zk in two namespaces of one file, with
// values a YAML 1.1 reader takes for booleans and numbers when unquoted.
const twoSpecs = `apiVersion: zookeeper-fn.dev/v1alpha1
kind: ZookeeperSpec
metadata: {name: zk, namespace: team-a}
spec:
  image: zookeeper:1e3
  monitoring:
    serviceMonitor: {labels: {release: "on"}}
    dashboard: {labels: {grafana_dashboard: "yes", y: "n"}}
---
apiVersion: zookeeper-fn.dev/v1alpha1
kind: ZookeeperSpec
metadata: {name: zk, namespace: team-b}
spec:
  monitoring: {dashboard: {labels: {grafana_dashboard: "010"}}}
`

// TestKptPackageCollisionsAndYAML11 renders a package with the real kpt
// (exec function): two specs zk in two namespaces get files of their own
// (kpt used to fail with "index 0 already exists"), rendering again
// changes nothing, and every file kpt writes reads back through YAML 1.1
// with every label and annotation a string.
func TestKptPackageCollisionsAndYAML11(t *testing.T) {
	kpt, err := exec.LookPath("kpt")
	require.NoError(t, err, "kpt is needed (Debian package google-cloud-cli-kpt; /usr/bin/kpt on this kind of machine)")
	bin := harness.FunctionBinary(t)
	dir := filepath.Join(t.TempDir(), "pkg")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	kptfile := "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata: {name: pkg}\npipeline:\n  mutators:\n  - exec: " + bin + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Kptfile"), []byte(kptfile), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "zookeeper.yaml"), []byte(twoSpecs), 0o644))

	render := func() map[string]string {
		out, err := exec.Command(kpt, "fn", "render", "--allow-exec", dir).CombinedOutput()
		require.NoError(t, err, "kpt fn render:\n%s", out)
		return files(t, dir)
	}
	first := render()
	assert.Equal(t, []string{"Kptfile", "zk.team-a.zookeeper.yaml", "zk.team-b.zookeeper.yaml", "zookeeper.yaml"}, slices.Sorted(maps.Keys(first)))
	assert.Contains(t, first["zk.team-a.zookeeper.yaml"], "namespace: team-a")
	assert.NotContains(t, first["zk.team-a.zookeeper.yaml"], "namespace: team-b")
	for name, text := range first {
		if strings.HasSuffix(name, ".zookeeper.yaml") {
			assertYAML11Strings(t, []byte(text))
		}
	}
	assert.Contains(t, first["zk.team-a.zookeeper.yaml"], `grafana_dashboard: "yes"`)
	assert.Contains(t, first["zk.team-a.zookeeper.yaml"], `app.kubernetes.io/version: "1e3"`)
	assert.Equal(t, first, render(), "rendering again replaces, and changes nothing")
}

// TestStandaloneOutputAndMessages: the standalone form prints its errors
// (it printed a blank line for a missing file) and its warnings on
// stderr, and its output reads back through YAML 1.1 unchanged.
func TestStandaloneOutputAndMessages(t *testing.T) {
	bin := harness.FunctionBinary(t)
	dir := t.TempDir()
	run := func(args ...string) (string, string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		return o.String(), e.String(), err
	}
	_, stderr, err := run("missing.yaml")
	require.Error(t, err)
	assert.Contains(t, stderr, "missing.yaml")
	assert.Contains(t, stderr, "no such file")

	first := strings.SplitN(twoSpecs, "---\n", 2)[0] + "  replicas: 1\n" // warns: no fault tolerance
	require.NoError(t, os.WriteFile(filepath.Join(dir, "spec.yaml"), []byte(first), 0o644))
	stdout, stderr, err := run("spec.yaml", "spec.yaml")
	require.NoError(t, err, stderr)
	assert.Contains(t, stderr, "[warning]", "warnings reach stderr on success")
	assert.Contains(t, stdout, "kind: StatefulSet")
	assertYAML11Strings(t, []byte(stdout))
}

func files(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	out := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		out[e.Name()] = string(b)
	}
	return out
}
