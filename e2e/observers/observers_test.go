//go:build e2e

// Package observers proves spec.observers on real ZooKeeper: the rendered
// output of three voters and two observers (testdata/e2e-observers) runs
// as five Debian ZooKeeper servers with e2e/zkrun, the voters' and the
// observers' StatefulSets each with their rendered start.sh, zoo.cfg and
// probes, resolving each other as the shared headless Service lets them.
// Observers serve reads and forward writes; losing both observers costs
// no write; losing two of the three voters stops writes although both
// observers run, because observers do not vote.
package observers

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// Bounds of the waits: JVM start-up of five members on a 2-core machine.
const (
	formationBound = 240 * time.Second
	rejoinBound    = 120 * time.Second
	lossBound      = 60 * time.Second
)

// The spec's names: StatefulSets zk and zk-observer.
const voterSet, observerSet = "zk", "zk-observer"

func TestObservers(t *testing.T) {
	if zkrun.InSandbox() {
		inSandbox(t)
		return
	}
	out := string(harness.Build(t, filepath.Join(harness.Root(t), "testdata", "e2e-observers")))
	voters, observers := zkrun.ParseSet(t, []byte(out), voterSet), zkrun.ParseSet(t, []byte(out), observerSet)
	checkRendered(t, voters, observers)
	zkrun.ReexecParallel(t, out, voters, observers)
}

// checkRendered checks what the suite relies on before anything runs.
func checkRendered(t *testing.T, voters, observers *zkrun.Rendered) {
	t.Helper()
	if voters.Replicas() != 3 || observers.Replicas() != 2 {
		t.Fatalf("replicas: voters %d, observers %d; want 3 and 2", voters.Replicas(), observers.Replicas())
	}
	if v, o := voters.StatefulSet.Spec.ServiceName, observers.StatefulSet.Spec.ServiceName; v != o {
		t.Fatalf("voters' serviceName %q, observers' %q: one headless Service must give both their DNS names", v, o)
	}
	for i := 0; i < 2; i++ {
		want := observers.PodDNSName(i, "cluster.local") + ":2888:3888:observer;2181"
		if !strings.Contains(voters.ZooCfg.Raw, "="+want+"\n") {
			t.Fatalf("the voters' zoo.cfg has no server line %q:\n%s", want, voters.ZooCfg.Raw)
		}
	}
}

type suite struct {
	voters, observers *zkrun.Ensemble
}

// enterSuite is a sandboxed test's start: the rendered output it was
// given, as the voters' and the observers' ensembles on one DNS.
func enterSuite(t *testing.T, secrets map[string]map[string]string) *suite {
	var out string
	sb := zkrun.Enter(t, &out)
	s := &suite{
		voters:    sb.NewEnsemble(t, zkrun.ParseSet(t, []byte(out), voterSet), zkrun.Options{Name: "voters", Secrets: secrets}),
		observers: sb.NewEnsemble(t, zkrun.ParseSet(t, []byte(out), observerSet), zkrun.Options{Name: "observers", Secrets: secrets}),
	}
	zkrun.ShareDNS(t, s.voters, s.observers)
	return s
}

func inSandbox(t *testing.T) {
	s := enterSuite(t, nil)

	t.Logf("formation: 3 voters and 2 observers serving in %s", s.form(t).Round(10*time.Millisecond))

	s.checkPeerType(t)
	s.readsAndForwardedWrites(t)
	s.observersDown(t)
	s.votersDown(t)
}

// form starts every member at once (both StatefulSets are Parallel) and
// waits until the voters have formed and every observer observes and is
// Ready; it returns how long that took.
func (s *suite) form(t *testing.T) time.Duration {
	t.Helper()
	began := time.Now()
	s.startAll(t)
	s.voters.WaitFormed(t, formationBound, "voters' formation")
	s.waitObserving(t, s.observers.Members, formationBound, "initial start")
	return time.Since(began)
}

func (s *suite) startAll(t *testing.T) {
	for _, m := range append(append([]*zkrun.Member(nil), s.voters.Members...), s.observers.Members...) {
		m.Start(t, zkrun.ServerContainer)
	}
}

// waitObserving waits until every member of ms reports Mode: observer and
// passes its rendered readiness probe, and returns how long it took.
func (s *suite) waitObserving(t *testing.T, ms []*zkrun.Member, bound time.Duration, what string) time.Duration {
	t.Helper()
	began := time.Now()
	for _, m := range ms {
		if !zkrun.WaitFor(bound, func() bool { return m.Mode() == "observer" }) {
			t.Fatalf("%s: %s never reported Mode: observer (srvr mode %q; voters %v)", what, m.Pod, m.Mode(), s.voters.Modes())
		}
		if !zkrun.WaitFor(bound, func() bool { ok, _ := m.Probe(t, zkrun.Readiness); return ok }) {
			_, msg := m.Probe(t, zkrun.Readiness)
			t.Fatalf("%s: %s is an observer but its rendered readiness probe fails: %s", what, m.Pod, msg)
		}
	}
	return time.Since(began)
}

// checkPeerType: each observer's log shows it started with the observers'
// zoo.cfg (peerType=observer) and that ZooKeeper found it agreeing with
// the server list; 3.8 warns and follows the list when they disagree.
// With dynamic membership it runs a working copy on its volume: then the
// conf word must show the observer type (LearnerType ordinal 1).
func (s *suite) checkPeerType(t *testing.T) {
	for _, m := range s.observers.Members {
		log := m.Proc(zkrun.ServerContainer).CurrentLog()
		if !strings.Contains(log, "zoo-observer.cfg") {
			conf, err := m.FourLetter("conf")
			if err != nil || !strings.Contains(conf, "\npeerType=1\n") {
				t.Fatalf("%s did not start with the observers' zoo.cfg (ZOOCFG=zoo-observer.cfg), and its conf shows no peerType=1 (%v):\n%s\n%s", m.Pod, err, conf, tailLines(log, 20))
			}
		}
		if strings.Contains(log, "doesn't match peerType") {
			t.Fatalf("%s: ZooKeeper found peerType disagreeing with the server list:\n%s", m.Pod, tailLines(log, 20))
		}
	}
}

func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// readsAndForwardedWrites: a write through an observer (a client connected
// to it alone) is forwarded to the leader and committed by the voters; a
// write through a voter reaches the observers.
func (s *suite) readsAndForwardedWrites(t *testing.T) {
	o0, o1 := s.observers.Members[0], s.observers.Members[1]
	s.observers.Write(t, o0, "/through-observer", "o0")
	for pod, got := range s.voters.ReadAll(t, s.voters.Members, "/through-observer") {
		if got != "o0" {
			t.Fatalf("a write through observer %s reads %q on voter %s, want o0", o0.Pod, got, pod)
		}
	}
	if got := s.observers.Read(t, o1, "/through-observer"); got != "o0" {
		t.Fatalf("a write through observer %s reads %q on observer %s, want o0", o0.Pod, got, o1.Pod)
	}
	s.voters.Write(t, s.voters.Leader(t), "/through-leader", "v")
	for pod, got := range s.observers.ReadAll(t, s.observers.Members, "/through-leader") {
		if got != "v" {
			t.Fatalf("a write through the leader reads %q on observer %s, want v", got, pod)
		}
	}
	// The followers' count on the leader: observers are not followers.
	mntr, err := s.voters.Leader(t).FourLetter("mntr")
	if err != nil {
		t.Fatalf("mntr on the leader: %v", err)
	}
	for _, want := range []string{"zk_synced_followers\t2", "zk_synced_observers\t2"} {
		if !strings.Contains(mntr, want+"\n") {
			t.Fatalf("the leader's mntr lacks %q: observers must attach as observers, not followers:\n%s", want, mntr)
		}
	}
}

// observersDown: with both observers stopped the voters keep their quorum
// and take writes; restarted observers catch up on what they missed.
func (s *suite) observersDown(t *testing.T) {
	for _, m := range s.observers.Members {
		m.Stop(t)
	}
	s.voters.WaitFormed(t, lossBound, "observers stopped")
	for _, m := range s.voters.Members {
		s.voters.Write(t, m, "/observers-down", "still-writing")
	}
	began := time.Now()
	for _, m := range s.observers.Members {
		m.Start(t, zkrun.ServerContainer)
	}
	s.waitObserving(t, s.observers.Members, rejoinBound, "observers restarted")
	t.Logf("observers back (restart to Mode: observer and Ready): %s", time.Since(began).Round(10*time.Millisecond))
	for pod, got := range s.observers.ReadAll(t, s.observers.Members, "/observers-down") {
		if got != "still-writing" {
			t.Fatalf("restarted observer %s reads %q, want the write made while it was down", pod, got)
		}
	}
}

// votersDown: two of three voters stopped, the observers running: no
// write succeeds, through an observer or the last voter, because the
// observers do not count towards the majority. The voters back, writes
// through an observer work again.
func (s *suite) votersDown(t *testing.T) {
	down := s.voters.Members[1:]
	for _, m := range down {
		m.Stop(t)
	}
	last := s.voters.Members[0]
	for _, m := range append([]*zkrun.Member{last}, s.observers.Members...) {
		if !zkrun.WaitFor(lossBound, func() bool { mode := m.Mode(); return mode != "leader" && mode != "follower" && mode != "observer" }) {
			t.Fatalf("with 2 of 3 voters down, %s still serves as %q: observers must not make a majority", m.Pod, m.Mode())
		}
		if ok, _ := m.Probe(t, zkrun.Readiness); ok {
			t.Fatalf("with 2 of 3 voters down, %s still passes its readiness probe", m.Pod)
		}
	}
	// One write attempt through each at once: each waits out its Wait. The
	// observers' client resolves the voters too (ShareDNS), on the same
	// client port.
	through := append([]*zkrun.Member{last}, s.observers.Members...)
	var jobs []zkrun.ClientJob
	for _, m := range through {
		jobs = append(jobs, zkrun.ClientJob{Call: zkrun.Call{Connect: s.observers.ConnectTo(m), Wait: 8 * time.Second}, Ops: []string{"create:/no-quorum:x"}})
	}
	for i, res := range s.observers.Clients(t, jobs...) {
		if res.State == "SyncConnected" && res.Ops["create /no-quorum"] == "result=ok" {
			t.Fatalf("a write through %s succeeded with 2 of 3 voters down and both observers up: observers count towards the majority", through[i].Pod)
		}
	}
	began := time.Now()
	for _, m := range down {
		m.Start(t, zkrun.ServerContainer)
	}
	s.voters.WaitFormed(t, formationBound, "voters back")
	s.waitObserving(t, s.observers.Members, rejoinBound, "voters back")
	t.Logf("quorum back (2 voters restarted to every observer serving): %s", time.Since(began).Round(10*time.Millisecond))
	s.observers.Write(t, s.observers.Members[1], "/quorum-back", "ok")
	if got := s.voters.Read(t, last, "/quorum-back"); got != "ok" {
		t.Fatalf("after the quorum came back, a write through an observer reads %q on %s", got, last.Pod)
	}
}
