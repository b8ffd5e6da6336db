//go:build e2e

package observers

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// TestOneVoterWithObserver: one voter and one observer. A single voter
// with standaloneEnabled=true would run standalone and ignore the
// observer, which would then never serve; with observers the function
// renders standaloneEnabled=false, so the voter leads a quorum of one and
// the observer follows it.
func TestOneVoterWithObserver(t *testing.T) {
	if zkrun.InSandbox() {
		oneInSandbox(t)
		return
	}
	out := string(harness.Build(t, filepath.Join(harness.Root(t), "testdata", "e2e-observers", "one")))
	zkrun.ReexecParallel(t, out, zkrun.ParseSet(t, []byte(out), voterSet), zkrun.ParseSet(t, []byte(out), observerSet))
}

func oneInSandbox(t *testing.T) {
	s := enterSuite(t, nil)
	began := time.Now()
	s.startAll(t)
	v := s.voters.Members[0]
	if !zkrun.WaitFor(formationBound, func() bool { return v.Mode() == "leader" }) {
		t.Fatalf("the single voter %s runs as %q, want leader of a quorum of one (standalone ignores observers)", v.Pod, v.Mode())
	}
	s.waitObserving(t, s.observers.Members, formationBound, "one voter")
	t.Logf("one voter leading, one observer serving: %s", time.Since(began).Round(10*time.Millisecond))
	o := s.observers.Members[0]
	s.observers.Write(t, o, "/one", "through-observer")
	if got := s.voters.Read(t, v, "/one"); got != "through-observer" {
		t.Fatalf("a write through the observer reads %q on the voter", got)
	}
}
