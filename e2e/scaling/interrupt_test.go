//go:build e2e

package scaling

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

type interruptInput struct {
	Dynamic3, Dynamic5 string
	Java               string
	Secrets            map[string]map[string]string
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
	root := harness.Root(t)
	java, err := os.ReadFile(filepath.Join(root, "e2e", "scaling", "ZkScale.java"))
	must(t, err)
	in := interruptInput{Java: string(java), Secrets: map[string]map[string]string{"zk-superuser": {"password": "e2e-superuser-password"}}}
	src, err := os.ReadFile(filepath.Join(root, "e2e", "scaling", "testdata", "dynamic.yaml"))
	must(t, err)
	var rendered []*zkrun.Rendered
	for _, r := range []struct {
		dst *string
		n   int
	}{{&in.Dynamic3, 3}, {&in.Dynamic5, 5}} {
		f := filepath.Join(t.TempDir(), "spec.yaml")
		must(t, os.WriteFile(f, []byte(strings.Replace(string(src), "replicas: 1", fmt.Sprintf("replicas: %d", r.n), 1)), 0o644))
		*r.dst = string(harness.Render(t, f))
		rendered = append(rendered, zkrun.Parse(t, []byte(*r.dst)))
	}
	zkrun.ReexecParallel(t, in, rendered...)
}

func interruptInSandbox(t *testing.T) {
	var in interruptInput
	sb := zkrun.Enter(t, &in)
	dir := filepath.Join(sb.Dir, "scaling")
	must(t, os.Mkdir(dir, 0o755))
	cp := compileClient(t, dir, in.Java)
	r3, r5 := zkrun.Parse(t, []byte(in.Dynamic3)), zkrun.Parse(t, []byte(in.Dynamic5))
	c := newCluster(t, sb, dir, r3, in.Secrets)
	c.apply(r3)
	c.wg.Add(1)
	go c.controllerLoop()
	if !waitSettled(c, 5*time.Minute) {
		dump(t, c)
		t.Fatal("the dynamic 3-member ensemble never became Ready")
	}
	acked := map[string][]string{}
	w, err := startWriter(cp, dir, "/pre")
	must(t, err)
	time.Sleep(5 * time.Second)
	acked["/pre"] = w.end()

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
	for _, res := range results {
		if res.lost > 0 || res.maxVoting > 1 {
			t.Errorf("%s: %d of %d acknowledged writes lost, at most %d committing leaders at once", res.name(), res.lost, res.acked, res.maxVoting)
		}
	}
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
