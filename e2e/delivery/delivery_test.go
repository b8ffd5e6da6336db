//go:build e2e

// Package delivery runs the function the three ways users get it: as a
// container image under kustomize and kpt, as an exec function in a kpt
// package, and as an Argo CD Config Management Plugin in the
// argocd-repo-server sidecar. Every path must render what
// `kustomize build overlays/prod` renders with the exec binary.
//
// Run it through `make e2e-delivery`, which builds the image, installs the
// container engine and the Argo CD server, and sets:
//
//	ZKFN_IMAGE          the function's image (localhost/zookeeper-fn:dev)
//	ZKFN_ARGOCD_IMAGE   the Argo CD sidecar image
//	ZKFN_ENGINE         docker or podman
//	ZKFN_DOCKER_SHIM    with podman: a directory whose `docker` runs podman
//	ZKFN_KPT            kpt (/usr/bin/kpt)
//	ARGOCD_CMP_SERVER   argocd-cmp-server built from argo-cd v3
//	ARGOCD_CMP_CLIENT   a client that speaks to it as argocd-repo-server does
package delivery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// commandTimeout bounds every process a test starts.
const commandTimeout = 3 * time.Minute

func env(t *testing.T, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Fatalf("$%s is not set: run the suite through `make e2e-delivery`", name)
	}
	return v
}

// image is the function's container image built by `make image`.
func image(t *testing.T) string { return env(t, "ZKFN_IMAGE") }

// engine is the command that talks to the container engine.
func engine(t *testing.T) string {
	switch e := env(t, "ZKFN_ENGINE"); e {
	case "docker", "podman":
		return e
	default:
		t.Fatalf("$ZKFN_ENGINE=%q: want docker or podman", e)
		return ""
	}
}

// containerEnv is the environment under which kustomize's literal `docker`
// and kpt reach the engine. PATH deliberately lacks bin/, so nothing can
// fall back on the exec binary.
func containerEnv(t *testing.T) []string {
	t.Helper()
	path := os.Getenv("PATH")
	var extra []string
	if engine(t) == "podman" {
		shim := env(t, "ZKFN_DOCKER_SHIM")
		if _, err := os.Stat(filepath.Join(shim, "docker")); err != nil {
			t.Fatalf("no docker shim in %s: run hack/image/engine.sh", shim)
		}
		path = shim + string(os.PathListSeparator) + path
		extra = append(extra, "KPT_FN_RUNTIME=podman")
	}
	return append([]string{"PATH=" + withoutDir(path, filepath.Dir(harness.FunctionBinary(t)))}, extra...)
}

func withoutDir(path, dir string) string {
	var keep []string
	for _, p := range filepath.SplitList(path) {
		if filepath.Clean(p) != filepath.Clean(dir) {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, string(os.PathListSeparator))
}

// execEnv puts the exec binary first on PATH.
func execEnv(t *testing.T) []string {
	return []string{"PATH=" + harness.PathWithFunction(t)}
}

// cmd describes one process run.
type cmd struct {
	dir     string
	env     []string // added to (and overriding) the test's environment
	onlyEnv bool     // env is the whole environment
	args    []string
	stdin   string
}

type outcome struct {
	stdout, stderr []byte
	err            error
}

// run starts c in its own process group, kills the whole group at the
// deadline or when the test ends, and returns what it printed.
func run(t *testing.T, c cmd) outcome {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	x := exec.CommandContext(ctx, c.args[0], c.args[1:]...)
	x.Dir = c.dir
	x.Env = mergeEnv(os.Environ(), c.env)
	if c.onlyEnv {
		x.Env = c.env
	}
	x.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	x.Cancel = func() error { return syscall.Kill(-x.Process.Pid, syscall.SIGKILL) }
	x.WaitDelay = 5 * time.Second
	var o, e bytes.Buffer
	x.Stdout, x.Stderr = &o, &e
	x.Stdin = strings.NewReader(c.stdin)
	err := x.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("%v: timed out after %s", err, commandTimeout)
	}
	return outcome{o.Bytes(), e.Bytes(), err}
}

// mustRun is run for commands that must succeed.
func mustRun(t *testing.T, c cmd) []byte {
	t.Helper()
	o := run(t, c)
	if o.err != nil {
		t.Fatalf("%s: %v\nstderr:\n%s", strings.Join(c.args, " "), o.err, o.stderr)
	}
	return o.stdout
}

// mergeEnv returns base with the entries of over replacing same-named ones.
func mergeEnv(base, over []string) []string {
	names := map[string]bool{}
	for _, kv := range over {
		k, _, _ := strings.Cut(kv, "=")
		names[k] = true
	}
	var out []string
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		if !names[k] {
			out = append(out, kv)
		}
	}
	return append(out, over...)
}

// prodExec is `kustomize build overlays/prod` with the exec binary: the
// reference every delivery path must reproduce.
func prodExec(t *testing.T) []byte {
	t.Helper()
	out := harness.Build(t, harness.Overlay(t, "prod"))
	require.Contains(t, string(out), "kind: StatefulSet", "overlays/prod rendered no StatefulSet")
	return out
}

// copyTree copies the regular files under src to dst the way Argo CD's
// CMP server unpacks an application (file modes dropped: files 0644,
// directories 0755). Symlinks are not followed.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(target, b, 0o644)
		}
		return nil
	})
	require.NoError(t, err)
}

// repoCopy copies the named top-level directories of the repository into a
// fresh directory, keeping their relative layout (so ../../base still
// resolves), and returns that directory.
func repoCopy(t *testing.T, dirs ...string) string {
	t.Helper()
	root := harness.Root(t)
	dst := t.TempDir()
	for _, d := range dirs {
		copyTree(t, filepath.Join(root, d), filepath.Join(dst, d))
	}
	return dst
}

// snapshot maps every regular file under dir to its content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[rel] = string(b)
		return nil
	}))
	return out
}

// object is one decoded manifest.
type object = map[string]any

// decodeDocs parses a multi-document YAML stream.
func decodeDocs(t *testing.T, b []byte) []object {
	t.Helper()
	var out []object
	for _, d := range harness.SplitDocs(b) {
		// SplitDocs drops the newline before "---", which a block scalar
		// at the end of a document needs to keep its own.
		var o object
		require.NoError(t, yaml.Unmarshal([]byte(d+"\n"), &o), "document:\n%s", d)
		if o != nil {
			out = append(out, o)
		}
	}
	return out
}

func str(o object, path ...string) string {
	var cur any = o
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = m[p]
	}
	s, _ := cur.(string)
	return s
}

func key(o object) string {
	return fmt.Sprintf("%s %s/%s", str(o, "kind"), str(o, "metadata", "namespace"), str(o, "metadata", "name"))
}

// toolAnnotations are added by kpt and kustomize to track files; they say
// nothing about the topology.
var toolAnnotations = []string{
	"config.kubernetes.io/path", "config.kubernetes.io/index",
	"internal.config.kubernetes.io/path", "internal.config.kubernetes.io/index",
	"internal.config.kubernetes.io/id", "internal.config.kubernetes.io/annotations-migration-resource-id",
	"internal.config.kubernetes.io/seqindent", "config.k8s.io/id",
}

// topology indexes the objects a run produced by kind/namespace/name,
// without the spec (kustomize drops it as local config, kpt keeps it), the
// Kptfile, and the tools' bookkeeping annotations.
func topology(t *testing.T, objs []object) map[string]object {
	t.Helper()
	out := map[string]object{}
	for _, o := range objs {
		kind := str(o, "kind")
		if kind == "ZookeeperSpec" || kind == "Kptfile" {
			continue
		}
		if md, ok := o["metadata"].(map[string]any); ok {
			if ann, ok := md["annotations"].(map[string]any); ok {
				for _, a := range toolAnnotations {
					delete(ann, a)
				}
				if len(ann) == 0 {
					delete(md, "annotations")
				}
			}
		}
		k := key(o)
		if _, dup := out[k]; dup {
			t.Fatalf("%s appears twice", k)
		}
		out[k] = o
	}
	return out
}

// requireSameTopology asserts that got has exactly the objects of want,
// field for field, and spells out the server.X lines of both.
func requireSameTopology(t *testing.T, want, got map[string]object) {
	t.Helper()
	require.Equal(t, slices.Sorted(maps.Keys(want)), slices.Sorted(maps.Keys(got)), "object sets differ")
	for k, w := range want {
		require.Equal(t, w, got[k], "%s differs", k)
	}
	require.Equal(t, serverLines(t, want), serverLines(t, got))
}

// serverLines returns the server.X lines of the ensemble's zoo.cfg; it
// fails unless there is exactly one ConfigMap with a zoo.cfg.
func serverLines(t *testing.T, objs map[string]object) []string {
	t.Helper()
	var lines []string
	found := 0
	for _, o := range objs {
		if str(o, "kind") != "ConfigMap" {
			continue
		}
		cfg := str(o, "data", "zoo.cfg")
		if cfg == "" {
			continue
		}
		found++
		for _, l := range strings.Split(cfg, "\n") {
			if strings.HasPrefix(l, "server.") {
				lines = append(lines, l)
			}
		}
	}
	require.Equal(t, 1, found, "want one ConfigMap with zoo.cfg")
	return lines
}

// prodServerLines are the members overlays/prod must produce.
func prodServerLines() []string {
	var out []string
	for i := 0; i < 5; i++ {
		out = append(out, fmt.Sprintf("server.%d=zk-%d.zk-headless.zookeeper-prod.svc.cluster.local:2888:3888;2181", i+1, i))
	}
	return out
}

// exitCode returns the process exit code of err, or -1.
func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// lockedBuffer is a bytes.Buffer safe for a process's two output streams
// and a reader.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
