//go:build e2e

package zkrun

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// ProbeKind names one of the server container's probes.
type ProbeKind string

// The probes of the zookeeper container.
const (
	Startup   ProbeKind = "startup"
	Readiness ProbeKind = "readiness"
	Liveness  ProbeKind = "liveness"
)

// Probe runs the server container's rendered exec probe in the member's
// namespaces as the container's user, with its environment, bounded by
// the probe's timeoutSeconds, as the kubelet does. It returns whether the
// probe succeeded and the command's output. A missing or non-exec probe
// fails the test.
func (m *Member) Probe(t testing.TB, kind ProbeKind) (bool, string) {
	t.Helper()
	c := m.e.R.Container(t, ServerContainer)
	p := map[ProbeKind]*corev1.Probe{Startup: c.StartupProbe, Readiness: c.ReadinessProbe, Liveness: c.LivenessProbe}[kind]
	if p == nil {
		t.Fatalf("the zookeeper container has no %s probe", kind)
	}
	if p.Exec == nil || len(p.Exec.Command) == 0 {
		t.Fatalf("the %s probe is not an exec probe; zkrun runs exec probes", kind)
	}
	timeout := time.Second
	if p.TimeoutSeconds > 0 {
		timeout = time.Duration(p.TimeoutSeconds) * time.Second
	}
	out, code, err := m.Exec(t, timeout, p.Exec.Command...)
	if err != nil && code < 0 {
		return false, fmt.Sprintf("%v\n%s", err, out)
	}
	return code == 0, out
}

// Exec runs a command inside the running server container, as `kubectl
// exec` would: its namespaces, root and working directory, its user and
// environment. It returns the output and exit code (-1 when the command
// did not run or did not exit within bound).
func (m *Member) Exec(t testing.TB, bound time.Duration, command ...string) (string, int, error) {
	t.Helper()
	p := m.procs[ServerContainer]
	if p == nil || !p.Running() {
		return "", -1, fmt.Errorf("exec in %s: its server is not running", m.Pod)
	}
	// --root and --wd without a value: the container's own.
	args := []string{"--target", strconv.Itoa(p.Pid()), "--net", "--mount", "--uts", "--root", "--wd", "--", "setpriv"}
	args = append(args, m.e.user(m.e.R.Container(t, ServerContainer)).setpriv()...)
	args = append(args, "--")
	args = append(args, command...)
	return Run(bound, m.Env(t, ServerContainer), nil, "nsenter", args...)
}
