//go:build e2e

package scaling

import (
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// controllerLoop is the StatefulSet controller for Parallel pod
// management and the RollingUpdate strategy (pkg/controller/statefulset,
// stateful_set_control.go), run every 500 ms:
//   - every missing ordinal below replicas is created at once, with the
//     update revision;
//   - every ordinal at or above replicas is deleted at once (Parallel
//     does not wait for one condemned pod before the next);
//   - then, from the highest ordinal down, the first pod of an older
//     revision is deleted (one per pass), and the pass stops at the first
//     pod that is not Ready.
func (c *cluster) controllerLoop() {
	defer c.wg.Done()
	for {
		select {
		case <-c.stop:
			return
		case <-time.After(500 * time.Millisecond):
		}
		c.syncOnce()
	}
}

func (c *cluster) syncOnce() {
	c.mu.Lock()
	want := c.want
	var create, condemned []int
	for i := 0; i < want.replicas; i++ {
		if c.pods[i] == nil {
			create = append(create, i)
		}
	}
	for i, p := range c.pods {
		if i >= want.replicas && !p.terminating {
			condemned = append(condemned, i)
			p.terminating = true
		}
	}
	roll := -1
	if len(create) == 0 {
		for i := want.replicas - 1; i >= 0; i-- {
			p := c.pods[i]
			if p.rev != want && !p.terminating {
				roll = i
				p.terminating = true
				break
			}
			// isHealthy: running, Ready and not terminating.
			if !p.ready || p.terminating {
				break
			}
		}
	}
	c.mu.Unlock()
	for _, i := range create {
		c.startPod(i, want)
	}
	for _, i := range condemned {
		c.event("controller: delete %s (scale down)", podName(i))
		go c.deletePod(i)
	}
	if roll >= 0 {
		c.event("controller: delete %s (rolling update)", podName(roll))
		go c.deletePod(roll)
	}
}

// startPod runs the pod's container and its readiness probe.
func (c *cluster) startPod(i int, rev *revision) {
	p := &pod{ord: i, rev: rev, done: make(chan struct{}), log: filepath.Join(c.dir, podName(i)+".log")}
	ct := rev.container()
	cmd := c.run(rev, i, append(append([]string(nil), ct.Command...), ct.Args...))
	f, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	must(c.t, err)
	cmd.Stdout, cmd.Stderr = f, f
	must(c.t, cmd.Start())
	p.cmd = cmd
	go func() {
		_ = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	c.mu.Lock()
	c.pods[i] = p
	c.mu.Unlock()
	c.event("kubelet: start %s (revision %s)", podName(i), rev.name)
	c.wg.Add(1)
	go c.probeLoop(p)
}

// probeLoop runs the rendered readiness probe at its period; one success
// makes the pod Ready, failureThreshold failures in a row unready. A
// container that exited is restarted, as restartPolicy Always does.
func (c *cluster) probeLoop(p *pod) {
	defer c.wg.Done()
	ct := p.rev.container()
	probe := ct.ReadinessProbe
	fails := 0
	for {
		select {
		case <-c.stop:
			return
		case <-time.After(time.Duration(probe.PeriodSeconds) * time.Second):
		}
		c.mu.Lock()
		gone := c.pods[p.ord] != p || p.terminating
		c.mu.Unlock()
		if gone {
			return
		}
		select {
		case <-p.done:
			c.event("kubelet: %s exited, restarting its container", podName(p.ord))
			c.restart(p)
			continue
		default:
		}
		cmd := c.run(p.rev, p.ord, probe.Exec.Command)
		ok := runBounded(cmd, time.Duration(probe.TimeoutSeconds)*time.Second) == nil
		c.mu.Lock()
		was := p.ready
		if ok {
			fails = 0
			p.ready = true
		} else if fails++; fails >= int(probe.FailureThreshold) {
			p.ready = false
		}
		now := p.ready
		c.mu.Unlock()
		if now != was {
			c.event("kubelet: %s ready=%v", podName(p.ord), now)
		}
	}
}

func (c *cluster) restart(p *pod) {
	ct := p.rev.container()
	cmd := c.run(p.rev, p.ord, append(append([]string(nil), ct.Command...), ct.Args...))
	f, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	must(c.t, err)
	cmd.Stdout, cmd.Stderr = f, f
	must(c.t, cmd.Start())
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		f.Close()
		close(done)
	}()
	c.mu.Lock()
	p.cmd, p.done = cmd, done
	c.mu.Unlock()
}

func runBounded(cmd interface {
	Start() error
	Wait() error
}, d time.Duration) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	ch := make(chan error, 1)
	go func() { ch <- cmd.Wait() }()
	select {
	case err := <-ch:
		return err
	case <-time.After(d):
		return os.ErrDeadlineExceeded
	}
}

// deletePod terminates a pod as the kubelet does: the preStop hook (if
// the rendering has one), SIGTERM, SIGKILL after the grace period; the
// controller sees the ordinal free only when the pod is gone.
func (c *cluster) deletePod(i int) {
	c.mu.Lock()
	p := c.pods[i]
	c.mu.Unlock()
	spec := p.rev.r.StatefulSet.Spec.Template.Spec
	grace := 30 * time.Second
	if spec.TerminationGracePeriodSeconds != nil {
		grace = time.Duration(*spec.TerminationGracePeriodSeconds) * time.Second
	}
	deadline := time.Now().Add(grace)
	ct := p.rev.container()
	if ct.Lifecycle != nil && ct.Lifecycle.PreStop != nil && ct.Lifecycle.PreStop.Exec != nil {
		cmd := c.run(p.rev, i, ct.Lifecycle.PreStop.Exec.Command)
		f, _ := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		cmd.Stdout, cmd.Stderr = f, f
		err := runBounded(cmd, grace)
		f.Close()
		c.event("kubelet: %s preStop finished (%v)", podName(i), err)
	}
	c.mu.Lock()
	pc := p.cmd
	done := p.done
	c.mu.Unlock()
	_ = syscall.Kill(-pc.Process.Pid, syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(time.Until(deadline)):
		_ = syscall.Kill(-pc.Process.Pid, syscall.SIGKILL)
		<-done
	}
	c.mu.Lock()
	delete(c.pods, i)
	c.mu.Unlock()
	c.event("kubelet: %s gone", podName(i))
}

// settled: every pod of the wanted revision exists and is Ready, and no
// other pod exists.
func (c *cluster) settled() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pods) != c.want.replicas {
		return false
	}
	for i := 0; i < c.want.replicas; i++ {
		p := c.pods[i]
		if p == nil || p.rev != c.want || !p.ready || p.terminating {
			return false
		}
	}
	return true
}

func (c *cluster) shutdown() {
	select {
	case <-c.stop:
	default:
		close(c.stop)
	}
	c.mu.Lock()
	var ps []*pod
	for _, p := range c.pods {
		ps = append(ps, p)
	}
	c.mu.Unlock()
	for _, p := range ps {
		if p.cmd != nil && p.cmd.Process != nil {
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		}
	}
	c.wg.Wait()
}
