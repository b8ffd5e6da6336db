//go:build e2e

package kubernetes

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// process is one component of the control plane, run in its own process
// group (harness.Proc) so that stopping it also stops anything it started.
type process struct {
	*harness.Proc
	name string
}

// startProcess starts bin with args, logging to dir/<name>.log, and
// registers a cleanup that stops it (SIGTERM to the group, SIGKILL after
// a bounded wait). Pdeathsig kills it too if the test binary dies first.
func startProcess(t testing.TB, dir, name, bin string, args, env []string) *process {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	hp, err := harness.StartProc(cmd, filepath.Join(dir, name+".log"), "")
	if err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	p := &process{Proc: hp, name: name}
	t.Cleanup(func() { p.stop(t) })
	return p
}

// exited reports whether the process has ended.
func (p *process) exited() bool { return !p.Running() }

func (p *process) stop(t testing.TB) {
	if p.Running() {
		if !p.Stop(10 * time.Second) {
			t.Errorf("%s (pid %d) survived SIGTERM and SIGKILL", p.name, p.Pid())
		}
	} else {
		// The leader is gone; make sure nothing it forked lingers.
		_ = syscall.Kill(-p.Pid(), syscall.SIGKILL)
	}
	if t.Failed() {
		t.Logf("--- last lines of %s (%s) ---\n%s", p.name, p.Log, harness.Tail(p.Log, 30))
	}
}

// describeExit says how a process ended, with the end of its log.
func (p *process) describeExit() string {
	return fmt.Sprintf("%s exited (%v); last lines of its log:\n%s", p.name, p.Err(), harness.Tail(p.Log, 30))
}

// freePorts reserves n distinct free TCP ports on 127.0.0.1. They are
// released before the components bind them, which leaves a small window;
// a clash shows up as a component failing to start, with its log.
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports
}
