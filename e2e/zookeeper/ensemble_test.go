//go:build e2e

package zookeeper

import (
	"fmt"
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
		kv := keyValues(conf, "=")
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
	kv := keyValues(out, "\t")
	if kv["zk_server_state"] != "leader" {
		t.Errorf("%s: mntr zk_server_state %q, want leader", l.Pod, kv["zk_server_state"])
	}
	if want := strconv.Itoa(len(e.Running()) - 1); kv["zk_synced_followers"] != want {
		t.Errorf("%s: mntr zk_synced_followers %q, want %s", l.Pod, kv["zk_synced_followers"], want)
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

// keyValues reads a four-letter word's "key<sep>value" lines (conf: "=",
// mntr: a tab).
func keyValues(out, sep string) map[string]string {
	kv := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(l, sep); ok {
			kv[k] = v
		}
	}
	return kv
}
