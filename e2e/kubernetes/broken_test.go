//go:build e2e

package kubernetes

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// TestBrokenManifestsFail proves the suite fails on broken output. Each
// case under testdata/e2e-kubernetes/broken is the staging overlay,
// rendered by kustomize and the function, with one defect patched in and
// moved to a namespace of its own. The first group must be rejected by
// the API server itself (server-side dry run, strict field validation);
// the others are accepted by the API server and must be caught by the
// admission of pods or by the suite's own checks against live pods.
func TestBrokenManifestsFail(t *testing.T) {
	t.Parallel()
	c := StartCluster(t, Options{}) // no nodes: nothing here needs to run
	broken := func(t *testing.T, name string) *Manifests {
		return renderCase(t, "broken", name)
	}

	rejected := []struct{ name, want string }{
		{"wrong-selector", "`selector` does not match template `labels`"},
		{"pdb-invalid-selector", "must be specified when `operator` is 'In' or 'NotIn'"},
		{"requests-above-limits", "must be less than or equal to memory limit"},
		{"unknown-field", "readinesProbe: field not declared in schema"},
		{"missing-namespace", `namespaces "zkfn-broken-missing-namespace" not found`},
		{"namespace-dropped", `namespaces "` + noNamespace + `" not found`},
	}
	for _, tc := range rejected {
		t.Run(tc.name, func(t *testing.T) {
			c := c.With(t)
			m := broken(t, tc.name)
			_, err := c.ApplyRendered(m, true)
			if err == nil {
				t.Fatalf("the API server accepted the %s case; want it rejected with %q", tc.name, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("rejected for another reason than %q:\n%v", tc.want, err)
			}
			t.Logf("rejected as expected: %s", firstLine(err.Error(), tc.want))
		})
	}

	t.Run("namespace-dropped-detected-before-apply", func(t *testing.T) {
		msgs := failures(t, func(tb testing.TB) { NewEnsemble(tb, c, broken(t, "namespace-dropped")) })
		if !anyContains(msgs, "without metadata.namespace") {
			t.Errorf("NewEnsemble did not report the StatefulSet without a namespace; it reported %q", msgs)
		}
	})

	t.Run("pod-security", func(t *testing.T) {
		c := c.With(t)
		m := broken(t, "pod-security")
		if _, err := c.ApplyRendered(m, false); err != nil {
			t.Fatalf("apply: %v (Pod Security enforces on pods, so the StatefulSet itself is accepted)", err)
		}
		e := NewEnsemble(t, c, m)
		c.Eventually(60*time.Second, "the StatefulSet controller's pods refused by Pod Security", func() (bool, string) {
			var ev corev1.EventList
			if err := c.API.Get("/api/v1/namespaces/"+e.NS+"/events", &ev); err != nil {
				return false, err.Error()
			}
			for _, x := range ev.Items {
				if x.Reason == "FailedCreate" && strings.Contains(x.Message, "violates PodSecurity") {
					return true, ""
				}
			}
			return false, fmt.Sprintf("%d events, none refusing a pod", len(ev.Items))
		})
		if pods := e.Pods(); len(pods) != 0 {
			t.Errorf("pods %v exist although they violate Pod Security restricted", podNames(pods))
		}
	})

	accepted := []struct {
		name, want string
		check      func(e *Ensemble)
	}{
		{"pdb-wrong-selector", "PodDisruptionBudget zk selects []", func(e *Ensemble) { e.PDB() }},
		{"networkpolicy-wrong-selector", "NetworkPolicy zk selects []", func(e *Ensemble) { e.CheckNetworkPolicies("") }},
	}
	for _, tc := range accepted {
		t.Run(tc.name, func(t *testing.T) {
			c := c.With(t)
			m := broken(t, tc.name)
			if _, err := c.ApplyRendered(m, false); err != nil {
				t.Fatalf("apply: %v (a valid selector that selects nothing is accepted)", err)
			}
			e := NewEnsemble(t, c, m)
			c.Eventually(60*time.Second, "3 member pods created", func() (bool, string) {
				n := len(e.Pods())
				return n == 3, fmt.Sprintf("%d pods", n)
			})
			msgs := failures(t, func(tb testing.TB) { tc.check(NewEnsemble(tb, c, m)) })
			if !anyContains(msgs, tc.want) {
				t.Errorf("the suite's check passed on %s; want a failure containing %q, got %q", tc.name, tc.want, msgs)
			}
			t.Logf("caught as expected: %q", msgs)
		})
	}
}

// recorder is a testing.TB that records failures instead of failing, so a
// test can prove that a check fails on a broken input.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	msgs []string
}

func (r *recorder) add(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, s)
}

func (r *recorder) Helper()                           {}
func (r *recorder) Error(args ...any)                 { r.add(fmt.Sprint(args...)) }
func (r *recorder) Errorf(format string, args ...any) { r.add(fmt.Sprintf(format, args...)) }
func (r *recorder) Fail()                             { r.add("Fail") }
func (r *recorder) FailNow()                          { r.add("FailNow"); runtime.Goexit() }
func (r *recorder) Fatal(args ...any)                 { r.add(fmt.Sprint(args...)); runtime.Goexit() }
func (r *recorder) Fatalf(format string, args ...any) {
	r.add(fmt.Sprintf(format, args...))
	runtime.Goexit()
}
func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.msgs) > 0
}

// failures runs check against a recorder and returns what it reported.
func failures(t testing.TB, check func(tb testing.TB)) []string {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		check(r)
	}()
	<-done
	return r.msgs
}

func anyContains(msgs []string, s string) bool {
	for _, m := range msgs {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

// firstLine returns the line of msg that contains want, or its first line.
func firstLine(msg, want string) string {
	lines := strings.Split(msg, "\n")
	for _, l := range lines {
		if strings.Contains(l, want) {
			return strings.TrimSpace(l)
		}
	}
	return lines[0]
}
