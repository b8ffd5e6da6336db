//go:build e2e

package scaling

import (
	"slices"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

type interruptInput struct {
	Dynamic3, Dynamic5 string
	clientInput
}

// TestInterruptedScaleUp interrupts 3 → 5 halfway, once the first new
// member votes and before the old members have rolled, in two ways,
// each under writes: every member SIGKILLed at once (the controller and
// kubelet carry on afterwards), and the user applying 3 again before
// applying 5 once more.
func TestInterruptedScaleUp(t *testing.T) {
	if zkrun.InSandbox() {
		interruptInSandbox(t)
		return
	}
	in := interruptInput{Dynamic3: renderReplicas(t, "dynamic.yaml", 3), Dynamic5: renderReplicas(t, "dynamic.yaml", 5), clientInput: newClientInput(t)}
	zkrun.ReexecParallel(t, in, zkrun.Parse(t, []byte(in.Dynamic3)), zkrun.Parse(t, []byte(in.Dynamic5)))
}

func interruptInSandbox(t *testing.T) {
	var in interruptInput
	sb := zkrun.Enter(t, &in)
	r3, r5 := zkrun.Parse(t, []byte(in.Dynamic3)), zkrun.Parse(t, []byte(in.Dynamic5))
	c, cp, acked := startEnsemble(t, sb, in.clientInput, r3, "dynamic 3-member")
	dir := c.dir

	// halfway: a new member votes, and no old member has rolled yet.
	halfway := func() bool {
		v := voters(0)
		return (slices.Contains(v, "4") || slices.Contains(v, "5")) && len(v) < 5
	}
	crash := interrupted(t, c, cp, dir, "/crash", acked, r5, halfway, func() { c.crashAll() }, nil)
	crash.label = "3 → 5, every member SIGKILLed halfway"
	checkVoters(t, 5)
	back := step(t, c, cp, dir, r3, "/back", acked)
	back.from, back.to = 5, 3
	checkVoters(t, 3)
	revert := interrupted(t, c, cp, dir, "/revert", acked, r5, halfway, func() { c.apply(r3) }, r5)
	revert.label = "3 → 5, reverted to 3 halfway, then 5 applied again"
	results := []stepResult{crash, back, revert}
	checkVoters(t, 5)
	report(t, results)
}

// checkVoters: once the controller has settled, every member serves the
// voters 1..n, exactly the StatefulSet's members (no vote left behind
// by a member that is gone, none missing).
func checkVoters(t *testing.T, n int) {
	t.Helper()
	var want []string
	for i := 1; i <= n; i++ {
		want = append(want, itoa(i))
	}
	for i := 0; i < n; i++ {
		if v := voters(i); !slices.Equal(v, want) {
			t.Errorf("%s serves voters %v, want %v", podName(i), v, want)
		}
	}
}

// interrupted applies first under writes, waits until cond holds (at
// most 3 minutes), runs interrupt, waits for the controller to settle,
// then applies resume (if any) and waits again; then it checks every
// acknowledged write on every member.
func interrupted(t *testing.T, c *cluster, cp, dir, path string, acked map[string][]string, first *zkrun.Rendered, cond func() bool, interrupt func(), resume *zkrun.Rendered) stepResult {
	m := startMeasured(t, cp, dir, path)
	c.apply(first)
	if !waitFor(3*time.Minute, cond) {
		dump(t, c)
		t.Fatalf("%s: the step never reached the point to interrupt", path)
	}
	c.event("test: interrupting (zk-0 serves voters %v)", voters(0))
	interrupt()
	time.Sleep(2 * time.Second)
	ok := waitSettled(c, 10*time.Minute)
	if ok && resume != nil {
		c.apply(resume)
		time.Sleep(time.Second)
		ok = waitSettled(c, 10*time.Minute)
	}
	res := m.end(t, c, acked, stepResult{}, ok, "the members never settled")
	res.lost = check(t, c, cp, acked, path)
	if l := finalLeaders(); l != 1 {
		t.Errorf("%s: %d members lead after the step, want exactly 1", path, l)
	}
	return res
}
