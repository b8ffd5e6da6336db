//go:build e2e

package zkrun

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
)

// FourLetter sends a four-letter word to the member's client port and
// returns the reply.
func (m *Member) FourLetter(word string) (string, error) {
	addr := net.JoinHostPort(m.IP, fmt.Sprint(m.e.Port))
	var c net.Conn
	var err error
	if m.e.FourLetterTLS != nil {
		// The client port speaks TLS only: the 4lw goes over TLS too.
		cfg := m.e.FourLetterTLS.Clone()
		cfg.ServerName = m.FQDN
		c, err = tls.DialWithDialer(&net.Dialer{Timeout: 2 * time.Second}, "tcp", addr, cfg)
	} else {
		c, err = net.DialTimeout("tcp", addr, 2*time.Second)
	}
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte(word)); err != nil {
		return "", err
	}
	var b bytes.Buffer
	_, err = b.ReadFrom(c)
	if err != nil && !errors.Is(err, syscall.ECONNRESET) {
		return b.String(), err
	}
	return b.String(), nil
}

// Mode is the Mode: line of the member's srvr ("leader", "follower",
// "standalone", "read-only"), or "" when its server does not run or
// answer.
func (m *Member) Mode() string {
	if !m.Running() {
		return ""
	}
	out, err := m.FourLetter("srvr")
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(l, "Mode: "); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// Modes maps every pod to its Mode, or "down".
func (e *Ensemble) Modes() map[string]string {
	modes := map[string]string{}
	for _, m := range e.Members {
		if m.Running() {
			modes[m.Pod] = m.Mode()
		} else {
			modes[m.Pod] = "down"
		}
	}
	return modes
}

// Formed reports whether the running members serve as one ensemble:
// exactly one leader and the rest followers (a single member:
// standalone).
func (e *Ensemble) Formed() bool {
	running := e.Running()
	if len(running) == 0 {
		return false
	}
	leaders, followers := 0, 0
	for _, m := range running {
		switch m.Mode() {
		case "leader":
			leaders++
		case "follower":
			followers++
		case "standalone":
			return len(e.Members) == 1
		}
	}
	return leaders == 1 && followers == len(running)-1
}

// Leader is the member that leads.
func (e *Ensemble) Leader(t testing.TB) *Member {
	t.Helper()
	for _, m := range e.Members {
		if m.Mode() == "leader" {
			return m
		}
	}
	t.Fatalf("no leader; modes: %v", e.Modes())
	return nil
}

// WaitFormed waits until the running members form an ensemble (Formed)
// and returns how long that took; it fails the test when bound passes or
// a server exits that the test did not stop. what names the step.
func (e *Ensemble) WaitFormed(t testing.TB, bound time.Duration, what string) time.Duration {
	t.Helper()
	began := time.Now()
	var crashed *Member
	ok := WaitFor(bound, func() bool {
		for _, m := range e.Members {
			if p := m.procs[ServerContainer]; p != nil && p.Crashed() {
				crashed = m
				return true
			}
		}
		return e.Formed()
	})
	if crashed != nil {
		t.Fatalf("%s: %s exited with status %d; modes: %v", what, crashed.Pod, crashed.procs[ServerContainer].ExitCode(), e.Modes())
	}
	if !ok {
		t.Fatalf("%s: no ensemble within %s; modes: %v", what, bound, e.Modes())
	}
	return time.Since(began)
}

// StartAll starts every member's server as the StatefulSet controller
// would (all at once for podManagementPolicy Parallel; else one by one,
// each after the previous passes its rendered readiness probe, which
// deadlocks an ensemble whose readiness needs a quorum: reported as
// such), waits for formation within bound and returns how long it took.
func (e *Ensemble) StartAll(t testing.TB, bound time.Duration) time.Duration {
	t.Helper()
	began := time.Now()
	ordered := e.R.StatefulSet.Spec.PodManagementPolicy != appsv1.ParallelPodManagement
	for i, m := range e.Members {
		m.Start(t, ServerContainer)
		if !ordered || i == len(e.Members)-1 {
			continue
		}
		if !WaitFor(bound, func() bool { ok, _ := m.Probe(t, Readiness); return ok }) {
			t.Fatalf("podManagementPolicy %q: %s never became Ready, so the StatefulSet controller would never start %s; "+
				"an ensemble whose readiness needs a quorum needs podManagementPolicy: Parallel",
				e.R.StatefulSet.Spec.PodManagementPolicy, m.Pod, e.Members[i+1].Pod)
		}
	}
	e.WaitFormed(t, bound, "initial formation")
	return time.Since(began)
}
