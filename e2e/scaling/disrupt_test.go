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
	w, err := startWriter(cp, dir, path)
	must(t, err)
	lw := watchLeaders()
	if !waitFor(60*time.Second, func() bool { return w.count() > 20 }) {
		t.Fatalf("%s: the writer got no acknowledgement", path)
	}
	began := time.Now()
	f()
	time.Sleep(2 * time.Second)
	ok := waitSettled(c, 10*time.Minute)
	res := stepResult{duration: time.Since(began)}
	time.Sleep(3 * time.Second)
	acked[path] = w.end()
	lw.end()
	res.noLeader, res.maxLeaders, res.maxVoting, res.errs, res.acked = lw.noLeader, lw.maxLeaders, lw.committing(c.dir), w.errs, len(acked[path])
	if !ok {
		dump(t, c)
		t.Fatalf("%s: the members never became Ready again", path)
	}
	res.lost = check(t, c, cp, acked, path)
	return res
}
