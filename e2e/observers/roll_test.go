//go:build e2e

package observers

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// rollInput is what the roll test hands its sandboxed copy.
type rollInput struct {
	Before, After string // the rendering without and with observers
}

// TestAddingObserversRollsVotersSafely: with static membership, adding
// observers changes the voters' zoo.cfg (the :observer lines) and so
// rolls the voters. The voter set and its majority stay the same on both
// sides of the roll, so a mixed ensemble of old and new voters still
// agrees on one majority. The test runs three voters from the rendering
// without observers, writes, applies the rendering with observers the way
// the two StatefulSet controllers would (observers start at once; voters
// roll highest ordinal first, each waiting for its rendered readiness
// probe), writes through the running voters while each one restarts,
// polls srvr on all five members for two leaders, and finally reads every
// acknowledged write on all five members.
func TestAddingObserversRollsVotersSafely(t *testing.T) {
	if zkrun.InSandbox() {
		rollInSandbox(t)
		return
	}
	dir := filepath.Join(harness.Root(t), "testdata", "e2e-observers")
	in := rollInput{Before: string(harness.Build(t, filepath.Join(dir, "before"))), After: string(harness.Build(t, dir))}
	before, after := zkrun.Parse(t, []byte(in.Before)), zkrun.ParseSet(t, []byte(in.After), voterSet)
	if before.ZooCfg.Raw == after.ZooCfg.Raw {
		t.Fatalf("adding observers left the voters' zoo.cfg unchanged: the suite proves nothing")
	}
	zkrun.Reexec(t, in, before, after, zkrun.ParseSet(t, []byte(in.After), observerSet))
}

func rollInSandbox(t *testing.T) {
	var in rollInput
	sb := zkrun.Enter(t, &in)
	voters := sb.NewEnsemble(t, zkrun.Parse(t, []byte(in.Before)), zkrun.Options{Name: "voters"})
	voters.StartAll(t, formationBound)
	acked := []string{"/before"}
	voters.Write(t, voters.Members[0], "/before", "data")

	began := time.Now()
	voters.Apply(t, zkrun.ParseSet(t, []byte(in.After), voterSet))
	observers := sb.NewEnsemble(t, zkrun.ParseSet(t, []byte(in.After), observerSet), zkrun.Options{Name: "observers"})
	zkrun.ShareDNS(t, voters, observers)
	mon := watchLeaders(append(append([]*zkrun.Member(nil), voters.Members...), observers.Members...))
	defer mon.stop()
	for _, m := range observers.Members {
		m.Start(t, zkrun.ServerContainer)
	}
	attempts := 0
	for i := len(voters.Members) - 1; i >= 0; i-- {
		m := voters.Members[i]
		m.Stop(t)
		m.Start(t, zkrun.ServerContainer)
		for n := 0; ; n++ {
			if ok, _ := m.Probe(t, zkrun.Readiness); ok && n > 0 {
				break
			}
			if time.Since(began) > 2*formationBound {
				t.Fatalf("%s not Ready again after the roll began %s ago; modes %v", m.Pod, time.Since(began), voters.Modes())
			}
			path := fmt.Sprintf("/roll-%d-%d", i, n)
			attempts++
			if write(t, voters, others(voters, m), path) {
				acked = append(acked, path)
			}
		}
	}
	voters.WaitFormed(t, formationBound, "after the roll")
	s := &suite{voters: voters, observers: observers}
	s.waitObserving(t, observers.Members, formationBound, "after the roll")
	t.Logf("roll with observers added: %s; %d of %d writes acknowledged during it", time.Since(began).Round(10*time.Millisecond), len(acked)-1, attempts)
	mon.stop()
	switch n := mon.maxLeaders(); {
	case n > 1:
		t.Fatalf("two leaders at once during the roll: %v", mon.seen())
	case n == 0:
		t.Fatalf("the srvr poll never saw a leader: it cannot have seen two")
	}
	for _, e := range []*zkrun.Ensemble{voters, observers} {
		for _, m := range e.Members {
			checkAll(t, e, m, acked)
		}
	}
}

// checkAll reads every acknowledged path through member m alone, after a
// sync, in one client run.
func checkAll(t *testing.T, e *zkrun.Ensemble, m *zkrun.Member, paths []string) {
	ops := []string{"sync:/"}
	for _, p := range paths {
		ops = append(ops, "get:"+p)
	}
	res := e.Client(t, zkrun.Call{Connect: e.ConnectTo(m)}, ops...)
	if res.State != "SyncConnected" {
		t.Fatalf("read through %s: state %s\n%s", m.Pod, res.State, res.Out)
	}
	for _, p := range paths {
		if got := res.Ops["get "+p]; !strings.HasPrefix(got, "result=ok") {
			t.Fatalf("acknowledged write %s on %s after the roll: %s", p, m.Pod, got)
		}
	}
}

// write creates path through the given members, and reports whether the
// ensemble acknowledged it (a write may fail while a member restarts).
func write(t *testing.T, e *zkrun.Ensemble, through []*zkrun.Member, path string) bool {
	res := e.Client(t, zkrun.Call{Connect: e.ConnectTo(through...), Wait: 10 * time.Second}, "create:"+path+":x")
	return res.State == "SyncConnected" && res.Ops["create "+path] == "result=ok"
}

func others(e *zkrun.Ensemble, not *zkrun.Member) []*zkrun.Member {
	var out []*zkrun.Member
	for _, m := range e.Members {
		if m != not {
			out = append(out, m)
		}
	}
	return out
}

// leaders polls srvr on members (by address only: it never touches the
// members' process state, which the test changes meanwhile) and keeps the
// largest number of simultaneous leaders it saw.
type leaders struct {
	mu   sync.Mutex
	max  int
	at   string
	done chan struct{}
	once sync.Once
}

func watchLeaders(ms []*zkrun.Member) *leaders {
	l := &leaders{done: make(chan struct{})}
	go func() {
		for {
			select {
			case <-l.done:
				return
			case <-time.After(100 * time.Millisecond):
			}
			var lead []string
			for _, m := range ms {
				if out, err := m.FourLetter("srvr"); err == nil && strings.Contains(out, "Mode: leader") {
					lead = append(lead, m.Pod)
				}
			}
			l.mu.Lock()
			if len(lead) > l.max {
				l.max, l.at = len(lead), fmt.Sprintf("%v at %s", lead, time.Now().UTC().Format("15:04:05.000"))
			}
			l.mu.Unlock()
		}
	}()
	return l
}

func (l *leaders) stop() { l.once.Do(func() { close(l.done) }) }

func (l *leaders) maxLeaders() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.max
}

func (l *leaders) seen() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.at
}
