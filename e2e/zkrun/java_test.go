//go:build e2e

package zkrun

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCompileJavaCaches: the second compile of the same source is the
// cached copy (javac does not run again); a changed source gets its own.
func TestCompileJavaCaches(t *testing.T) {
	t.Setenv("ZKFN_CACHE", t.TempDir())
	jar := "/usr/share/java/zookeeper.jar"
	src := "public class Probe { public static void main(String[] a) { System.out.println(org.apache.zookeeper.Version.getFullVersion()); } }\n"
	d1 := CompileJava(t, "Probe", src, jar)
	st1, err := os.Stat(filepath.Join(d1, "Probe.class"))
	must0(t, err)
	d2 := CompileJava(t, "Probe", src, jar)
	st2, err := os.Stat(filepath.Join(d2, "Probe.class"))
	must0(t, err)
	if d1 != d2 || !st1.ModTime().Equal(st2.ModTime()) {
		t.Fatalf("same source compiled again: %s (%s), %s (%s)", d1, st1.ModTime(), d2, st2.ModTime())
	}
	d3 := CompileJava(t, "Probe", strings.Replace(src, "println", "print", 1), jar)
	if d3 == d1 {
		t.Fatalf("a changed source reused the cached classes of the old one: %s", d3)
	}
	out, _, err := Run(time.Minute, nil, nil, "java", "-cp", d3+":"+jar, "Probe")
	if err != nil || !strings.HasPrefix(out, "3.") {
		t.Fatalf("the compiled class does not run: %v\n%s", err, out)
	}
}
