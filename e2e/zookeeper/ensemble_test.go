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

	corev1 "k8s.io/api/core/v1"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// Bounds of the waits. Formation includes JVM start-up of every member on
// a 2-core machine.
const (
	formationBound = 240 * time.Second
	electionBound  = 60 * time.Second
	rejoinBound    = 120 * time.Second
	readOnlyBound  = 60 * time.Second
	startFailBound = 60 * time.Second
)

// ensemble is a zkrun ensemble with what the suite checks and measures.
type ensemble struct {
	*zkrun.Ensemble
	name         string
	cfg          map[string]string // zoo.cfg's values
	readOnlyMode bool              // the rendered SERVER_JVMFLAGS turn read-only mode on
	times        timings
}

type timings struct {
	formation, reelection, rejoin, quorumBack time.Duration
}

func newEnsemble(t *testing.T, sb *zkrun.Sandbox, name string, r *zkrun.Rendered) *ensemble {
	t.Helper()
	e := &ensemble{Ensemble: sb.NewEnsemble(t, r, zkrun.Options{Name: name}), name: name, cfg: r.ZooCfg.Values}
	for _, kv := range e.Members[0].Env(t, zkrun.ServerContainer) {
		if strings.HasPrefix(kv, "SERVER_JVMFLAGS=") && strings.Contains(kv, "-Dreadonlymode.enabled=true") {
			e.readOnlyMode = true
		}
	}
	return e
}

// checkServerLines checks the rendered server.X lines against the pods:
// one line per pod, each host a name the cluster's DNS gives a pod, and
// the ids 1..n in ordinal order (start.sh writes myid = ordinal+1).
func (e *ensemble) checkServerLines(t *testing.T) {
	t.Helper()
	if len(e.R.ZooCfg.Servers) != len(e.Members) {
		t.Fatalf("zoo.cfg has %d server.X lines for %d replicas", len(e.R.ZooCfg.Servers), len(e.Members))
	}
	for i, s := range e.R.ZooCfg.Servers {
		m := e.Members[i]
		if s.ID != i+1 || s.Host != m.FQDN {
			t.Errorf("zoo.cfg line %q: want server.%d=%s (pod %s's DNS name)", s.Raw, i+1, m.FQDN, m.Pod)
		}
		if s.Role != "participant" {
			t.Errorf("zoo.cfg line %q: role %s, want participant", s.Raw, s.Role)
		}
		// The ports must be the ones the pod declares: the Services and the
		// NetworkPolicy are built from those, so in a cluster a port only
		// zoo.cfg knows is unreachable (here, with no NetworkPolicy, it
		// would work).
		for _, p := range []struct {
			name string
			port int
		}{{"quorum", s.Quorum}, {"election", s.Election}, {"client", e.Port}} {
			if !e.declaresPort(t, p.port) {
				t.Errorf("zoo.cfg line %q: %s port %d is not a containerPort of the zookeeper container", s.Raw, p.name, p.port)
			}
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}

func (e *ensemble) declaresPort(t *testing.T, port int) bool {
	for _, p := range e.container(t).Ports {
		if int(p.ContainerPort) == port {
			return true
		}
	}
	return false
}

// startAll starts the members as the StatefulSet controller would and
// records the formation time.
func (e *ensemble) startAll(t *testing.T) {
	t.Helper()
	e.times.formation = e.StartAll(t, formationBound)
	t.Logf("%s: %d members formed an ensemble %s after start", e.name, len(e.Members), e.times.formation.Round(10*time.Millisecond))
}

// myid reads the myid file start.sh wrote into the data volume.
func (e *ensemble) myid(t *testing.T, m *zkrun.Member) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(m.HostPath(t, zkrun.ServerContainer, e.cfg["dataDir"]), "myid"))
	if err != nil {
		t.Fatalf("%s: %v", m.Pod, err)
	}
	return strings.TrimSpace(string(b))
}

// container is the rendered zookeeper container.
func (e *ensemble) container(t *testing.T) corev1.Container {
	return e.R.Container(t, zkrun.ServerContainer)
}

// checkIdentity checks what each running member is: the myid start.sh
// wrote (ordinal+1), and what the server itself reports through `conf`:
// its serverId and, in an ensemble, every rendered server.X line in its
// membership.
func (e *ensemble) checkIdentity(t *testing.T) {
	t.Helper()
	for _, m := range e.Running() {
		if got, want := e.myid(t, m), strconv.Itoa(m.Ord+1); got != want {
			t.Errorf("%s: myid in the data volume is %q, want %s (ordinal+1)", m.Pod, got, want)
		}
		conf, err := m.FourLetter("conf")
		if err != nil {
			t.Fatalf("%s: conf: %v", m.Pod, err)
		}
		kv := map[string]string{}
		for _, l := range strings.Split(conf, "\n") {
			if k, v, ok := strings.Cut(l, "="); ok {
				kv[k] = v
			}
		}
		if !strings.Contains(conf, "dataDir="+strings.TrimRight(e.cfg["dataDir"], "/")+"/version-2") {
			t.Errorf("%s: the server's dataDir is not the rendered %s:\n%s", m.Pod, e.cfg["dataDir"], conf)
		}
		if d := e.cfg["dataLogDir"]; d != "" && !strings.Contains(conf, "dataLogDir="+strings.TrimRight(d, "/")+"/version-2") {
			t.Errorf("%s: the server's dataLogDir is not the rendered %s:\n%s", m.Pod, d, conf)
		}
		if len(e.Members) == 1 && kv["serverId"] == "0" {
			// Standalone: ZooKeeper ignores myid and server.1 and reports 0.
			continue
		}
		if got, want := kv["serverId"], strconv.Itoa(m.Ord+1); got != want {
			t.Errorf("%s: the server reports serverId %q, want %s\n%s", m.Pod, got, want, conf)
		}
		for _, s := range e.R.ZooCfg.Servers {
			// ZooKeeper prints server.N=host:quorum:election:role;clientAddr:port.
			want := regexp.MustCompile(fmt.Sprintf(`(?m)^server\.%d=%s:%d:%d:%s;`, s.ID, regexp.QuoteMeta(s.Host), s.Quorum, s.Election, s.Role))
			if !want.MatchString(conf) {
				t.Errorf("%s: rendered line %q is not in the server's membership:\n%s", m.Pod, s.Raw, conf)
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
	wl := e.R.ZooCfg.Whitelist()
	if len(e.Members) == 1 || !(wl["mntr"] || wl["*"]) {
		return
	}
	l := e.Leader(t)
	out, err := l.FourLetter("mntr")
	if err != nil {
		t.Fatalf("%s: mntr: %v", l.Pod, err)
	}
	kv := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, "\t"); ok {
			kv[k] = v
		}
	}
	if kv["zk_server_state"] != "leader" {
		t.Errorf("%s: mntr zk_server_state %q, want leader", l.Pod, kv["zk_server_state"])
	}
	if want := strconv.Itoa(len(e.Running()) - 1); kv["zk_synced_followers"] != want {
		t.Errorf("%s: mntr zk_synced_followers %q, want %s", l.Pod, kv["zk_synced_followers"], want)
	}
}

// The four-letter words ZooKeeper knows (stmk takes an argument, so it is
// left out).
var fourLetterWords = []string{"conf", "cons", "crst", "dirs", "dump", "envi", "gtmk", "hash", "isro", "mntr", "ruok", "srst", "srvr", "stat", "wchc", "wchp", "wchs"}

// checkWhitelist asks every word of one member: those in the rendered
// whitelist answer, the others are refused. ZooKeeper itself always
// allows srvr, and isro when read-only mode is on (clients in read-only
// sessions use it to look for a read-write server).
func (e *ensemble) checkWhitelist(t *testing.T, m *zkrun.Member) {
	t.Helper()
	wl := e.R.ZooCfg.Whitelist()
	if !wl["srvr"] || !wl["ruok"] {
		t.Errorf("4lw.commands.whitelist %q lacks srvr or ruok, which the probes use", e.cfg["4lw.commands.whitelist"])
	}
	wl["srvr"] = true
	if e.readOnlyMode {
		wl["isro"] = true
	}
	for _, w := range fourLetterWords {
		out, err := m.FourLetter(w)
		if err != nil {
			t.Errorf("%s: %s: %v", m.Pod, w, err)
			continue
		}
		refused := strings.Contains(out, "is not executed because it is not in the whitelist")
		if allowed := wl[w] || wl["*"]; allowed == refused {
			t.Errorf("%s: 4lw %s: whitelisted=%v but the server answered %q", m.Pod, w, allowed, firstLine(out))
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
func (e *ensemble) checkAutopurge(t *testing.T, m *zkrun.Member) {
	t.Helper()
	retain, interval := e.cfg["autopurge.snapRetainCount"], e.cfg["autopurge.purgeInterval"]
	if retain == "" || interval == "" {
		t.Errorf("zoo.cfg lacks autopurge.snapRetainCount (%q) or autopurge.purgeInterval (%q)", retain, interval)
		return
	}
	log, _ := os.ReadFile(m.LogPath(zkrun.ServerContainer))
	for _, want := range []string{"autopurge.snapRetainCount set to " + retain, "autopurge.purgeInterval set to " + interval} {
		if !strings.Contains(string(log), want) {
			t.Errorf("%s: the server did not report %q", m.Pod, want)
		}
	}
	sched := "Purge task started."
	if interval == "0" {
		sched = "Purge task is not scheduled."
	}
	if !strings.Contains(string(log), sched) {
		t.Errorf("%s: the server did not report %q", m.Pod, sched)
	}
}

// checkAdminServer checks the admin server answers where zoo.cfg says
// (it starts a little after the client port under load), or is off.
func (e *ensemble) checkAdminServer(t *testing.T, m *zkrun.Member) {
	t.Helper()
	port := 8080
	if p, err := strconv.Atoi(e.cfg["admin.serverPort"]); err == nil {
		port = p
	}
	url := fmt.Sprintf("http://%s:%d/commands/ruok", m.IP, port)
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
	if e.cfg["admin.enableServer"] == "false" {
		if _, err := get(); err == nil {
			t.Errorf("%s: admin.enableServer=false but %s answers", m.Pod, url)
		}
		return
	}
	var body string
	var err error
	if !zkrun.WaitFor(30*time.Second, func() bool { body, err = get(); return err == nil }) || !strings.Contains(body, `"command" : "ruok"`) {
		t.Errorf("%s: admin server %s: %v %s", m.Pod, url, err, body)
	}
}

// startupProbes runs the rendered startup probe (if any) on members: the
// kubelet runs no readiness or liveness probe before it succeeds.
func (e *ensemble) startupProbes(t *testing.T, ms []*zkrun.Member) {
	t.Helper()
	p := e.container(t).StartupProbe
	if p == nil {
		return
	}
	for _, m := range ms {
		if ok, out := m.Probe(t, zkrun.Startup); !ok {
			t.Errorf("%s (mode %q): startup probe %v failed\n%s", m.Pod, m.Mode(), p.Exec.Command, out)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}

// probesAll runs the rendered readiness and liveness probes on every
// running member and wants them to report want.
func (e *ensemble) probesAll(t *testing.T, ms []*zkrun.Member, wantReady, wantLive bool) {
	t.Helper()
	c := e.container(t)
	for _, m := range ms {
		if ok, out := m.Probe(t, zkrun.Readiness); ok != wantReady {
			t.Errorf("%s (mode %q): readiness probe %v: success=%v, want %v\n%s", m.Pod, m.Mode(), c.ReadinessProbe.Exec.Command, ok, wantReady, out)
		}
		if ok, out := m.Probe(t, zkrun.Liveness); ok != wantLive {
			t.Errorf("%s (mode %q): liveness probe %v: success=%v, want %v\n%s", m.Pod, m.Mode(), c.LivenessProbe.Exec.Command, ok, wantLive, out)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}

func pods(ms []*zkrun.Member) string {
	var s []string
	for _, m := range ms {
		s = append(s, m.Pod)
	}
	sort.Strings(s)
	return strings.Join(s, ",")
}

// snapshots lists the snapshot files in the member's data volume.
func (e *ensemble) snapshots(t *testing.T, m *zkrun.Member) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(m.HostPath(t, zkrun.ServerContainer, e.cfg["dataDir"]), "version-2", "snapshot.*"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// fillForPurge writes enough transactions for a zoo.cfg with a small
// snapCount to leave many snapshots on every member.
func (e *ensemble) fillForPurge(t *testing.T, via *zkrun.Member) {
	t.Helper()
	ops := []string{"create:/zkfn-purge:x"}
	for i := 0; i < 200; i++ {
		ops = append(ops, fmt.Sprintf("create:/zkfn-purge/n%03d:x", i))
	}
	res := e.Client(t, zkrun.Call{Connect: e.ConnectTo(via)}, ops...)
	for k, v := range res.Ops {
		if v != "result=ok" {
			t.Fatalf("fill for purge: %s: %s", k, v)
		}
	}
	if len(res.Ops) != len(ops) {
		t.Fatalf("fill for purge: %d of %d operations ran\n%s", len(res.Ops), len(ops), res.Out)
	}
}

// checkPurged checks that autopurge ran when m restarted: of the
// snapshots it had before, only the newest snapRetainCount are left, and
// the server reported the purge.
func (e *ensemble) checkPurged(t *testing.T, m *zkrun.Member, before []string) {
	t.Helper()
	retain, err := strconv.Atoi(e.cfg["autopurge.snapRetainCount"])
	if err != nil {
		t.Fatalf("autopurge.snapRetainCount: %v", err)
	}
	if len(before) <= retain {
		t.Fatalf("%s had %d snapshots before its restart; the purge check needs more than autopurge.snapRetainCount=%d (snapCount=%s)", m.Pod, len(before), retain, e.cfg["snapCount"])
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
			t.Errorf("%s: snapshot %s (%d of %d, oldest first) kept=%v after the start-up purge, want %v (snapRetainCount=%d)", m.Pod, filepath.Base(f), i+1, len(before), kept, want, retain)
		}
	}
	if log := m.Proc(zkrun.ServerContainer).CurrentLog(); !strings.Contains(log, "Purge task completed.") {
		t.Errorf("%s: no \"Purge task completed.\" in the log of its last start", m.Pod)
	}
}

func snapZxid(f string) uint64 {
	z, _ := strconv.ParseUint(strings.TrimPrefix(filepath.Ext(f), "."), 16, 64)
	return z
}
