//go:build e2e

package zkrun

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// Run is harness.Run: a command with a bound, stdin from in (nil: none)
// and env (nil: this process's), its combined output and exit code, its
// whole process group killed when the bound passes.
func Run(timeout time.Duration, env []string, in []byte, name string, args ...string) (string, int, error) {
	return harness.Run(timeout, env, in, name, args...)
}

// Must runs a command that has to succeed within 30 s and returns its
// output.
func Must(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, _, err := Run(30*time.Second, nil, nil, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

// WaitFor polls cond every 100 ms until it holds or bound passes, and
// reports whether it held.
func WaitFor(bound time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(bound)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func must0(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// writeFile writes a file with exactly mode (whatever the umask).
func writeFile(t testing.TB, path, content string, mode os.FileMode) {
	t.Helper()
	must0(t, os.WriteFile(path, []byte(content), mode))
	must0(t, os.Chmod(path, mode))
}
