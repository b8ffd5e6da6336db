//go:build e2e

package zkrun

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// CompileJava compiles a suite's own Java source (public class name)
// against the jars of classpath with the machine's javac, once: the
// classes are cached in $ZKFN_CACHE/zookeeper/java-<name>-<key>, where
// key covers the source, every jar's content and javac itself, so a
// change to any of them compiles a fresh copy and a stale one is never
// used (as hack/zookeeper/build-client.sh does for ZkClient). It returns
// the directory of the classes; it works inside the sandbox too.
func CompileJava(t testing.TB, name, src string, classpath ...string) string {
	t.Helper()
	javac, err := exec.LookPath("javac")
	if err != nil {
		t.Fatalf("javac not found: run hack/zookeeper/install.sh")
	}
	key := javaKey(t, javac, src, classpath)
	dest := filepath.Join(cacheDir(t), "zookeeper", "java-"+name+"-"+key)
	if _, err := os.Stat(filepath.Join(dest, name+".class")); err == nil {
		return dest
	}
	must0(t, os.MkdirAll(filepath.Dir(dest), 0o755))
	tmp, err := os.MkdirTemp(filepath.Dir(dest), ".java-"+name+"-")
	must0(t, err)
	defer os.RemoveAll(tmp)
	f := filepath.Join(tmp, name+".java")
	writeFile(t, f, src, 0o644)
	if out, _, err := Run(2*time.Minute, nil, nil, javac, "-nowarn", "-d", tmp, "-cp", strings.Join(classpath, ":"), f); err != nil {
		t.Fatalf("javac %s.java: %v\n%s", name, err, out)
	}
	must0(t, os.Remove(f))
	must0(t, os.Chmod(tmp, 0o755))
	// Another run may have won the race: its copy is the same.
	if err := os.Rename(tmp, dest); err != nil {
		if _, serr := os.Stat(filepath.Join(dest, name+".class")); serr != nil {
			t.Fatalf("cache %s: %v", dest, err)
		}
	}
	return dest
}

// javaKey hashes what the compiled classes depend on.
func javaKey(t testing.TB, javac, src string, classpath []string) string {
	t.Helper()
	h := sha256.New()
	real, err := filepath.EvalSymlinks(javac)
	must0(t, err)
	io.WriteString(h, real+"\x00"+src+"\x00")
	for _, j := range classpath {
		b, err := os.ReadFile(j)
		if err != nil {
			t.Fatalf("classpath %s: %v: run hack/zookeeper/install.sh", j, err)
		}
		io.WriteString(h, j+"\x00")
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// cacheDir is $ZKFN_CACHE, by default ~/.cache/zookeeper-fn.
func cacheDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("ZKFN_CACHE"); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	must0(t, err)
	return filepath.Join(home, ".cache", "zookeeper-fn")
}
