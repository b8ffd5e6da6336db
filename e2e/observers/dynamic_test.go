//go:build e2e

package observers

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// TestObserversDynamic: observers with dynamic membership. Every member
// starts at once from the rendered output (testdata/e2e-observers/dynamic);
// server 1 founds the ensemble, the other voters add themselves as
// participants and the observers as observers, through reconfig. Then a
// restarted observer comes back from its persisted membership, and the
// preStop hook of a scale-down removes an observer from the membership
// without touching the voters' majority.
func TestObserversDynamic(t *testing.T) {
	if zkrun.Sandboxed(t, dynamicInSandbox) {
		return
	}
	out := string(harness.Build(t, filepath.Join(harness.Root(t), "testdata", "e2e-observers", "dynamic")))
	if !strings.Contains(out, "superuserSecret") && !strings.Contains(out, "ZKFN_SUPERUSER_FILE") {
		t.Fatalf("the rendering has no dynamic membership: the test would prove nothing")
	}
	zkrun.ReexecParallel(t, out, zkrun.ParseSet(t, []byte(out), voterSet), zkrun.ParseSet(t, []byte(out), observerSet))
}

func dynamicInSandbox(t *testing.T) {
	s := enterSuite(t, map[string]map[string]string{"zk-superuser": {"password": "observer-test-superuser"}})
	// membership.sh asks the members by name from bash.
	s.voters.SystemDNS(t)
	t.Logf("formation by reconfig: 3 voters and 2 observers members and Ready in %s", s.form(t).Round(10*time.Millisecond))
	s.checkPeerType(t)
	s.requireMembership(t, []string{"1", "2", "3"}, []string{"101", "102"})
	s.readsAndForwardedWrites(t)

	// A restart (a roll, or the node going away) without the preStop
	// hook: the observer is still listed, so it starts as a member from
	// the membership on its volume and adds nothing.
	o0, o1 := s.observers.Members[0], s.observers.Members[1]
	o0.Stop(t)
	o0.Start(t, zkrun.ServerContainer)
	took := s.waitObserving(t, []*zkrun.Member{o0}, rejoinBound, "observer restarted")
	if log := o0.Proc(zkrun.ServerContainer).CurrentLog(); !strings.Contains(log, "membership at start (join=false") {
		t.Fatalf("%s restarted while listed, but did not start as a member:\n%s", o0.Pod, tailLines(log, 30))
	}
	t.Logf("%s restarted from its persisted membership, observing and Ready in %s", o0.Pod, took.Round(10*time.Millisecond))

	// Scale-down: the StatefulSet controller deletes the highest ordinal;
	// its preStop hook removes it from the membership before it stops.
	began := time.Now()
	if out, code, err := o1.Exec(t, 2*time.Minute, "bash", "/conf/stop.sh"); err != nil || code != 0 {
		t.Fatalf("%s: the preStop hook failed (exit %d, %v):\n%s", o1.Pod, code, err, out)
	}
	o1.Stop(t)
	s.requireMembership(t, []string{"1", "2", "3"}, []string{"101"})
	t.Logf("%s removed by its preStop hook and stopped in %s", o1.Pod, time.Since(began).Round(10*time.Millisecond))
	s.voters.WaitFormed(t, lossBound, "an observer removed")
	s.observers.Write(t, o0, "/after-removal", "o0")
	for pod, got := range s.voters.ReadAll(t, s.voters.Members, "/after-removal") {
		if got != "o0" {
			t.Fatalf("a write through %s after the removal reads %q on %s, want o0", o0.Pod, got, pod)
		}
	}
}

// requireMembership: every running member serves the membership with
// exactly these voters and observers (ids, sorted as strings). The conf
// word's server lines are read with zkrun's zoo.cfg parser.
func (s *suite) requireMembership(t *testing.T, voters, observers []string) {
	t.Helper()
	var last string
	ok := zkrun.WaitFor(rejoinBound, func() bool {
		for _, m := range append(s.voters.Running(), s.observers.Running()...) {
			conf, err := m.FourLetter("conf")
			if err != nil {
				last = m.Pod + ": " + err.Error()
				return false
			}
			var lines []string
			for _, l := range strings.Split(conf, "\n") {
				if strings.HasPrefix(l, "server.") {
					lines = append(lines, l)
				}
			}
			members, err := zkrun.ParseZooCfg(strings.Join(lines, "\n"))
			if err != nil {
				last = m.Pod + ": " + err.Error()
				return false
			}
			got := map[string][]string{}
			for _, sv := range members.Servers {
				got[sv.Role] = append(got[sv.Role], strconv.Itoa(sv.ID))
			}
			slices.Sort(got["participant"])
			slices.Sort(got["observer"])
			if !slices.Equal(got["participant"], voters) || !slices.Equal(got["observer"], observers) {
				last = m.Pod + " serves " + conf
				return false
			}
		}
		return true
	})
	if !ok {
		t.Fatalf("want voters %v and observers %v in every member's membership; %s", voters, observers, last)
	}
}
