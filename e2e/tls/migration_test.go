//go:build e2e

package tls

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// migrationSteps are ZooKeeper's documented rolling upgrade of the
// quorum to TLS (admin guide, "Upgrading existing non-TLS cluster with no
// downtime"), one rendering each; every step rolls the members one by one.
var migrationSteps = []string{"migration-0-plain.yaml", "migration-1-unified.yaml", "migration-2-tls-unified.yaml", "migration-3-tls.yaml"}

// migrationCase is what the host hands the sandboxed run.
type migrationCase struct {
	Outputs []string
	PKI     PKI
}

func TestQuorumMigration(t *testing.T) {
	if zkrun.InSandbox() {
		migrationInSandbox(t)
		return
	}
	c, rs := renderSteps(t, migrationSteps)
	c.PKI = newPKI(t, append(memberNames(rs[0]), "localhost"))
	zkrun.ReexecParallel(t, c, rs...)
}

// renderSteps renders each step's spec, for the sandbox and parsed.
func renderSteps(t *testing.T, steps []string) (migrationCase, []*zkrun.Rendered) {
	var c migrationCase
	var rs []*zkrun.Rendered
	for _, s := range steps {
		out := render(t, s)
		c.Outputs = append(c.Outputs, string(out))
		rs = append(rs, zkrun.Parse(t, out))
	}
	return c, rs
}

// migrationInSandbox runs the TLS steps on the plaintext ensemble and
// checks that the quorum ends on TLS with every write readable.
func migrationInSandbox(t *testing.T) {
	var c migrationCase
	sb := zkrun.Enter(t, &c)
	e := sb.NewEnsemble(t, zkrun.Parse(t, []byte(c.Outputs[0])), zkrun.Options{Secrets: secrets(c.PKI)})
	written := rollMigration(t, e, c.Outputs, migrationSteps)
	checkQuorumTLS(t, e, "Creating TLS-only quorum server socket")
	checkAllWritten(t, e, written)
}

// rollMigration starts the ensemble of outputs[0], then applies each
// later rendering and rolls the members (see roll). It returns the paths
// written.
func rollMigration(t *testing.T, e *zkrun.Ensemble, outputs, steps []string) []string {
	t.Helper()
	e.StartAll(t, 4*time.Minute)
	w := &writer{e: e}
	w.write(t, e.Members[0])
	began := time.Now()
	for step := 1; step < len(outputs); step++ {
		e.Apply(t, zkrun.Parse(t, []byte(outputs[step])))
		w.roll(t, fmt.Sprintf("step %d (%s)", step, steps[step]))
	}
	t.Logf("migration %s -> %s: %s for %d steps, %d writes, none failed", steps[0], steps[len(steps)-1],
		time.Since(began).Round(100*time.Millisecond), len(steps)-1, len(w.written))
	return w.written
}

// writer writes numbered paths through chosen members and keeps them.
type writer struct {
	e       *zkrun.Ensemble
	written []string
}

func (w *writer) write(t *testing.T, through *zkrun.Member) {
	t.Helper()
	p := fmt.Sprintf("/migration-%03d", len(w.written))
	writeThrough(t, w.e, through, p)
	w.written = append(w.written, p)
}

// roll restarts the members one at a time, as the StatefulSet's rolling
// update does (each reads its mounted Secrets anew at start). While a member
// is down, a write goes through another member (the other two keep the
// quorum across the mixed configuration); once it rejoins, another.
func (w *writer) roll(t *testing.T, step string) {
	t.Helper()
	began := time.Now()
	for i, m := range w.e.Members {
		m.Stop(t)
		w.write(t, w.e.Members[(i+1)%len(w.e.Members)])
		m.Start(t, zkrun.ServerContainer)
		w.e.WaitFormed(t, 4*time.Minute, fmt.Sprintf("%s, %s rejoining", step, m.Pod))
		w.write(t, m)
	}
	t.Logf("%s: rolled %d members in %s", step, len(w.e.Members), time.Since(began).Round(100*time.Millisecond))
}

// writeThrough writes path through member m. A member that has just
// rejoined may, under heavy load, leave a new session unanswered (seen
// once: 30 s at migration step 2). Nothing was acknowledged then, so
// nothing can be lost: ZooKeeper's clients move to another server when a
// session is not established, and so does this one, once, through every
// running member. Only an acknowledged write counts; checkAllWritten later
// reads every one back through every member, m included.
func writeThrough(t *testing.T, e *zkrun.Ensemble, m *zkrun.Member, path string) {
	t.Helper()
	res := e.Client(t, zkrun.Call{Connect: e.ConnectTo(m)}, "create:"+path+":"+m.Pod)
	if res.State == "SyncConnected" && res.Ops["create "+path] == "result=ok" {
		return
	}
	t.Logf("write %s through %s: state %s, create %q; not acknowledged, retrying through any running member (modes %v)",
		path, m.Pod, res.State, res.Ops["create "+path], e.Modes())
	// create, or set if the first attempt was applied after all.
	res = e.Client(t, zkrun.Call{Connect: e.ConnectTo(e.Running()...)}, "create:"+path+":"+m.Pod, "set:"+path+":"+m.Pod)
	if res.State != "SyncConnected" || res.Ops["set "+path] != "result=ok" {
		t.Fatalf("write %s: no running member took it: state %s, set %q\n%s", path, res.State, res.Ops["set "+path], res.Out)
	}
}

// checkAllWritten reads every path through every member in one client run
// (one session a member, after a sync).
func checkAllWritten(t *testing.T, e *zkrun.Ensemble, paths []string) {
	t.Helper()
	var ops []string
	for i, m := range e.Members {
		if i > 0 {
			ops = append(ops, "connect:"+e.ConnectTo(m))
		}
		ops = append(ops, "sync:/")
		for _, p := range paths {
			ops = append(ops, "get:"+p)
		}
	}
	res := e.Client(t, zkrun.Call{Connect: e.ConnectTo(e.Members[0])}, ops...)
	if len(res.Sessions) != len(e.Members) {
		t.Fatalf("read back: %d sessions, want %d\n%s", len(res.Sessions), len(e.Members), res.Out)
	}
	for i, s := range res.Sessions {
		for _, p := range paths {
			if r := s.Ops["get "+p]; !strings.HasPrefix(r, "result=ok data=") {
				t.Fatalf("%s through %s after the migration: %s: an acknowledged write was lost", p, e.Members[i].Pod, r)
			}
		}
	}
	t.Logf("all %d writes read back through each of %d members", len(paths), len(e.Members))
}
