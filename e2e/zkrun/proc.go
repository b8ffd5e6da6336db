//go:build e2e

package zkrun

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// Proc is one run of a container.
type Proc struct {
	Name string // the container's name
	Log  string // its log file (every run of the container)

	cmd     *exec.Cmd
	done    chan struct{}
	exit    int
	stopped bool // the test stopped it: an exit is not a crash
}

// Pid is the process id of the container's command (the JVM, for the
// server: every step up to it execs).
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// Running reports whether the container still runs.
func (p *Proc) Running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// Done is closed when the container has exited.
func (p *Proc) Done() <-chan struct{} { return p.done }

// ExitCode is the container's exit status once Done is closed.
func (p *Proc) ExitCode() int { return p.exit }

// Crashed reports whether the container exited without the test
// stopping it.
func (p *Proc) Crashed() bool { return !p.stopped && !p.Running() }

// Signal sends sig to the container's process group (SIGSTOP and SIGCONT
// hang and resume it).
func (p *Proc) Signal(sig syscall.Signal) {
	if sig == syscall.SIGKILL || sig == syscall.SIGTERM {
		p.stopped = true
	}
	if p.Running() {
		_ = syscall.Kill(-p.cmd.Process.Pid, sig)
	}
}

// Kill SIGKILLs the container and reports whether it exited within 15 s.
func (p *Proc) Kill() bool {
	p.Signal(syscall.SIGKILL)
	return p.wait(15 * time.Second)
}

// Stop sends SIGTERM, then SIGKILL after grace, as a pod deletion does,
// and reports whether the container exited.
func (p *Proc) Stop(grace time.Duration) bool {
	p.Signal(syscall.SIGTERM)
	if p.wait(grace) {
		return true
	}
	return p.Kill()
}

func (p *Proc) wait(bound time.Duration) bool {
	select {
	case <-p.done:
		return true
	case <-time.After(bound):
		return false
	}
}

// Tail is the end of the container's log.
func (p *Proc) Tail(lines int) string { return tail(p.Log, lines) }

// CurrentLog is the container's log since this run started.
func (p *Proc) CurrentLog() string {
	b, _ := os.ReadFile(p.Log)
	s := string(b)
	if i := strings.LastIndex(s, "\n===== start "); i >= 0 {
		return s[i:]
	}
	return s
}
