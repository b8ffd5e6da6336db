//go:build e2e

// Package harness holds what every end-to-end suite needs: the repository
// root, the binaries the Makefile installed, and kustomize runs the way a
// user types them. A missing binary fails the test with the command that
// installs it; nothing here ever skips.
package harness

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Root is the repository root, found from this file's location.
func Root(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the harness source file")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Tool returns the executable named by the environment variable env, or
// fails with the make target that provides it.
func Tool(t testing.TB, env, makeTarget string) string {
	t.Helper()
	p := os.Getenv(env)
	if p == "" {
		t.Fatalf("$%s is not set: run the tests through `make %s` (or set it to the binary's path)", env, makeTarget)
	}
	if fi, err := os.Stat(p); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
		t.Fatalf("$%s=%s is not an executable file: run `make %s`", env, p, makeTarget)
	}
	return p
}

// FunctionBinary is the exec binary built by `make build`.
func FunctionBinary(t testing.TB) string { return Tool(t, "ZKFN_BIN", "build") }

// Kustomize is the pinned kustomize binary installed by `make tools`.
func Kustomize(t testing.TB) string { return Tool(t, "KUSTOMIZE", "tools") }

// PathWithFunction returns a PATH value with the function binary's
// directory first, so kustomizations that name the exec function by its
// bare name (`zookeeper-fn`) find the binary under test.
func PathWithFunction(t testing.TB) string {
	return filepath.Dir(FunctionBinary(t)) + string(os.PathListSeparator) + os.Getenv("PATH")
}

// Build runs `kustomize build --enable-alpha-plugins --enable-exec dir`
// with the function on PATH and returns stdout; it fails the test on a
// non-zero exit and shows stderr.
func Build(t testing.TB, dir string, extraEnv ...string) []byte {
	t.Helper()
	out, stderr, err := TryBuild(t, dir, extraEnv...)
	if err != nil {
		t.Fatalf("kustomize build %s: %v\nstderr:\n%s", dir, err, stderr)
	}
	return out
}

// TryBuild is Build for runs that are expected to fail.
func TryBuild(t testing.TB, dir string, extraEnv ...string) (stdout, stderr []byte, err error) {
	t.Helper()
	cmd := exec.Command(Kustomize(t), "build", "--enable-alpha-plugins", "--enable-exec", dir)
	cmd.Env = append(os.Environ(), "PATH="+PathWithFunction(t))
	cmd.Env = append(cmd.Env, extraEnv...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.Bytes(), e.Bytes(), err
}

// Overlay is the path of overlays/<name>.
func Overlay(t testing.TB, name string) string {
	return filepath.Join(Root(t), "overlays", name)
}

// SplitDocs splits a multi-document YAML stream into its documents.
func SplitDocs(b []byte) []string {
	var docs []string
	for _, d := range strings.Split("\n"+string(b), "\n---\n") {
		if strings.TrimSpace(d) != "" {
			docs = append(docs, strings.TrimPrefix(d, "\n"))
		}
	}
	return docs
}

// Render runs the built function on files as `zookeeper-fn SPEC.yaml
// [INPUT.yaml...]` (the first file is the config; a spec alone is rendered
// as a generator's config) and returns the plain
// YAML it prints on stdout. Its stderr (warnings) is logged, never mixed
// into the YAML; a non-zero exit fails the test.
func Render(t testing.TB, files ...string) []byte {
	t.Helper()
	if len(files) == 0 {
		t.Fatal("harness.Render: no spec file")
	}
	args := files
	cmd := exec.Command(FunctionBinary(t), args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Run(); err != nil {
		t.Fatalf("zookeeper-fn %s: %v\nstderr:\n%s", strings.Join(args, " "), err, e.String())
	}
	if e.Len() > 0 {
		t.Logf("zookeeper-fn %s: stderr:\n%s", strings.Join(args, " "), e.String())
	}
	return o.Bytes()
}
