//go:build e2e

package zookeeper

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
)

// The metrics provider the function renders is not in Debian's ZooKeeper;
// the suite appends one later line that names the built-in provider (the
// last value of a key wins). Nothing else is ever added to zoo.cfg.
const (
	prometheusProvider = "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider"
	metricsOverride    = "metricsProvider.className=org.apache.zookeeper.metrics.impl.DefaultMetricsProvider\n"
)

// Bounds of the waits. Formation includes JVM start-up of every member on
// a 2-core machine.
const (
	formationBound  = 240 * time.Second
	electionBound   = 60 * time.Second
	rejoinBound     = 120 * time.Second
	readOnlyBound   = 60 * time.Second
	startFailBound  = 60 * time.Second
	perPodReadyWait = 120 * time.Second
)

type ensemble struct {
	name          string
	r             *rendered
	root          string // repository root
	dir           string // this ensemble's scratch directory
	confDir       string // the ConfigMap's files, mounted read-only at its mountPath
	hostsFile     string
	clientDir     string
	clusterDomain string
	port          int
	uid, gid      int
	fsGroup       int // -1: none
	roRoot        bool
	noNewPrivs    bool
	readOnlyMode  bool
	members       []*member
	times         *timings
}

type timings struct {
	formation, reelection, rejoin, quorumBack time.Duration
}

func newEnsemble(t *testing.T, c sandboxCase, r *rendered, work, root, clientDir string) *ensemble {
	t.Helper()
	e := &ensemble{name: c.Name, r: r, root: root, clientDir: clientDir, clusterDomain: c.ClusterDomain,
		dir: filepath.Join(work, c.Name), fsGroup: -1, times: &timings{}}
	if err := os.MkdirAll(e.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	e.port = r.clientPort(t)

	// The pod's user: the container's securityContext over the pod's; the
	// official image runs a replaced command as root when neither says.
	ps := r.sts.Spec.Template.Spec.SecurityContext
	cs := r.container.SecurityContext
	if ps != nil {
		if ps.RunAsUser != nil {
			e.uid = int(*ps.RunAsUser)
		}
		if ps.RunAsGroup != nil {
			e.gid = int(*ps.RunAsGroup)
		}
		if ps.FSGroup != nil {
			e.fsGroup = int(*ps.FSGroup)
		}
	}
	if cs != nil {
		if cs.RunAsUser != nil {
			e.uid = int(*cs.RunAsUser)
		}
		if cs.RunAsGroup != nil {
			e.gid = int(*cs.RunAsGroup)
		}
		if cs.ReadOnlyRootFilesystem != nil {
			e.roRoot = *cs.ReadOnlyRootFilesystem
		}
		if cs.AllowPrivilegeEscalation != nil {
			e.noNewPrivs = !*cs.AllowPrivilegeEscalation
		}
	}

	// The ConfigMap volume: every key a file, as the kubelet writes them;
	// zoo.cfg exactly as rendered plus, when needed, the metrics override.
	e.confDir = filepath.Join(e.dir, "configmap")
	if err := os.MkdirAll(e.confDir, 0o755); err != nil {
		t.Fatal(err)
	}
	mode := os.FileMode(0o644)
	for _, v := range r.sts.Spec.Template.Spec.Volumes {
		if v.ConfigMap != nil && v.ConfigMap.Name == r.configMap.Name && v.ConfigMap.DefaultMode != nil {
			mode = os.FileMode(*v.ConfigMap.DefaultMode)
		}
	}
	for k, v := range r.configMap.Data {
		if k == "zoo.cfg" && r.cfg["metricsProvider.className"] == prometheusProvider {
			if !strings.HasSuffix(v, "\n") {
				v += "\n"
			}
			v += metricsOverride
		}
		writeFile(t, filepath.Join(e.confDir, k), v, mode)
	}
	b, err := os.ReadFile(filepath.Join(e.confDir, "zoo.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), r.zooCfg) {
		t.Fatalf("the zoo.cfg given to the servers does not start with the rendered zoo.cfg byte for byte")
	}
	if extra := strings.TrimPrefix(string(b), r.zooCfg); extra != "" && extra != metricsOverride && extra != "\n"+metricsOverride {
		t.Fatalf("the suite added more than the metrics override to zoo.cfg: %q", extra)
	}

	// The members and what the cluster's DNS would answer for them.
	var hosts strings.Builder
	hosts.WriteString("127.0.0.1 localhost\n")
	n := r.replicas()
	for i := 0; i < n; i++ {
		m := &member{e: e, ord: i, pod: fmt.Sprintf("%s-%d", r.sts.Name, i), fqdn: r.podDNSName(i, e.clusterDomain),
			ip: memberAddr(i), netns: fmt.Sprintf("zk%d", i)}
		m.logPath = filepath.Join(e.dir, m.pod+".log")
		e.members = append(e.members, m)
		fmt.Fprintf(&hosts, "%s %s %s\n", m.ip, m.fqdn, m.pod)
	}
	e.hostsFile = filepath.Join(e.dir, "hosts")
	writeFile(t, e.hostsFile, hosts.String(), 0o644)

	// Read-only mode is on when the server's JVM flags say so.
	probeEnv := e.members[0].env(t)
	for _, kv := range probeEnv {
		if strings.HasPrefix(kv, "SERVER_JVMFLAGS=") && strings.Contains(kv, "-Dreadonlymode.enabled=true") {
			e.readOnlyMode = true
		}
	}

	for _, m := range e.members {
		addNetns(t, m.netns, m.ip)
		m.prepareVolumes(t)
	}
	t.Cleanup(func() {
		if t.Failed() {
			for _, m := range e.members {
				t.Logf("---- last lines of %s's log (%s):\n%s", m.pod, m.logPath, m.logTail(30))
			}
		}
	})
	return e
}

// chownVolume gives a volume directory the ownership the kubelet gives it
// for the pod's fsGroup (group-owned, group-writable, setgid).
func (e *ensemble) chownVolume(t testing.TB, dir string) {
	t.Helper()
	if e.fsGroup < 0 {
		return
	}
	if err := os.Chown(dir, 0, e.fsGroup); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o2775); err != nil {
		t.Fatal(err)
	}
}

// checkServerLines checks the rendered server.X lines against the pods:
// one line per pod, each host a name the cluster's DNS gives a pod, and
// the ids 1..n in ordinal order (start.sh writes myid = ordinal+1).
func (e *ensemble) checkServerLines(t *testing.T) {
	t.Helper()
	if len(e.r.servers) != len(e.members) {
		t.Fatalf("zoo.cfg has %d server.X lines for %d replicas", len(e.r.servers), len(e.members))
	}
	for i, s := range e.r.servers {
		m := e.members[i]
		if s.id != i+1 || s.host != m.fqdn {
			t.Errorf("zoo.cfg line %q: want server.%d=%s (pod %s's DNS name)", s.raw, i+1, m.fqdn, m.pod)
		}
		if s.role != "participant" {
			t.Errorf("zoo.cfg line %q: role %s, want participant", s.raw, s.role)
		}
		// The ports must be the ones the pod declares: the Services and the
		// NetworkPolicy are built from those, so in a cluster a port only
		// zoo.cfg knows is unreachable (here, with no NetworkPolicy, it
		// would work).
		for _, p := range []struct {
			name string
			port int
		}{{"quorum", s.quorum}, {"election", s.election}, {"client", e.port}} {
			if !e.declaresPort(p.port) {
				t.Errorf("zoo.cfg line %q: %s port %d is not a containerPort of the zookeeper container", s.raw, p.name, p.port)
			}
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}

func (e *ensemble) declaresPort(port int) bool {
	for _, p := range e.r.container.Ports {
		if int(p.ContainerPort) == port {
			return true
		}
	}
	return false
}

// startAll starts every pod as the StatefulSet controller would: all at
// once for podManagementPolicy Parallel, else one by one, each after the
// previous is Ready (OrderedReady), which deadlocks an ensemble whose
// readiness needs a quorum: the suite reports that.
func (e *ensemble) startAll(t *testing.T) {
	t.Helper()
	began := time.Now()
	if e.r.sts.Spec.PodManagementPolicy == appsv1.ParallelPodManagement {
		for _, m := range e.members {
			m.start(t)
		}
	} else {
		for i, m := range e.members {
			m.start(t)
			if i == len(e.members)-1 {
				break
			}
			if !waitFor(perPodReadyWait, func() bool { ok, _ := m.probe(t, "readiness", e.r.container.ReadinessProbe); return ok }) {
				t.Fatalf("podManagementPolicy %q: %s never became Ready, so the StatefulSet controller would never start %s; "+
					"an ensemble whose readiness needs a quorum needs podManagementPolicy: Parallel", e.r.sts.Spec.PodManagementPolicy, m.pod, e.members[i+1].pod)
			}
		}
	}
	e.times.formation = e.waitFormed(t, formationBound, "initial formation")
	t.Logf("%s: %d members formed an ensemble %s after start", e.name, len(e.members), e.times.formation.Round(10*time.Millisecond))
	_ = began
}

// waitFormed waits until every running member serves: exactly one leader
// and the rest followers (a single member: standalone or leader). It
// returns how long that took.
func (e *ensemble) waitFormed(t *testing.T, bound time.Duration, what string) time.Duration {
	t.Helper()
	began := time.Now()
	var modes map[string]string
	var crashed *member
	ok := waitFor(bound, func() bool {
		for _, m := range e.members {
			if m.up && !m.running() {
				crashed = m
				return true
			}
		}
		modes = e.modes()
		return formed(modes, e.running())
	})
	if crashed != nil {
		t.Fatalf("%s: %s exited with status %d; modes: %v", what, crashed.pod, crashed.exit, e.modes())
	}
	if !ok {
		t.Fatalf("%s: no ensemble within %s; modes: %v", what, bound, modes)
	}
	return time.Since(began)
}

func formed(modes map[string]string, running []*member) bool {
	if len(running) == 0 {
		return false
	}
	leaders, followers := 0, 0
	for _, m := range running {
		switch modes[m.pod] {
		case "leader":
			leaders++
		case "follower":
			followers++
		case "standalone":
			if len(running) == 1 && len(m.e.members) == 1 {
				return true
			}
			return false
		}
	}
	return leaders == 1 && followers == len(running)-1
}

func (e *ensemble) running() []*member {
	var r []*member
	for _, m := range e.members {
		if m.running() {
			r = append(r, m)
		}
	}
	return r
}

func (e *ensemble) modes() map[string]string {
	modes := map[string]string{}
	for _, m := range e.members {
		if m.running() {
			modes[m.pod] = m.mode()
		} else {
			modes[m.pod] = "down"
		}
	}
	return modes
}

func (e *ensemble) leader(t *testing.T) *member {
	t.Helper()
	for _, m := range e.members {
		if m.running() && m.mode() == "leader" {
			return m
		}
	}
	t.Fatalf("no leader; modes: %v", e.modes())
	return nil
}

// checkIdentity checks what each running member is: the myid start.sh
// wrote (ordinal+1), and what the server itself reports through `conf`:
// its serverId and, in an ensemble, every rendered server.X line in its
// membership.
func (e *ensemble) checkIdentity(t *testing.T) {
	t.Helper()
	for _, m := range e.running() {
		if got, want := m.myid(t), strconv.Itoa(m.ord+1); got != want {
			t.Errorf("%s: myid in the data volume is %q, want %s (ordinal+1)", m.pod, got, want)
		}
		conf, err := fourLetter(m.ip, e.port, "conf")
		if err != nil {
			t.Fatalf("%s: conf: %v", m.pod, err)
		}
		kv := map[string]string{}
		for _, l := range strings.Split(conf, "\n") {
			if k, v, ok := strings.Cut(l, "="); ok {
				kv[k] = v
			}
		}
		if !strings.Contains(conf, "dataDir="+strings.TrimRight(e.r.cfg["dataDir"], "/")+"/version-2") {
			t.Errorf("%s: the server's dataDir is not the rendered %s:\n%s", m.pod, e.r.cfg["dataDir"], conf)
		}
		if d := e.r.cfg["dataLogDir"]; d != "" && !strings.Contains(conf, "dataLogDir="+strings.TrimRight(d, "/")+"/version-2") {
			t.Errorf("%s: the server's dataLogDir is not the rendered %s:\n%s", m.pod, d, conf)
		}
		if len(e.members) == 1 && kv["serverId"] == "0" {
			// Standalone: ZooKeeper ignores myid and server.1 and reports 0.
			continue
		}
		if got, want := kv["serverId"], strconv.Itoa(m.ord+1); got != want {
			t.Errorf("%s: the server reports serverId %q, want %s\n%s", m.pod, got, want, conf)
		}
		for _, s := range e.r.servers {
			// ZooKeeper prints server.N=host:quorum:election:role;clientAddr:port.
			want := regexp.MustCompile(fmt.Sprintf(`(?m)^server\.%d=%s:%d:%d:%s;`, s.id, regexp.QuoteMeta(s.host), s.quorum, s.election, s.role))
			if !want.MatchString(conf) {
				t.Errorf("%s: rendered line %q is not in the server's membership:\n%s", m.pod, s.raw, conf)
			}
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}

// checkLeaderMntr cross-checks formation with the leader's own metrics
// (when mntr is whitelisted): it knows it leads, and every other member
// is a synced follower.
func (e *ensemble) checkLeaderMntr(t *testing.T) {
	t.Helper()
	wl := e.r.whitelist()
	if len(e.members) == 1 || !(wl["mntr"] || wl["*"]) {
		return
	}
	l := e.leader(t)
	out, err := fourLetter(l.ip, e.port, "mntr")
	if err != nil {
		t.Fatalf("%s: mntr: %v", l.pod, err)
	}
	kv := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, "\t"); ok {
			kv[k] = v
		}
	}
	if kv["zk_server_state"] != "leader" {
		t.Errorf("%s: mntr zk_server_state %q, want leader", l.pod, kv["zk_server_state"])
	}
	if want := strconv.Itoa(len(e.running()) - 1); kv["zk_synced_followers"] != want {
		t.Errorf("%s: mntr zk_synced_followers %q, want %s", l.pod, kv["zk_synced_followers"], want)
	}
}

// The four-letter words ZooKeeper knows (stmk takes an argument, so it is
// left out).
var fourLetterWords = []string{"conf", "cons", "crst", "dirs", "dump", "envi", "gtmk", "hash", "isro", "mntr", "ruok", "srst", "srvr", "stat", "wchc", "wchp", "wchs"}

// checkWhitelist asks every word of one member: those in the rendered
// whitelist answer, the others are refused. ZooKeeper itself always
// allows srvr, and isro when read-only mode is on (clients in read-only
// sessions use it to look for a read-write server).
func (e *ensemble) checkWhitelist(t *testing.T, m *member) {
	t.Helper()
	wl := e.r.whitelist()
	if !wl["srvr"] || !wl["ruok"] {
		t.Errorf("4lw.commands.whitelist %q lacks srvr or ruok, which the probes use", e.r.cfg["4lw.commands.whitelist"])
	}
	wl["srvr"] = true
	if e.readOnlyMode {
		wl["isro"] = true
	}
	for _, w := range fourLetterWords {
		out, err := fourLetter(m.ip, e.port, w)
		if err != nil {
			t.Errorf("%s: %s: %v", m.pod, w, err)
			continue
		}
		refused := strings.Contains(out, "is not executed because it is not in the whitelist")
		if allowed := wl[w] || wl["*"]; allowed == refused {
			t.Errorf("%s: 4lw %s: whitelisted=%v but the server answered %q", m.pod, w, allowed, firstLine(out))
		}
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// checkAutopurge checks that ZooKeeper took the rendered autopurge
// settings. Neither conf, mntr nor the admin server shows them, so the
// evidence is the server's own start-up report (DatadirCleanupManager) and
// whether it scheduled the purge task.
func (e *ensemble) checkAutopurge(t *testing.T, m *member) {
	t.Helper()
	retain, interval := e.r.cfg["autopurge.snapRetainCount"], e.r.cfg["autopurge.purgeInterval"]
	if retain == "" || interval == "" {
		t.Errorf("zoo.cfg lacks autopurge.snapRetainCount (%q) or autopurge.purgeInterval (%q)", retain, interval)
		return
	}
	log, _ := os.ReadFile(m.logPath)
	for _, want := range []string{"autopurge.snapRetainCount set to " + retain, "autopurge.purgeInterval set to " + interval} {
		if !strings.Contains(string(log), want) {
			t.Errorf("%s: the server did not report %q", m.pod, want)
		}
	}
	sched := "Purge task started."
	if interval == "0" {
		sched = "Purge task is not scheduled."
	}
	if !strings.Contains(string(log), sched) {
		t.Errorf("%s: the server did not report %q", m.pod, sched)
	}
}

// checkAdminServer checks the admin server answers where zoo.cfg says
// (it starts a little after the client port under load), or is off.
func (e *ensemble) checkAdminServer(t *testing.T, m *member) {
	t.Helper()
	port := 8080
	if p, err := strconv.Atoi(e.r.cfg["admin.serverPort"]); err == nil {
		port = p
	}
	url := fmt.Sprintf("http://%s:%d/commands/ruok", m.ip, port)
	hc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Proxy: nil}}
	get := func() (string, error) {
		resp, err := hc.Get(url)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return string(b), err
	}
	if e.r.cfg["admin.enableServer"] == "false" {
		if _, err := get(); err == nil {
			t.Errorf("%s: admin.enableServer=false but %s answers", m.pod, url)
		}
		return
	}
	var body string
	var err error
	if !waitFor(30*time.Second, func() bool { body, err = get(); return err == nil }) || !strings.Contains(body, `"command" : "ruok"`) {
		t.Errorf("%s: admin server %s: %v %s", m.pod, url, err, body)
	}
}

// startupProbes runs the rendered startup probe (if any) on members: the
// kubelet runs no readiness or liveness probe before it succeeds.
func (e *ensemble) startupProbes(t *testing.T, ms []*member) {
	t.Helper()
	p := e.r.container.StartupProbe
	if p == nil {
		return
	}
	for _, m := range ms {
		if ok, out := m.probe(t, "startup", p); !ok {
			t.Errorf("%s (mode %q): startup probe %v failed\n%s", m.pod, m.mode(), p.Exec.Command, out)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}

// probesAll runs the rendered readiness and liveness probes on every
// running member and wants them to report want.
func (e *ensemble) probesAll(t *testing.T, ms []*member, wantReady, wantLive bool) {
	t.Helper()
	c := e.r.container
	for _, m := range ms {
		if ok, out := m.probe(t, "readiness", c.ReadinessProbe); ok != wantReady {
			t.Errorf("%s (mode %q): readiness probe %v: success=%v, want %v\n%s", m.pod, m.mode(), c.ReadinessProbe.Exec.Command, ok, wantReady, out)
		}
		if ok, out := m.probe(t, "liveness", c.LivenessProbe); ok != wantLive {
			t.Errorf("%s (mode %q): liveness probe %v: success=%v, want %v\n%s", m.pod, m.mode(), c.LivenessProbe.Exec.Command, ok, wantLive, out)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}

func pods(ms []*member) string {
	var s []string
	for _, m := range ms {
		s = append(s, m.pod)
	}
	sort.Strings(s)
	return strings.Join(s, ",")
}

// snapshots lists the snapshot files in the member's data volume.
func (e *ensemble) snapshots(t *testing.T, m *member) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(m.hostDir(t, e.r.cfg["dataDir"]), "version-2", "snapshot.*"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// fillForPurge writes enough transactions for a zoo.cfg with a small
// snapCount to leave many snapshots on every member.
func (e *ensemble) fillForPurge(t *testing.T, via *member) {
	t.Helper()
	ops := []string{"create:/zkfn-purge:x"}
	for i := 0; i < 200; i++ {
		ops = append(ops, fmt.Sprintf("create:/zkfn-purge/n%03d:x", i))
	}
	res := e.client(t, e.connectTo(via), false, 20*time.Second, ops...)
	for k, v := range res.ops {
		if v != "result=ok" {
			t.Fatalf("fill for purge: %s: %s", k, v)
		}
	}
	if len(res.ops) != len(ops) {
		t.Fatalf("fill for purge: %d of %d operations ran\n%s", len(res.ops), len(ops), res.out)
	}
}

// checkPurged checks that autopurge ran when m restarted: of the
// snapshots it had before, only the newest snapRetainCount are left, and
// the server reported the purge.
func (e *ensemble) checkPurged(t *testing.T, m *member, before []string) {
	t.Helper()
	retain, err := strconv.Atoi(e.r.cfg["autopurge.snapRetainCount"])
	if err != nil {
		t.Fatalf("autopurge.snapRetainCount: %v", err)
	}
	if len(before) <= retain {
		t.Fatalf("%s had %d snapshots before its restart; the purge check needs more than autopurge.snapRetainCount=%d (snapCount=%s)", m.pod, len(before), retain, e.r.cfg["snapCount"])
	}
	after := map[string]bool{}
	for _, f := range e.snapshots(t, m) {
		after[f] = true
	}
	// Snapshot names carry the zxid in hex; order by it.
	sort.Slice(before, func(i, j int) bool { return snapZxid(before[i]) < snapZxid(before[j]) })
	for i, f := range before {
		kept := after[f]
		if want := i >= len(before)-retain; kept != want {
			t.Errorf("%s: snapshot %s (%d of %d, oldest first) kept=%v after the start-up purge, want %v (snapRetainCount=%d)", m.pod, filepath.Base(f), i+1, len(before), kept, want, retain)
		}
	}
	if log := m.currentLog(); !strings.Contains(log, "Purge task completed.") {
		t.Errorf("%s: no \"Purge task completed.\" in the log of its last start", m.pod)
	}
}

func snapZxid(f string) uint64 {
	z, _ := strconv.ParseUint(strings.TrimPrefix(filepath.Ext(f), "."), 16, 64)
	return z
}
