//go:build e2e

package delivery

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// functionAnnotation reads the config.kubernetes.io/function annotation of
// a function config file.
func functionAnnotation(t *testing.T, file string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	var o object
	require.NoError(t, yaml.Unmarshal(b, &o))
	raw := str(o, "metadata", "annotations", "config.kubernetes.io/function")
	require.NotEmpty(t, raw, "%s has no config.kubernetes.io/function annotation", file)
	var fn map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(raw), &fn))
	return fn
}

// The example is overlays/prod with another wiring, and that wiring names
// the image this suite built.
func TestContainerExampleIsProdWiredToTheImage(t *testing.T) {
	root := harness.Root(t)
	for _, f := range []string{"namespace.yaml", "zookeeper.yaml"} {
		want, err := os.ReadFile(filepath.Join(root, "overlays/prod", f))
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join(root, "examples/container", f))
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), "examples/container/%s must stay a copy of overlays/prod/%s", f, f)
	}
	fn := functionAnnotation(t, filepath.Join(root, "examples/container/function/function.yaml"))
	require.NotContains(t, fn, "exec", "the example must not run the exec binary")
	c, ok := fn["container"].(map[string]any)
	require.True(t, ok, "container: missing in %v", fn)
	require.Equal(t, image(t), c["image"], "the example names another image than `make image` builds")
	require.NotEqual(t, true, c["network"], "the function needs no network")
}

// kustomize running the image gives, byte for byte, what it gives running
// the exec binary.
func TestContainerRendersLikeExec(t *testing.T) {
	want := prodExec(t)
	got := mustRun(t, cmd{
		env:  containerEnv(t),
		args: []string{harness.Kustomize(t), "build", "--enable-alpha-plugins", filepath.Join(harness.Root(t), "examples/container")},
	})
	if !bytes.Equal(want, got) {
		t.Fatalf("container output differs from exec output at line %d\n--- exec\n%s\n--- container\n%s",
			firstDiffLine(want, got), want, got)
	}
	objs := topology(t, decodeDocs(t, got))
	require.Equal(t, prodServerLines(), serverLines(t, objs))
}

func firstDiffLine(a, b []byte) int {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}

// A wiring that names an image that does not exist fails the build: the
// container path really runs the image, and kustomize does not fall back.
func TestContainerWrongImageFails(t *testing.T) {
	dir := repoCopy(t, "base", "examples/container")
	fnFile := filepath.Join(dir, "examples/container/function/function.yaml")
	b, err := os.ReadFile(fnFile)
	require.NoError(t, err)
	bad := strings.ReplaceAll(string(b), image(t), image(t)+"-does-not-exist")
	require.NotEqual(t, string(b), bad)
	require.NoError(t, os.WriteFile(fnFile, []byte(bad), 0o644))
	o := run(t, cmd{
		env:  containerEnv(t),
		args: []string{harness.Kustomize(t), "build", "--enable-alpha-plugins", filepath.Join(dir, "examples/container")},
	})
	require.Error(t, o.err, "kustomize succeeded with a missing image:\n%s", o.stdout)
	require.Empty(t, o.stdout)
	require.Contains(t, string(o.stderr), "does-not-exist")
}

// inspect returns the image's configuration as the engine reports it.
func inspect(t *testing.T) map[string]any {
	t.Helper()
	out := mustRun(t, cmd{args: []string{engine(t), "image", "inspect", image(t)}})
	var all []map[string]any
	require.NoError(t, json.Unmarshal(out, &all))
	require.Len(t, all, 1)
	return all[0]
}

// The image is small, static, non-root and has no shell; it runs as
// nobody without network, and carries the exec binary's version.
func TestImageIsMinimalAndNonRoot(t *testing.T) {
	info := inspect(t)
	cfg, _ := info["Config"].(map[string]any)
	require.NotNil(t, cfg, "no Config in %v", info)
	user, _ := cfg["User"].(string)
	require.NotEmpty(t, user)
	require.NotContains(t, []string{"0", "root", "0:0"}, user)
	assert.Equal(t, []any{"/usr/local/bin/zookeeper-fn"}, cfg["Entrypoint"])
	size, _ := info["Size"].(float64)
	t.Logf("image %s: %.1f MB", image(t), size/1e6)
	assert.Less(t, size, 20e6, "image is %.1f MB", size/1e6)

	// No shell to exec into.
	o := run(t, cmd{args: []string{engine(t), "run", "--rm", "--network", "none", "--entrypoint", "/bin/sh", image(t), "-c", "true"}})
	require.Error(t, o.err, "the image has a shell")

	// The version stamped into the image is the exec binary's.
	want := mustRun(t, cmd{args: []string{harness.FunctionBinary(t), "--version"}})
	got := mustRun(t, cmd{args: []string{engine(t), "run", "--rm", "--network", "none", "--user", "nobody", image(t), "--version"}})
	require.Equal(t, string(want), string(got))
	labels, _ := cfg["Labels"].(map[string]any)
	require.Contains(t, string(want), fmt.Sprint(labels["org.opencontainers.image.version"]))
}

// Run the way kustomize and kpt run it, an invalid spec exits non-zero and
// the results, with their field paths, come back on stdout.
func TestImageReportsResults(t *testing.T) {
	rl := `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: zookeeper-fn.dev/v1alpha1
  kind: ZookeeperSpec
  metadata:
    name: zk
    namespace: zookeeper-prod
  spec:
    replicas: 4
`
	o := run(t, cmd{stdin: rl, args: []string{engine(t), "run", "--rm", "-i", "--network", "none", "--user", "nobody",
		"--security-opt=no-new-privileges", image(t)}})
	require.Error(t, o.err)
	require.Contains(t, string(o.stdout), "spec.replicas", "results on stdout:\n%s\nstderr:\n%s", o.stdout, o.stderr)
}
