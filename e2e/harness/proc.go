//go:build e2e

package harness

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// Proc is a command started in a process group of its own, its output
// appended to a log file: what the suites' long-running processes (the
// control plane's components, ZooKeeper's containers) have in common.
// Signals go to the whole group, so nothing the command forks outlives
// a stop.
type Proc struct {
	Log  string // the log file
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// StartProc starts cmd in its own process group (cmd's other
// SysProcAttr settings, such as Pdeathsig, are kept) with stdout and
// stderr appended to log, after head when head is not empty.
func StartProc(cmd *exec.Cmd, log, head string) (*Proc, error) {
	f, err := os.OpenFile(log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	if head != "" {
		fmt.Fprint(f, head)
	}
	cmd.Stdout, cmd.Stderr = f, f
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, err
	}
	p := &Proc{Log: log, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	return p, nil
}

// Pid is the command's process id, which is also its process group's.
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// Done is closed when the command has exited.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Running reports whether the command still runs.
func (p *Proc) Running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// Err is how the command ended (Wait's error) once Done is closed.
func (p *Proc) Err() error { return p.err }

// ExitCode is the command's exit status once Done is closed (-1 when a
// signal ended it).
func (p *Proc) ExitCode() int { return p.cmd.ProcessState.ExitCode() }

// Signal sends sig to the process group while the command runs (after
// it has exited, its pid may name another process).
func (p *Proc) Signal(sig syscall.Signal) {
	if p.Running() {
		_ = syscall.Kill(-p.Pid(), sig)
	}
}

// Wait waits up to bound for the command to exit and reports whether
// it did.
func (p *Proc) Wait(bound time.Duration) bool {
	select {
	case <-p.done:
		return true
	case <-time.After(bound):
		return false
	}
}

// Stop sends SIGTERM and waits up to grace, then SIGKILL and waits up
// to 15 s, and reports whether the command exited.
func (p *Proc) Stop(grace time.Duration) bool {
	p.Signal(syscall.SIGTERM)
	if p.Wait(grace) {
		return true
	}
	p.Signal(syscall.SIGKILL)
	return p.Wait(15 * time.Second)
}

// Tail is the last n lines of the file at path, or why there are none.
func Tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(%v)", err)
	}
	all := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(all) > n {
		all = all[len(all)-n:]
	}
	return strings.Join(all, "\n")
}
