//go:build e2e

package zkrun

import (
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// Proc is one run of a container: a harness.Proc (its process group, its
// log file Log, which collects every run of the container) that knows
// whether the test stopped it.
type Proc struct {
	*harness.Proc
	Name string // the container's name

	stopped bool // the test stopped it: an exit is not a crash
}

// Crashed reports whether the container exited without the test
// stopping it.
func (p *Proc) Crashed() bool { return !p.stopped && !p.Running() }

// Signal sends sig to the container's process group (SIGSTOP and SIGCONT
// hang and resume it).
func (p *Proc) Signal(sig syscall.Signal) {
	if sig == syscall.SIGKILL || sig == syscall.SIGTERM {
		p.stopped = true
	}
	p.Proc.Signal(sig)
}

// Kill SIGKILLs the container and reports whether it exited within 15 s.
func (p *Proc) Kill() bool {
	p.Signal(syscall.SIGKILL)
	return p.Wait(15 * time.Second)
}

// Stop sends SIGTERM, then SIGKILL after grace, as a pod deletion does,
// and reports whether the container exited.
func (p *Proc) Stop(grace time.Duration) bool {
	p.stopped = true
	return p.Proc.Stop(grace)
}

// Tail is the end of the container's log.
func (p *Proc) Tail(lines int) string { return harness.Tail(p.Log, lines) }

// CurrentLog is the container's log since this run started.
func (p *Proc) CurrentLog() string {
	b, _ := os.ReadFile(p.Log)
	s := string(b)
	if i := strings.LastIndex(s, "\n===== start "); i >= 0 {
		return s[i:]
	}
	return s
}
