//go:build e2e

package zkrun

import (
	"bytes"
	"flag"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
)

// ReexecParallel is Reexec for a test that runs side by side with the
// package's other parallel tests: it calls t.Parallel, then runs the
// sandbox. Each sandbox has its own network namespace, addresses and
// scratch directory, so nothing is shared but the machine's cores; go
// test runs -parallel (GOMAXPROCS: 2 on CI's 2 cores) at once. Each line
// of the sandboxed run's output (its -v log, diagnostics included) is
// written whole and prefixed with the test's name, so the runs' lines can
// be told apart: grep for "TestX| ".
func ReexecParallel(t *testing.T, input any, rendered ...*Rendered) {
	t.Helper()
	t.Parallel()
	w := &linePrefixer{prefix: []byte(t.Name() + "| ")}
	defer w.flush()
	reexec(t, w, input, rendered)
}

// Parallel is go test's -parallel (default GOMAXPROCS: 2 on CI's 2
// cores), which Reexec hands on to the sandboxed run: how many tests, or
// lanes of ensembles, a suite runs at once. -parallel 1 makes a suite run
// one thing at a time (when `make test` already runs suites side by side).
func Parallel() int {
	if f := flag.Lookup("test.parallel"); f != nil {
		if n, err := strconv.Atoi(f.Value.String()); err == nil && n > 0 {
			return n
		}
	}
	return runtime.GOMAXPROCS(0)
}

// stdoutMu keeps whole lines of parallel sandboxes from interleaving.
var stdoutMu sync.Mutex

// linePrefixer writes complete lines, each prefixed, to this process's
// stdout; flush writes a last unterminated line.
type linePrefixer struct {
	mu     sync.Mutex
	prefix []byte
	buf    []byte
}

func (w *linePrefixer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	var out []byte
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		out = append(append(out, w.prefix...), w.buf[:i+1]...)
		w.buf = w.buf[i+1:]
	}
	if len(out) > 0 {
		stdoutMu.Lock()
		defer stdoutMu.Unlock()
		if _, err := os.Stdout.Write(out); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

func (w *linePrefixer) flush() {
	if len(w.buf) > 0 {
		_, _ = w.Write([]byte("\n"))
	}
}
