//go:build e2e

// Package zookeeper proves that what the function renders runs a real
// ZooKeeper ensemble: Debian's ZooKeeper servers, one per member, each in
// its own network namespace with the real ports, started by the rendered
// start.sh, configured by the rendered zoo.cfg, probed by the rendered
// probe commands, and exercised by ZooKeeper's own Java client.
//
// The test re-executes itself inside a sandbox (hack/zookeeper/sandbox.sh
// under unshare --net --mount --pid): the host's network and mounts are
// never touched, and every process the suite starts dies with it.
package zookeeper

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// envSandbox is set only for the copy of the test binary that runs inside
// the sandbox; it names the scratch directory with the rendered cases.
const envSandbox = "ZKFN_ZK_E2E_SANDBOX"

// scratchParent holds the suite's scratch directory; not /tmp, which the
// rendered pods mount an emptyDir over.
const scratchParent = "/var/tmp"

// sandboxCase is one rendered ensemble handed to the sandbox.
type sandboxCase struct {
	Name          string
	File          string // the kustomize output
	ClusterDomain string
	// ReadOnlyMode: must the function have enabled read-only mode here?
	// nil: whatever the rendered flags say is checked.
	ReadOnlyMode *bool
}

type sandboxInput struct {
	Root      string
	ClientDir string
	Cases     []sandboxCase
}

func TestZooKeeperEnsembles(t *testing.T) {
	if work := os.Getenv(envSandbox); work != "" {
		runInSandbox(t, work)
		return
	}
	root := harness.Root(t)
	yes := true
	cases := []struct {
		name, dir string
		members   int
		ro        *bool
	}{
		{"dev", harness.Overlay(t, "dev"), 1, nil},
		{"staging", harness.Overlay(t, "staging"), 3, nil},
		{"prod", harness.Overlay(t, "prod"), 5, nil},
		{"seven", filepath.Join(root, "testdata", "e2e-zookeeper", "seven"), 7, &yes},
	}
	var rendered []renderedCase
	for _, c := range cases {
		rendered = append(rendered, renderedCase{name: c.name, out: harness.Build(t, c.dir), members: c.members, readOnlyMode: c.ro})
	}
	runSandboxed(t, root, rendered)
}

// renderedCase is one ensemble's kustomize output and what it must be.
type renderedCase struct {
	name         string
	out          []byte
	members      int
	readOnlyMode *bool
}

// runSandboxed re-runs the calling test inside the sandbox on the given
// rendered ensembles and fails when it fails.
func runSandboxed(t *testing.T, root string, cases []renderedCase) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatalf("the ZooKeeper suite needs root (network namespaces, mounts): run `make e2e-zookeeper` as root")
	}
	for _, c := range []string{"unshare", "nsenter", "setpriv", "chroot", "ip", "awk", "cp", "java", "javac", "bash"} {
		if _, err := exec.LookPath(c); err != nil {
			t.Fatalf("%s not found: run hack/zookeeper/install.sh", c)
		}
	}
	for _, j := range []string{"zookeeper.jar", "zookeeper-jute.jar", "slf4j-log4j12.jar", "log4j-1.2.jar", "servlet-api.jar", "slf4j-nop.jar"} {
		if _, err := os.Stat("/usr/share/java/" + j); err != nil {
			t.Fatalf("/usr/share/java/%s is missing: run hack/zookeeper/install.sh", j)
		}
	}
	clientDir := buildClient(t, root)

	// The scratch directory holds the members' volumes and the hosts file
	// their JVMs read, so it must be reachable by the members' user and
	// not under a directory the members mount a volume over (/tmp is one).
	work, err := os.MkdirTemp(scratchParent, "zkfn-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if os.Getenv("ZKFN_ZK_E2E_KEEP") != "" {
			t.Logf("ZKFN_ZK_E2E_KEEP is set: the members' logs and volumes stay in %s", work)
			return
		}
		_ = os.RemoveAll(work)
	})
	if err := os.Chmod(work, 0o755); err != nil {
		t.Fatal(err)
	}
	// The members see hack/zookeeper (the zkServer.sh stand-in, logging,
	// container.sh) through a copy in the scratch directory: a clone under
	// /tmp, as CI may make, is hidden inside the members by their /tmp volume.
	repo := filepath.Join(work, "repo")
	if err := os.MkdirAll(filepath.Join(repo, "hack"), 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("cp", "-a", filepath.Join(root, "hack", "zookeeper"), filepath.Join(repo, "hack")).CombinedOutput(); err != nil {
		t.Fatalf("copying hack/zookeeper into the scratch directory: %v\n%s", err, out)
	}
	if err := exec.Command("chmod", "-R", "a+rX", repo).Run(); err != nil {
		t.Fatal(err)
	}
	in := sandboxInput{Root: repo, ClientDir: clientDir}
	dirs := map[string]bool{}
	for _, c := range cases {
		r := parseRendered(t, c.out)
		if got := r.replicas(); got != c.members {
			t.Fatalf("%s renders %d replicas, want %d", c.name, got, c.members)
		}
		for _, d := range r.mountDirs(t) {
			dirs[d] = true
			if d == scratchParent || strings.HasPrefix(scratchParent, d+"/") {
				t.Fatalf("%s: the container mounts a volume at %s, which hides the suite's scratch directory %s", c.name, d, scratchParent)
			}
		}
		f := filepath.Join(work, c.name+".yaml")
		writeFile(t, f, string(c.out), 0o644)
		in.Cases = append(in.Cases, sandboxCase{Name: c.name, File: f, ClusterDomain: "cluster.local", ReadOnlyMode: c.readOnlyMode})
	}
	b, _ := json.Marshal(in)
	writeFile(t, filepath.Join(work, "input.json"), string(b), 0o644)

	sbRoot := filepath.Join(work, "root")
	if err := os.Mkdir(sbRoot, 0o755); err != nil {
		t.Fatal(err)
	}
	var mountDirs []string
	for d := range dirs {
		mountDirs = append(mountDirs, d)
	}
	slices.Sort(mountDirs)

	// Re-run this test inside the sandbox, with the same -run pattern and
	// what is left of the deadline.
	// --kill-child and Pdeathsig: if this process dies (^C, a timeout of
	// go test), unshare and with it the sandbox's pid 1 get SIGKILL, and the
	// kernel then kills every process in the sandbox.
	args := []string{"--net", "--mount", "--pid", "--fork", "--kill-child", "--propagation", "private", "--",
		"bash", filepath.Join(root, "hack", "zookeeper", "sandbox.sh"), sbRoot, strings.Join(mountDirs, ","), "--",
		os.Args[0], "-test.run=" + runPattern(t), "-test.v=true", "-test.count=1"}
	ctx := context.Background()
	// -test.run: the caller's pattern, so `go test -run X/staging` runs
	// only staging in the sandbox too.
	if dl, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, dl.Add(-30*time.Second))
		defer cancel()
		args = append(args, "-test.timeout="+time.Until(dl.Add(-45*time.Second)).Round(time.Second).String())
	}
	cmd := exec.CommandContext(ctx, "unshare", args...)
	cmd.Env = append(os.Environ(), envSandbox+"="+work)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	began := time.Now()
	err = cmd.Run()
	t.Logf("sandboxed run took %s", time.Since(began).Round(time.Second))
	if err != nil {
		t.Fatalf("the sandboxed ZooKeeper suite failed: %v (its output is above)", err)
	}
}

// runPattern is this run's -test.run if it has one, else the test's name.
func runPattern(t *testing.T) string {
	if f := flag.Lookup("test.run"); f != nil && f.Value.String() != "" {
		return f.Value.String()
	}
	return "^" + t.Name() + "$"
}

func runInSandbox(t *testing.T, work string) {
	if os.Getpid() != 1 {
		t.Fatalf("%s is set but this is not the sandbox's pid 1; it is for the suite's own re-execution only", envSandbox)
	}
	var in sandboxInput
	b, err := os.ReadFile(filepath.Join(work, "input.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &in); err != nil {
		t.Fatal(err)
	}
	setupBridge(t)
	for _, c := range in.Cases {
		t.Run(c.Name, func(t *testing.T) {
			out, err := os.ReadFile(c.File)
			if err != nil {
				t.Fatal(err)
			}
			r := parseRendered(t, out)
			e := newEnsemble(t, c, r, work, in.Root, in.ClientDir)
			if c.ReadOnlyMode != nil && *c.ReadOnlyMode != e.readOnlyMode {
				t.Fatalf("%s: read-only mode in the rendered SERVER_JVMFLAGS is %v, want %v", c.Name, e.readOnlyMode, *c.ReadOnlyMode)
			}
			scenario(t, e)
			t.Logf("%s: times: formation %s, re-election %s, rejoin %s, quorum back %s", c.Name,
				e.times.formation.Round(10*time.Millisecond), e.times.reelection.Round(10*time.Millisecond),
				e.times.rejoin.Round(10*time.Millisecond), e.times.quorumBack.Round(10*time.Millisecond))
		})
	}
}

// scenario is every check on one ensemble, in order; each step leaves the
// ensemble whole for the next.
func scenario(t *testing.T, e *ensemble) {
	e.checkServerLines(t)
	e.startAll(t)
	e.startupProbes(t, e.members)
	e.checkIdentity(t)
	e.checkLeaderMntr(t)
	first := e.members[0]
	e.checkWhitelist(t, first)
	e.checkAutopurge(t, first)
	e.checkAdminServer(t, first)
	e.probesAll(t, e.members, true, true)

	// Replication: written through one member, read through every other.
	path := "/zkfn-e2e-" + e.name
	e.write(t, first, path, "v1")
	for pod, got := range e.readAll(t, e.members, path) {
		if got != "v1" {
			t.Fatalf("%s: read %q through %s, want v1", path, got, pod)
		}
	}

	// With a small snapCount (the seven spec), many snapshots pile up;
	// the restart below then shows autopurge at work.
	purge := e.r.cfg["snapCount"] != ""
	if purge {
		e.fillForPurge(t, first)
	}

	if len(e.members) == 1 {
		// A single member: a crash and a restart on the same data volume
		// keep the data.
		m := first
		m.kill(t)
		m.start(t)
		e.times.rejoin = e.waitFormed(t, rejoinBound, "restart of the only member")
		e.checkIdentity(t)
		if got := e.read(t, m, path); got != "v1" {
			t.Fatalf("after a restart on its data volume %s has %q at %s, want v1", m.pod, got, path)
		}
		e.probesAll(t, e.members, true, true)
		return
	}

	// SIGKILL the leader: a new leader; the data stays readable and writable.
	old := e.leader(t)
	old.kill(t)
	e.times.reelection = e.waitFormed(t, electionBound, "re-election after SIGKILL of the leader "+old.pod)
	t.Logf("%s: new leader %s %s after SIGKILL of %s", e.name, e.leader(t).pod, e.times.reelection.Round(10*time.Millisecond), old.pod)
	survivors := e.running()
	if got := e.read(t, survivors[0], path); got != "v1" {
		t.Fatalf("after the leader's death %s reads %q at %s, want v1", survivors[0].pod, got, path)
	}
	e.write(t, survivors[len(survivors)-1], path+"-during", "written-while-"+old.pod+"-was-down")

	// Restart it on its old data volume: it rejoins and has both znodes.
	snapsBefore := e.snapshots(t, old)
	old.start(t)
	e.times.rejoin = e.waitFormed(t, rejoinBound, "rejoin of "+old.pod)
	t.Logf("%s: %s rejoined %s after restart", e.name, old.pod, e.times.rejoin.Round(10*time.Millisecond))
	if got := e.read(t, old, path); got != "v1" {
		t.Fatalf("%s after its restart reads %q at %s, want v1", old.pod, got, path)
	}
	if got := e.read(t, old, path+"-during"); got != "written-while-"+old.pod+"-was-down" {
		t.Fatalf("%s after its restart reads %q at %s-during", old.pod, got, path)
	}
	e.checkIdentity(t)
	if purge {
		e.checkPurged(t, old, snapsBefore)
	}

	// A member whose volume holds another member's myid refuses to start.
	e.wrongVolume(t)

	// Majority down: the survivors stop serving writes; with read-only
	// mode they serve reads to read-only clients.
	e.majorityDown(t, path)
}

// wrongVolume starts the last pod on a copy of pod 0's data volume (a
// claim bound to the wrong volume): the rendered start.sh must refuse,
// exit non-zero and name the claim, and the server must never serve.
func (e *ensemble) wrongVolume(t *testing.T) {
	victim, donor := e.members[len(e.members)-1], e.members[0]
	victim.stop(t)
	dataDir := e.r.cfg["dataDir"]
	var claim string
	for mp, dir := range victim.volumes {
		if dataDir == mp || strings.HasPrefix(dataDir, mp+"/") {
			claim = filepath.Base(dir) // <template>-<pod>: the PVC's name
		}
	}
	saved := victim.volumes
	copyDir := filepath.Join(e.dir, "wrong-volume")
	_ = os.RemoveAll(copyDir)
	if out, _, err := run(time.Minute, nil, "cp", "-a", donor.hostDir(t, dataDir), copyDir); err != nil {
		t.Fatalf("copy %s's data: %v\n%s", donor.pod, err, out)
	}
	victim.volumes = map[string]string{}
	for mp, dir := range saved {
		victim.volumes[mp] = dir
	}
	for mp := range saved {
		if dataDir == mp || strings.HasPrefix(dataDir, mp+"/") {
			victim.volumes[mp] = copyDir
		}
	}
	victim.start(t)
	select {
	case <-victim.done:
	case <-time.After(startFailBound):
		t.Fatalf("%s started on %s's data volume (myid %s) and did not exit within %s; mode %q", victim.pod, donor.pod, donor.myid(t), startFailBound, victim.mode())
	}
	victim.up = false
	if victim.exit == 0 {
		t.Fatalf("%s on %s's data volume exited 0, want non-zero", victim.pod, donor.pod)
	}
	if tail := victim.logTail(20); !strings.Contains(tail, claim) {
		t.Errorf("%s refused the wrong volume but did not name claim %s:\n%s", victim.pod, claim, tail)
	}
	victim.volumes = saved
	victim.start(t)
	e.waitFormed(t, rejoinBound, "rejoin of "+victim.pod+" on its own volume")
}

// majorityDown stops a majority (the leader among them), checks the
// survivors, the probes and the read-only behaviour, then brings the
// quorum back and checks writes work again.
func (e *ensemble) majorityDown(t *testing.T, path string) {
	n := len(e.members)
	victims := []*member{e.leader(t)}
	for _, m := range e.members {
		if len(victims) == n/2+1 {
			break
		}
		if m != victims[0] {
			victims = append(victims, m)
		}
	}
	for _, m := range victims {
		m.kill(t)
	}
	survivors := e.running()
	t.Logf("%s: killed %s; survivors %s", e.name, pods(victims), pods(survivors))

	for _, m := range survivors {
		want := ""
		if e.readOnlyMode {
			want = "read-only"
		}
		var got string
		if !waitFor(readOnlyBound, func() bool { got = m.mode(); return got == want }) {
			t.Fatalf("%s out of quorum: srvr mode %q, want %q (read-only mode on: %v)", m.pod, got, want, e.readOnlyMode)
		}
	}
	// Out of quorum: not ready (no traffic from the client Service), but
	// alive (a restart cannot bring a quorum back).
	e.probesAll(t, survivors, false, true)

	s := survivors[0]
	ro := e.client(t, e.connectTo(s), true, 15*time.Second, "get:"+path, "create:"+path+"-ro:x")
	if e.readOnlyMode {
		if ro.state != "ConnectedReadOnly" {
			t.Fatalf("read-only client through %s (mode read-only): state %s, want ConnectedReadOnly; "+
				"ZooKeeper admits read-only sessions only with localSessionsEnabled=true and localSessionsUpgradingEnabled=true (rendered: %q, %q)\n%s",
				s.pod, ro.state, e.r.cfg["localSessionsEnabled"], e.r.cfg["localSessionsUpgradingEnabled"], ro.out)
		}
		if got := ro.ops["get "+path]; got != "result=ok data=v1" {
			t.Errorf("read-only read of %s through %s: %s, want data v1", path, s.pod, got)
		}
		if got := ro.ops["create "+path+"-ro"]; got != "result=error code=NOTREADONLY" {
			t.Errorf("write through read-only %s: %s, want NOTREADONLY", s.pod, got)
		}
	} else if ro.state != "NotConnected" {
		t.Errorf("read-only mode is off, yet a client reached %s out of quorum: %s\n%s", s.pod, ro.state, ro.out)
	}
	// A client that does not accept read-only sessions gets nothing.
	if rw := e.client(t, e.connectTo(s), false, 8*time.Second, "get:"+path); rw.state != "NotConnected" {
		t.Errorf("a read-write client reached %s out of quorum: %s\n%s", s.pod, rw.state, rw.out)
	}

	// Quorum back: the victims restart on their volumes; writes work.
	began := time.Now()
	for _, m := range victims {
		m.start(t)
	}
	e.waitFormed(t, formationBound, "quorum back")
	e.times.quorumBack = time.Since(began)
	e.checkLeaderMntr(t)
	e.write(t, s, path+"-after", "quorum-back")
	for pod, got := range e.readAll(t, e.members, path+"-after") {
		if got != "quorum-back" {
			t.Fatalf("after the quorum came back %s reads %q", pod, got)
		}
	}
	e.probesAll(t, e.members, true, true)

	// Liveness is about the process: a hung server (SIGSTOP) fails it.
	m := e.members[0]
	m.signal(syscall.SIGSTOP, 0)
	ok, out := m.probe(t, "liveness", e.r.container.LivenessProbe)
	m.signal(syscall.SIGCONT, 0)
	if ok {
		t.Errorf("%s hung (SIGSTOP): liveness probe succeeded, want failure\n%s", m.pod, out)
	}
	if !waitFor(30*time.Second, func() bool { ok, _ := m.probe(t, "liveness", e.r.container.LivenessProbe); return ok }) {
		t.Errorf("%s resumed (SIGCONT): liveness probe still fails", m.pod)
	}
}
