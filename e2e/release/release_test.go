//go:build e2e

// Package release builds a release the way a maintainer does (`make
// release`, into a temporary directory, for this machine's platform only to
// stay quick) and checks what users will download and pin: the checksums
// verify, the SBOM names our module and its main dependencies at the
// versions go.mod pins, the archived binary reports the version and commit
// it was built as, and both images carry the OCI labels. It also checks
// that `make demo` prints nothing but YAML.
//
// Run it through `make e2e-release`, which installs cyclonedx-gomod and the
// container engine and sets ZKFN_ENGINE (docker or podman).
package release

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// built is one `make release` run.
type built struct {
	dist, version, commit, repo, platform string
}

func (b built) prefix() string { return "zookeeper-fn_" + strings.TrimPrefix(b.version, "v") }
func (b built) archive() string {
	return b.prefix() + "_" + strings.ReplaceAll(b.platform, "/", "_") + ".tar.gz"
}

func engine(t *testing.T) string {
	e := os.Getenv("ZKFN_ENGINE")
	if e != "docker" && e != "podman" {
		t.Fatalf("$ZKFN_ENGINE=%q: run the suite through `make e2e-release`", e)
	}
	return e
}

func run(t *testing.T, dir string, args ...string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	c := exec.Command(args[0], args[1:]...)
	c.Dir, c.Stdout, c.Stderr = dir, &stdout, &stderr
	require.NoError(t, c.Run(), "%s\nstderr:\n%s", strings.Join(args, " "), stderr.String())
	return stdout.Bytes()
}

// release runs `make release` once for the whole test binary.
func release(t *testing.T) built {
	t.Helper()
	root := harness.Root(t)
	b := built{
		dist:     t.TempDir(),
		version:  fmt.Sprintf("v0.0.0-e2e.%d", os.Getpid()),
		commit:   strings.TrimSpace(string(run(t, root, "git", "rev-parse", "HEAD"))),
		repo:     fmt.Sprintf("localhost/zkfn-e2e-release-%d", os.Getpid()),
		platform: runtime.GOOS + "/" + runtime.GOARCH,
	}
	t.Cleanup(func() {
		for _, i := range []string{"zookeeper-fn", "zookeeper-fn-argocd"} {
			_ = exec.Command(engine(t), "rmi", "-f", b.repo+"/"+i+":"+b.version).Run()
		}
	})
	start := time.Now()
	run(t, root, "make", "--no-print-directory", "release", "DIST="+b.dist, "VERSION="+b.version,
		"RELEASE_PLATFORMS="+b.platform, "RELEASE_IMAGE_REPO="+b.repo, "RELEASE_ALLOW_DIRTY=1")
	t.Logf("make release (%s only, with images) took %s", b.platform, time.Since(start).Round(time.Second))
	return b
}

func TestRelease(t *testing.T) {
	b := release(t)
	t.Run("files", func(t *testing.T) { checkFiles(t, b) })
	t.Run("checksums", func(t *testing.T) { checkChecksums(t, b) })
	t.Run("sbom", func(t *testing.T) { checkSBOM(t, b) })
	t.Run("binary", func(t *testing.T) { checkBinary(t, b) })
	t.Run("images", func(t *testing.T) { checkImages(t, b) })
}

func checkFiles(t *testing.T, b built) {
	entries, err := os.ReadDir(b.dist)
	require.NoError(t, err)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	want := []string{b.archive(), b.archive() + ".sbom.json", b.prefix() + "_checksums.txt", "images.txt"}
	sort.Strings(want)
	assert.Equal(t, want, got)
}

// Every archive and SBOM is in the checksums file, and every line verifies,
// as `sha256sum -c` does.
func checkChecksums(t *testing.T, b built) {
	f, err := os.Open(filepath.Join(b.dist, b.prefix()+"_checksums.txt"))
	require.NoError(t, err)
	defer f.Close()
	listed := map[string]bool{}
	s := bufio.NewScanner(f)
	for s.Scan() {
		sum, name, ok := strings.Cut(s.Text(), "  ")
		require.True(t, ok, "not a sha256sum line: %q", s.Text())
		data, err := os.ReadFile(filepath.Join(b.dist, name))
		require.NoError(t, err)
		h := sha256.Sum256(data)
		assert.Equal(t, sum, hex.EncodeToString(h[:]), "checksum of %s", name)
		listed[name] = true
	}
	require.NoError(t, s.Err())
	assert.Equal(t, map[string]bool{b.archive(): true, b.archive() + ".sbom.json": true}, listed)
	// What a user runs after downloading.
	run(t, b.dist, "sha256sum", "--check", "--strict", b.prefix()+"_checksums.txt")
}

// The SBOM is CycloneDX, names our module at the release version as its
// subject, and lists every module the released binary links (Go's own
// build info in it) at the version linked; the main ones at go.mod's.
func checkSBOM(t *testing.T, b built) {
	raw, err := os.ReadFile(filepath.Join(b.dist, b.archive()+".sbom.json"))
	require.NoError(t, err)
	var bom struct {
		BOMFormat string `json:"bomFormat"`
		Metadata  struct {
			Component struct{ Name, Version, Purl string } `json:"component"`
		} `json:"metadata"`
		Components []struct{ Name, Version, Purl string } `json:"components"`
	}
	require.NoError(t, json.Unmarshal(raw, &bom))
	assert.Equal(t, "CycloneDX", bom.BOMFormat)
	assert.Equal(t, "github.com/zookeeper-fn/zookeeper-fn", bom.Metadata.Component.Name)
	assert.Equal(t, b.version, bom.Metadata.Component.Version)
	assert.Contains(t, bom.Metadata.Component.Purl, "pkg:golang/github.com/zookeeper-fn/zookeeper-fn@"+b.version)
	got := map[string]string{}
	for _, c := range bom.Components {
		got[c.Name] = c.Version
	}
	dir := t.TempDir()
	untar(t, filepath.Join(b.dist, b.archive()), dir)
	info, err := buildinfo.ReadFile(filepath.Join(dir, strings.TrimSuffix(b.archive(), ".tar.gz"), "zookeeper-fn"))
	require.NoError(t, err)
	require.NotEmpty(t, info.Deps)
	for _, d := range info.Deps {
		if d.Replace != nil {
			d = d.Replace
		}
		assert.Equal(t, d.Version, got[d.Path], "SBOM version of %s, which the binary links", d.Path)
	}
	gomod, err := os.ReadFile(filepath.Join(harness.Root(t), "go.mod"))
	require.NoError(t, err)
	for _, m := range []string{"sigs.k8s.io/kustomize/kyaml", "k8s.io/api", "k8s.io/apimachinery", "github.com/spf13/cobra"} {
		v := regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(m) + ` (v\S+)`).FindSubmatch(gomod)
		require.NotNil(t, v, "%s is not in go.mod", m)
		assert.Equal(t, string(v[1]), got[m], "SBOM version of %s", m)
	}
	assert.NotContains(t, got, "github.com/stretchr/testify", "test-only modules are not in the binary")
}

// The archive holds the binary, the licence and the docs; the binary is
// static, built with -trimpath, and prints the release's version and commit.
func checkBinary(t *testing.T, b built) {
	dir := t.TempDir()
	files := untar(t, filepath.Join(b.dist, b.archive()), dir)
	top := strings.TrimSuffix(b.archive(), ".tar.gz")
	assert.ElementsMatch(t, []string{top + "/zookeeper-fn", top + "/LICENSE", top + "/README.md", top + "/CHANGELOG.md"}, files)
	bin := filepath.Join(dir, top, "zookeeper-fn")
	out := run(t, dir, bin, "--version")
	assert.Equal(t, fmt.Sprintf("zookeeper-fn version %s (commit %s)\n", b.version, b.commit), string(out))
	info, err := buildinfo.ReadFile(bin)
	require.NoError(t, err)
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	assert.Equal(t, "0", settings["CGO_ENABLED"])
	assert.Equal(t, "true", settings["-trimpath"])
	license, err := os.ReadFile(filepath.Join(dir, top, "LICENSE"))
	require.NoError(t, err)
	assert.Contains(t, string(license), "Apache License\n                           Version 2.0")
}

func untar(t *testing.T, archive, dir string) []string {
	f, err := os.Open(archive)
	require.NoError(t, err)
	defer f.Close()
	gz, err := gzip.NewReader(f)
	require.NoError(t, err)
	tr := tar.NewReader(gz)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return names
		}
		require.NoError(t, err)
		if h.Typeflag == tar.TypeDir {
			continue
		}
		require.False(t, strings.Contains(h.Name, ".."), h.Name)
		p := filepath.Join(dir, h.Name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		w, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY, os.FileMode(h.Mode))
		require.NoError(t, err)
		_, err = io.Copy(w, tr)
		require.NoError(t, err)
		require.NoError(t, w.Close())
		names = append(names, h.Name)
	}
}

// Both images are tagged with the version, listed in images.txt, and
// carry the OCI labels a registry and a scanner read.
func checkImages(t *testing.T, b built) {
	listed, err := os.ReadFile(filepath.Join(b.dist, "images.txt"))
	require.NoError(t, err)
	for _, name := range []string{"zookeeper-fn", "zookeeper-fn-argocd"} {
		ref := b.repo + "/" + name + ":" + b.version
		out := run(t, "", engine(t), "image", "inspect", "--format", "{{.Id}} {{json .Config.Labels}}", ref)
		id, labelsJSON, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
		assert.Contains(t, string(listed), ref+" "+id, "images.txt")
		var labels map[string]string
		require.NoError(t, json.Unmarshal([]byte(labelsJSON), &labels))
		assert.Equal(t, "https://github.com/zookeeper-fn/zookeeper-fn", labels["org.opencontainers.image.source"], ref)
		assert.Equal(t, b.commit, labels["org.opencontainers.image.revision"], ref)
		assert.Equal(t, b.version, labels["org.opencontainers.image.version"], ref)
		assert.Equal(t, "Apache-2.0", labels["org.opencontainers.image.licenses"], ref)
	}
	// The function image's binary is the release's.
	out := run(t, "", engine(t), "run", "--rm", "--network", "none", b.repo+"/zookeeper-fn:"+b.version, "--version")
	assert.Equal(t, fmt.Sprintf("zookeeper-fn version %s (commit %s)\n", b.version, b.commit), string(out))
}
