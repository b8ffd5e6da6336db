//go:build e2e

package zkrun

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Run runs a command with a bound, stdin from in (nil: none) and env
// (nil: this process's), and returns its combined output and exit code
// (-1 when it did not exit). It kills the command's whole process group
// when the bound passes, so a hung JVM cannot outlive it.
func Run(timeout time.Duration, env []string, in []byte, name string, args ...string) (string, int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 2 * time.Second
	if env != nil {
		cmd.Env = env
	}
	if in != nil {
		cmd.Stdin = bytes.NewReader(in)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := -1
	if cmd.ProcessState != nil {
		code = cmd.ProcessState.ExitCode()
	}
	if ctx.Err() != nil {
		return out.String(), code, fmt.Errorf("%s %s: timed out after %s", name, strings.Join(args, " "), timeout)
	}
	return out.String(), code, err
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
