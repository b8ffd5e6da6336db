//go:build e2e

package scaling

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// guardCall is start.sh's call of its epoch guard; the broken rendering
// replaces it with a no-op to show what ZooKeeper does without it.
const guardCall = `repair_current_epoch "$data_dir/version-2"`

type epochInput struct{ Good, Broken string }

// TestEpochGuard produces, from a real member's own data, the state a
// member killed while ZooKeeper wrote currentEpoch leaves: data of the
// new epoch on disk, currentEpoch still the old epoch, an empty
// currentEpoch.tmp. Without start.sh's guard ZooKeeper refuses to start;
// with it the member starts with its data and the new epoch; with an
// unreadable acceptedEpoch the guard refuses rather than guesses.
func TestEpochGuard(t *testing.T) {
	if zkrun.InSandbox() {
		epochGuardInSandbox(t)
		return
	}
	good := renderReplicas(t, "static.yaml", 3)
	broken := strings.Replace(good, guardCall, `: "$data_dir/version-2"`, 1)
	if broken == good {
		t.Fatalf("the rendering has no %q to disable", guardCall)
	}
	zkrun.ReexecParallel(t, epochInput{Good: good, Broken: broken}, zkrun.Parse(t, []byte(good)))
}

func epochGuardInSandbox(t *testing.T) {
	var in epochInput
	sb := zkrun.Enter(t, &in)
	good, broken := zkrun.Parse(t, []byte(in.Good)), zkrun.Parse(t, []byte(in.Broken))
	e := sb.NewEnsemble(t, good, zkrun.Options{})
	e.StartAll(t, 4*time.Minute)
	m := e.Members[2]
	if m == e.Leader(t) {
		m = e.Members[1]
	}
	snap := m.HostPath(t, zkrun.ServerContainer, good.ZooCfg.Values["dataDir"]+"/version-2")
	killedWritingEpoch(t, e, m, snap, good, broken)
	killedAfterJoinSnapshot(t, e, m, snap, good, broken)
}

// killedWritingEpoch: data of a new epoch, currentEpoch of the old one,
// an empty currentEpoch.tmp.
func killedWritingEpoch(t *testing.T, e *zkrun.Ensemble, m *zkrun.Member, snap string, good, broken *zkrun.Rendered) {
	oldEpoch := readFile(t, snap, "currentEpoch")
	e.Write(t, m, "/before", "1")
	// A new epoch: the leader restarts, the others elect another.
	l := e.Leader(t)
	l.Stop(t)
	e.WaitFormed(t, 3*time.Minute, "after the leader stopped")
	l.Start(t, zkrun.ServerContainer)
	e.WaitFormed(t, 3*time.Minute, "after the old leader returned")
	e.Write(t, m, "/after", "2")
	zxid := srvrZxid(t, m)
	m.Stop(t)
	cur, acc := readFile(t, snap, "currentEpoch"), readFile(t, snap, "acceptedEpoch")
	if cur != acc || cur == oldEpoch {
		t.Fatalf("%s: currentEpoch %s, acceptedEpoch %s, before the new epoch %s: no new epoch to crash in", m.Pod, cur, acc, oldEpoch)
	}
	t.Logf("%s stopped at zxid %s, epoch %s (before: %s)", m.Pod, zxid, cur, oldEpoch)
	// Killed while writing currentEpoch: the old value, an empty tmp
	// (ZooKeeper's own file owner and mode).
	writeLike(t, snap, "currentEpoch", "currentEpoch", oldEpoch)
	writeLike(t, snap, "currentEpoch", "currentEpoch.tmp", "")
	refusedWithout(t, e, m, broken, "Found null in")

	// With an unreadable acceptedEpoch the guard refuses to guess.
	e.Apply(t, good)
	writeLike(t, snap, "acceptedEpoch", "acceptedEpoch", "")
	log := startToEnd(t, m)
	if !strings.Contains(log, "refusing to guess") || strings.Contains(log, "QuorumPeerMain") {
		t.Fatalf("with an unreadable acceptedEpoch the guard did not refuse before the server started:\n%s", tail(log, 30))
	}
	writeLike(t, snap, "acceptedEpoch", "acceptedEpoch", acc)
	startsWith(t, e, m, snap, good, acc, zxid)
}

// killedAfterJoinSnapshot: a member with an empty volume joins by a
// snapshot of the leader (SNAP), written as snapshot.<zxid>.tmp and
// renamed, then currentEpoch; killed between the two, it has the
// snapshot, perhaps not renamed, currentEpoch 0 and no currentEpoch.tmp.
func killedAfterJoinSnapshot(t *testing.T, e *zkrun.Ensemble, m *zkrun.Member, snap string, good, broken *zkrun.Rendered) {
	m.Stop(t)
	must(t, os.RemoveAll(snap))
	m.Start(t, zkrun.ServerContainer)
	e.WaitFormed(t, 3*time.Minute, "after the empty volume joined")
	zxid := srvrZxid(t, m)
	m.Stop(t)
	acc := readFile(t, snap, "acceptedEpoch")
	var join string
	for _, f := range listDir(t, snap) {
		n, ok := strings.CutPrefix(f, "snapshot.")
		if z, err := strconv.ParseUint(n, 16, 64); ok && err == nil && strconv.FormatUint(z>>32, 10) == acc {
			join = f
		}
	}
	if join == "" || readFile(t, snap, "currentEpoch") != acc {
		t.Fatalf("%s after joining epoch %s: no snapshot of that epoch or another currentEpoch: %v", m.Pod, acc, listDir(t, snap))
	}
	t.Logf("%s joined epoch %s with %s, stopped at zxid %s", m.Pod, acc, join, zxid)
	must(t, os.Rename(filepath.Join(snap, join), filepath.Join(snap, join+".tmp")))
	writeLike(t, snap, "currentEpoch", "currentEpoch", "0")
	refusedWithout(t, e, m, broken, "is older than the last zxid")
	e.Apply(t, good)
	startsWith(t, e, m, snap, good, acc, zxid)
}

// refusedWithout: the rendering without the guard fails to start m with
// ZooKeeper's own error.
func refusedWithout(t *testing.T, e *zkrun.Ensemble, m *zkrun.Member, broken *zkrun.Rendered, want string) {
	e.Apply(t, broken)
	log := startToEnd(t, m)
	if !strings.Contains(log, want) {
		t.Fatalf("without the guard, %s did not refuse with %q:\n%s", m.Pod, want, tail(log, 30))
	}
	t.Logf("without the guard: %s", firstLine(log, want))
}

// startsWith: with the guard m starts from its own data up to zxid and
// the epoch acc, and serves what was written.
func startsWith(t *testing.T, e *zkrun.Ensemble, m *zkrun.Member, snap string, good *zkrun.Rendered, acc, zxid string) {
	began := time.Now()
	m.Start(t, zkrun.ServerContainer)
	e.WaitFormed(t, 3*time.Minute, "after the guard")
	log := m.Proc(zkrun.ServerContainer).CurrentLog()
	if !strings.Contains(log, "wrote acceptedEpoch "+acc) {
		t.Fatalf("the guard did not write currentEpoch.tmp:\n%s", tail(log, 30))
	}
	if !regexp.MustCompile(`highest zxid is 0x` + zxid + `\b`).MatchString(log) {
		t.Errorf("%s did not load its own data up to %s:\n%s", m.Pod, zxid, firstLine(log, "highest zxid"))
	}
	for p, want := range map[string]string{"/before": "1", "/after": "2"} {
		if got := e.Read(t, m, p); got != want {
			t.Errorf("%s through %s: %q, want %q", p, m.Pod, got, want)
		}
	}
	// ZooKeeper's own loader took the value (the member may since have
	// moved on to a newer epoch).
	if !strings.Contains(log, "currentEpoch.tmp found. Setting current epoch to "+acc) {
		t.Errorf("ZooKeeper did not take currentEpoch %s from the tmp:\n%s", acc, firstLine(log, "currentEpoch"))
	}
	if _, err := os.Stat(filepath.Join(snap, "currentEpoch.tmp")); !os.IsNotExist(err) {
		t.Errorf("currentEpoch.tmp is still there: %v", err)
	}
	t.Logf("with the guard: %s; %s; %s; rejoined in %.1f s", firstLine(log, "wrote acceptedEpoch"), firstLine(log, "Setting current epoch"), firstLine(log, "highest zxid"), time.Since(began).Seconds())
}

func listDir(t *testing.T, dir string) []string {
	es, err := os.ReadDir(dir)
	must(t, err)
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// startToEnd starts m's server, which must exit non-zero by itself, and
// returns the run's log.
func startToEnd(t *testing.T, m *zkrun.Member) string {
	t.Helper()
	p := m.Start(t, zkrun.ServerContainer)
	select {
	case <-p.Done():
	case <-time.After(3 * time.Minute):
		m.Kill(t)
		t.Fatalf("%s kept running:\n%s", m.Pod, p.Tail(30))
	}
	if p.ExitCode() == 0 {
		t.Fatalf("%s exited 0:\n%s", m.Pod, p.Tail(30))
	}
	return p.CurrentLog()
}

// srvrZxid is the member's last zxid as srvr reports it (0x...).
func srvrZxid(t *testing.T, m *zkrun.Member) string {
	t.Helper()
	out, err := m.FourLetter("srvr")
	must(t, err)
	z := regexp.MustCompile(`Zxid: 0x([0-9a-f]+)`).FindStringSubmatch(out)
	if z == nil {
		t.Fatalf("srvr of %s has no zxid:\n%s", m.Pod, out)
	}
	return z[1]
}

func readFile(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	must(t, err)
	return strings.TrimSpace(string(b))
}

// writeLike writes name with like's owner and mode, as the server would.
func writeLike(t *testing.T, dir, like, name, content string) {
	t.Helper()
	st, err := os.Stat(filepath.Join(dir, like))
	must(t, err)
	f := filepath.Join(dir, name)
	must(t, os.WriteFile(f, []byte(content), st.Mode().Perm()))
	zkrun.Must(t, "chown", "--reference="+filepath.Join(dir, like), f)
}

func firstLine(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return strings.TrimSpace(l)
		}
	}
	return fmt.Sprintf("(no line with %q)", sub)
}

func tail(s string, n int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(l[max(0, len(l)-n):], "\n")
}
