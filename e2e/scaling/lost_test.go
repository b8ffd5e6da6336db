//go:build e2e

package scaling

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// nodeLost is a node that disappears with member i: the process dies
// (SIGKILL), no preStop runs, and the pod stays Terminating (the kubelet
// that would finish it is gone), so the controller neither restarts nor
// replaces it.
func (c *cluster) nodeLost(i int) {
	c.mu.Lock()
	p := c.pods[i]
	p.terminating, p.ready = true, false
	pid := p.cmd.Process.Pid
	c.mu.Unlock()
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	c.event("test: node of %s lost (SIGKILL, no preStop)", podName(i))
}

// forceDelete is `kubectl delete pod --force` of a lost member, with its
// volume gone too (a local volume on the lost node).
func (c *cluster) forceDelete(t *testing.T, i int) {
	c.mu.Lock()
	p := c.pods[i]
	delete(c.pods, i)
	c.mu.Unlock()
	<-p.done
	must(t, os.RemoveAll(filepath.Join(c.dir, "pv", "data-"+podName(i))))
	c.event("test: %s force-deleted, its volume lost", podName(i))
}

// exec runs argv in member i's container, as kubectl exec does.
func (c *cluster) exec(t *testing.T, i int, bound time.Duration, argv ...string) (string, error) {
	c.mu.Lock()
	rev := c.pods[i].rev
	c.mu.Unlock()
	cmd := c.run(rev, i, argv)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	err := runBounded(cmd, bound)
	return out.String(), err
}

var voterLine = regexp.MustCompile(`(?m)^server\.(\d+)=.*:participant(;|$)`)

// voters are the ids member i's conf lists as voters.
func voters(i int) []string {
	var ids []string
	for _, m := range voterLine.FindAllStringSubmatch(word(i, "conf"), -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// lostMembers: in a 5-member dynamic ensemble the nodes of zk-3 and zk-4
// are lost. Recovery as docs/scaling.md says: remove them with
// reconfig.sh from a live member while 3 of 5 voters still form a
// quorum, force-delete the pods, then render and apply replicas 3. Each
// member the rolling update restarts must remove itself in its preStop,
// which needs a quorum of the new membership; with the lost members
// still voters it has none.
func lostMembers(t *testing.T, c *cluster, cp, dir string, r3 *zkrun.Rendered, acked map[string][]string, recover bool) stepResult {
	const path = "/lost"
	m := startMeasured(t, cp, dir, path)
	logFrom := map[int]int64{}
	for i := 0; i < 3; i++ {
		if st, err := os.Stat(filepath.Join(c.dir, podName(i)+".log")); err == nil {
			logFrom[i] = st.Size()
		}
	}
	c.nodeLost(4)
	c.nodeLost(3)
	time.Sleep(5 * time.Second)
	if recover {
		for _, id := range []string{"5", "4"} {
			t0 := time.Now()
			out, err := c.exec(t, 0, 3*time.Minute, "bash", "/conf/reconfig.sh", "remove", id)
			if err != nil {
				t.Fatalf("reconfig.sh remove %s on zk-0: %v\n%s", id, err, out)
			}
			c.event("test: reconfig.sh remove %s on zk-0: %.1f s: %s", id, time.Since(t0).Seconds(), strings.TrimSpace(out))
		}
		if v := voters(0); strings.Join(v, ",") != "1,2,3" {
			t.Errorf("after the removals zk-0 serves voters %v, want 1,2,3", v)
		}
	}
	c.forceDelete(t, 4)
	c.forceDelete(t, 3)
	c.apply(r3)
	ok := waitSettled(c, 10*time.Minute)
	res := m.end(t, c, acked, stepResult{label: "5 → 3, two nodes lost (preStop never ran)"}, ok, "the members never settled at 3 Ready")
	for i := 0; i < 3; i++ {
		b, _ := os.ReadFile(filepath.Join(c.dir, podName(i)+".log"))
		if m := regexp.MustCompile(`reconfig remove \d+ failed`).Find(b[min(logFrom[i], int64(len(b))):]); m != nil {
			t.Errorf("%s's preStop could not remove it (%s): the lost members still held votes", podName(i), m)
		}
	}
	if v := voters(0); strings.Join(v, ",") != "1,2,3" {
		t.Errorf("after 5 → 3 zk-0 serves voters %v, want 1,2,3", v)
	}
	res.lost = check(t, c, cp, acked, path)
	return res
}
