//go:build e2e

package scaling

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// crashAll SIGKILLs every member at once, as a node or cluster outage
// would; the kubelet restarts the containers (probeLoop). Each member
// must come back with the membership it persisted on its volume.
func (c *cluster) crashAll() {
	c.mu.Lock()
	var ps []*pod
	for _, p := range c.pods {
		ps = append(ps, p)
		p.ready = false
	}
	c.mu.Unlock()
	for _, p := range ps {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	}
	c.event("test: SIGKILL every member at once")
}

// replaceVolume deletes member i's pod and its claim's data, as a lost
// or replaced PersistentVolume does; the controller recreates the pod
// with an empty volume.
func (c *cluster) replaceVolume(t *testing.T, i int) {
	c.mu.Lock()
	p := c.pods[i]
	p.terminating = true
	p.ready = false
	c.mu.Unlock()
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.done
	must(t, os.RemoveAll(filepath.Join(c.dir, "pv", "data-"+podName(i))))
	c.mu.Lock()
	delete(c.pods, i)
	c.mu.Unlock()
	c.event("test: %s deleted with its volume's data", podName(i))
}

// disruption runs f while a client writes and checks every write as a
// step does.
func disruption(t *testing.T, c *cluster, cp, dir, path string, acked map[string][]string, f func()) stepResult {
	m := startMeasured(t, cp, dir, path)
	f()
	time.Sleep(2 * time.Second)
	ok := waitSettled(c, 10*time.Minute)
	res := m.end(t, c, acked, stepResult{}, ok, "the members never became Ready again")
	res.lost = check(t, c, cp, acked, path)
	return res
}

// measured is a step under way: a client writing to path and the leader
// watch, both started by startMeasured once the writer has its first
// acknowledgements.
type measured struct {
	path  string
	w     *writer
	lw    *leaderWatch
	began time.Time
}

func startMeasured(t *testing.T, cp, dir, path string) *measured {
	w, err := startWriter(cp, dir, path)
	must(t, err)
	lw := watchLeaders()
	if !waitFor(60*time.Second, func() bool { return w.count() > 20 }) {
		t.Fatalf("%s: the writer got no acknowledgement", path)
	}
	return &measured{path: path, w: w, lw: lw, began: time.Now()}
}

// end stops the writer and the watch (3 s after the step, for the last
// acknowledgements) and fills res with what they saw; when the members
// never settled it dumps them and fails with unsettled. The caller checks
// the writes.
func (m *measured) end(t *testing.T, c *cluster, acked map[string][]string, res stepResult, settled bool, unsettled string) stepResult {
	res.duration = time.Since(m.began)
	time.Sleep(3 * time.Second)
	acked[m.path] = m.w.end()
	m.lw.end()
	res.noLeader, res.maxLeaders, res.maxVoting, res.errs, res.acked = m.lw.noLeader, m.lw.maxLeaders, m.lw.committing(c.dir), m.w.errs, len(acked[m.path])
	if !settled {
		dump(t, c)
		t.Fatalf("%s: %s", m.path, unsettled)
	}
	return res
}
