//go:build e2e

package zookeeper

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// scenario is every check on one ensemble, in order; each step leaves the
// ensemble whole for the next.
func scenario(t *testing.T, e *ensemble) {
	e.checkServerLines(t)
	e.startAll(t)
	e.startupProbes(t, e.Members)
	e.checkIdentity(t)
	e.checkLeaderMntr(t)
	first := e.Members[0]
	e.checkWhitelist(t, first)
	e.checkAutopurge(t, first)
	e.checkAdminServer(t, first)
	e.probesAll(t, e.Members, true, true)

	// Replication: written through one member, read through every other.
	path := "/zkfn-e2e-" + e.name
	e.Write(t, first, path, "v1")
	for pod, got := range e.ReadAll(t, e.Members, path) {
		if got != "v1" {
			t.Fatalf("%s: read %q through %s, want v1", path, got, pod)
		}
	}

	// With a small snapCount (the seven spec), many snapshots pile up;
	// the restart below then shows autopurge at work.
	purge := e.cfg["snapCount"] != ""
	if purge {
		e.fillForPurge(t, first)
	}

	if len(e.Members) == 1 {
		// A single member: a crash and a restart on the same data volume
		// keep the data.
		m := first
		m.Kill(t)
		m.Start(t, zkrun.ServerContainer)
		e.times.rejoin = e.WaitFormed(t, rejoinBound, "restart of the only member")
		e.checkIdentity(t)
		if got := e.Read(t, m, path); got != "v1" {
			t.Fatalf("after a restart on its data volume %s has %q at %s, want v1", m.Pod, got, path)
		}
		e.probesAll(t, e.Members, true, true)
		return
	}

	// SIGKILL the leader: a new leader; the data stays readable and writable.
	old := e.Leader(t)
	old.Kill(t)
	e.times.reelection = e.WaitFormed(t, electionBound, "re-election after SIGKILL of the leader "+old.Pod)
	t.Logf("%s: new leader %s %s after SIGKILL of %s", e.name, e.Leader(t).Pod, e.times.reelection.Round(10*time.Millisecond), old.Pod)
	survivors := e.Running()
	if got := e.Read(t, survivors[0], path); got != "v1" {
		t.Fatalf("after the leader's death %s reads %q at %s, want v1", survivors[0].Pod, got, path)
	}
	e.Write(t, survivors[len(survivors)-1], path+"-during", "written-while-"+old.Pod+"-was-down")

	// Restart it on its old data volume: it rejoins and has both znodes.
	snapsBefore := e.snapshots(t, old)
	old.Start(t, zkrun.ServerContainer)
	e.times.rejoin = e.WaitFormed(t, rejoinBound, "rejoin of "+old.Pod)
	t.Logf("%s: %s rejoined %s after restart", e.name, old.Pod, e.times.rejoin.Round(10*time.Millisecond))
	if got := e.Read(t, old, path); got != "v1" {
		t.Fatalf("%s after its restart reads %q at %s, want v1", old.Pod, got, path)
	}
	if got := e.Read(t, old, path+"-during"); got != "written-while-"+old.Pod+"-was-down" {
		t.Fatalf("%s after its restart reads %q at %s-during", old.Pod, got, path)
	}
	e.checkIdentity(t)
	if purge {
		e.checkPurged(t, old, snapsBefore)
	}

	// A member whose volume holds another member's myid refuses to start.
	e.wrongVolume(t)

	// Majority down: the survivors stop serving writes; with read-only
	// mode they serve reads to read-only clients.
	e.majorityDown(t, path)
}

// wrongVolume starts the last pod on a copy of pod 0's data volume (a
// claim bound to the wrong volume): the rendered start.sh must refuse,
// exit non-zero and name the claim, and the server must never serve.
func (e *ensemble) wrongVolume(t *testing.T) {
	victim, donor := e.Members[len(e.Members)-1], e.Members[0]
	victim.Stop(t)
	dataDir := filepath.Clean(e.cfg["dataDir"])
	var volume string
	for _, vm := range e.container(t).VolumeMounts {
		if mp := filepath.Clean(vm.MountPath); dataDir == mp || strings.HasPrefix(dataDir, mp+"/") {
			volume = vm.Name
		}
	}
	claim := filepath.Base(victim.VolumeDir(t, volume)) // <template>-<pod>: the PVC's name
	copyDir := filepath.Join(e.Dir, "wrong-volume")
	_ = os.RemoveAll(copyDir)
	if out, _, err := zkrun.Run(time.Minute, nil, nil, "cp", "-a", donor.VolumeDir(t, volume), copyDir); err != nil {
		t.Fatalf("copy %s's data: %v\n%s", donor.Pod, err, out)
	}
	victim.SetVolume(volume, copyDir)
	p := victim.Start(t, zkrun.ServerContainer)
	select {
	case <-p.Done():
	case <-time.After(startFailBound):
		t.Fatalf("%s started on %s's data volume (myid %s) and did not exit within %s; mode %q", victim.Pod, donor.Pod, e.myid(t, donor), startFailBound, victim.Mode())
	}
	if p.ExitCode() == 0 {
		t.Fatalf("%s on %s's data volume exited 0, want non-zero", victim.Pod, donor.Pod)
	}
	if tail := p.Tail(20); !strings.Contains(tail, claim) {
		t.Errorf("%s refused the wrong volume but did not name claim %s:\n%s", victim.Pod, claim, tail)
	}
	victim.SetVolume(volume, "")
	victim.Start(t, zkrun.ServerContainer)
	e.WaitFormed(t, rejoinBound, "rejoin of "+victim.Pod+" on its own volume")
}

// majorityDown stops a majority (the leader among them), checks the
// survivors, the probes and the read-only behaviour, then brings the
// quorum back and checks writes work again.
func (e *ensemble) majorityDown(t *testing.T, path string) {
	n := len(e.Members)
	victims := []*zkrun.Member{e.Leader(t)}
	for _, m := range e.Members {
		if len(victims) == n/2+1 {
			break
		}
		if m != victims[0] {
			victims = append(victims, m)
		}
	}
	for _, m := range victims {
		m.Kill(t)
	}
	survivors := e.Running()
	t.Logf("%s: killed %s; survivors %s", e.name, pods(victims), pods(survivors))

	for _, m := range survivors {
		want := ""
		if e.readOnlyMode {
			want = "read-only"
		}
		var got string
		if !zkrun.WaitFor(readOnlyBound, func() bool { got = m.Mode(); return got == want }) {
			t.Fatalf("%s out of quorum: srvr mode %q, want %q (read-only mode on: %v)", m.Pod, got, want, e.readOnlyMode)
		}
	}
	// Out of quorum: not ready (no traffic from the client Service), but
	// alive (a restart cannot bring a quorum back).
	e.probesAll(t, survivors, false, true)

	s := survivors[0]
	// Both clients at once: each waits out its Wait when it gets nothing.
	res := e.Clients(t,
		zkrun.ClientJob{Call: zkrun.Call{Connect: e.ConnectTo(s), CanBeReadOnly: true, Wait: 15 * time.Second}, Ops: []string{"get:" + path, "create:" + path + "-ro:x"}},
		zkrun.ClientJob{Call: zkrun.Call{Connect: e.ConnectTo(s), Wait: 8 * time.Second}, Ops: []string{"get:" + path}})
	ro, rw := res[0], res[1]
	if e.readOnlyMode {
		if ro.State != "ConnectedReadOnly" {
			t.Fatalf("read-only client through %s (mode read-only): state %s, want ConnectedReadOnly; "+
				"ZooKeeper admits read-only sessions only with localSessionsEnabled=true and localSessionsUpgradingEnabled=true (rendered: %q, %q)\n%s",
				s.Pod, ro.State, e.cfg["localSessionsEnabled"], e.cfg["localSessionsUpgradingEnabled"], ro.Out)
		}
		if got := ro.Ops["get "+path]; got != "result=ok data=v1" {
			t.Errorf("read-only read of %s through %s: %s, want data v1", path, s.Pod, got)
		}
		if got := ro.Ops["create "+path+"-ro"]; got != "result=error code=NOTREADONLY" {
			t.Errorf("write through read-only %s: %s, want NOTREADONLY", s.Pod, got)
		}
	} else if ro.State != "NotConnected" {
		t.Errorf("read-only mode is off, yet a client reached %s out of quorum: %s\n%s", s.Pod, ro.State, ro.Out)
	}
	// A client that does not accept read-only sessions gets nothing.
	if rw.State != "NotConnected" {
		t.Errorf("a read-write client reached %s out of quorum: %s\n%s", s.Pod, rw.State, rw.Out)
	}

	// Quorum back: the victims restart on their volumes; writes work.
	began := time.Now()
	for _, m := range victims {
		m.Start(t, zkrun.ServerContainer)
	}
	e.WaitFormed(t, formationBound, "quorum back")
	e.times.quorumBack = time.Since(began)
	e.checkLeaderMntr(t)
	e.Write(t, s, path+"-after", "quorum-back")
	for pod, got := range e.ReadAll(t, e.Members, path+"-after") {
		if got != "quorum-back" {
			t.Fatalf("after the quorum came back %s reads %q", pod, got)
		}
	}
	e.probesAll(t, e.Members, true, true)

	// Liveness is about the process: a hung server (SIGSTOP) fails it.
	m := e.Members[0]
	m.Proc(zkrun.ServerContainer).Signal(syscall.SIGSTOP)
	ok, out := m.Probe(t, zkrun.Liveness)
	m.Proc(zkrun.ServerContainer).Signal(syscall.SIGCONT)
	if ok {
		t.Errorf("%s hung (SIGSTOP): liveness probe succeeded, want failure\n%s", m.Pod, out)
	}
	if !zkrun.WaitFor(30*time.Second, func() bool { ok, _ := m.Probe(t, zkrun.Liveness); return ok }) {
		t.Errorf("%s resumed (SIGCONT): liveness probe still fails", m.Pod)
	}
}
