//go:build e2e

// Package monitoring proves the rendered monitoring: the alert rules and
// the dashboard's queries parse with Prometheus' own parsers, every metric
// they read is one a real ZooKeeper member exports (or one of the few
// kubelet/Prometheus series the rules name as external), and the
// ServiceMonitor reaches the members' metrics port.
package monitoring

import (
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
	"github.com/zookeeper-fn/zookeeper-fn/internal/render"
)

// wantAlerts is every alert an SRE is paged on; each must be rendered.
var wantAlerts = []string{
	"ZookeeperMemberDown", "ZookeeperQuorumLost", "ZookeeperNoLeader", "ZookeeperMemberNotFollowing",
	"ZookeeperFrequentElections", "ZookeeperOutstandingRequestsHigh", "ZookeeperRequestLatencyHigh",
	"ZookeeperFsyncSlow", "ZookeeperTooManyConnections", "ZookeeperConnectionsRejected",
	"ZookeeperFileDescriptorsHigh", "ZookeeperVolumeFilling", "ZookeeperVolumeFullSoon",
}

type checked struct {
	Rules []struct {
		Name    string   `json:"name"`
		Metrics []string `json:"metrics"`
	} `json:"rules"`
	Exprs []struct {
		Expr    string   `json:"expr"`
		Metrics []string `json:"metrics"`
	} `json:"exprs"`
}

// sandboxInput is what the sandboxed run gets: the rendered output and
// each ZooKeeper metric name with the rules/queries that use it.
type sandboxInput struct {
	Output  string
	Metrics map[string][]string
}

func TestMonitoring(t *testing.T) {
	if zkrun.Sandboxed(t, inSandbox) {
		return
	}
	root := harness.Root(t)
	out := string(harness.Render(t, filepath.Join(root, "e2e", "monitoring", "testdata", "spec.yaml")))
	r := zkrun.Parse(t, []byte(out))
	checkServiceMonitor(t, r)
	res := ruleCheck(t, r)

	byMetric := map[string][]string{}
	got := map[string]bool{}
	for _, rule := range res.Rules {
		got[rule.Name] = true
		if len(rule.Metrics) == 0 {
			t.Errorf("alert %s reads no metric", rule.Name)
		}
		for _, m := range rule.Metrics {
			byMetric[m] = append(byMetric[m], "alert "+rule.Name)
		}
	}
	for _, a := range wantAlerts {
		if !got[a] {
			t.Errorf("alert %s is not rendered", a)
		}
	}
	if len(res.Exprs) == 0 {
		t.Errorf("the dashboard has no queries")
	}
	for _, e := range res.Exprs {
		for _, m := range e.Metrics {
			byMetric[m] = append(byMetric[m], "dashboard query "+e.Expr)
		}
	}
	zk := map[string][]string{}
	for m, users := range byMetric {
		if who, ok := render.ExternalMetrics[m]; ok {
			t.Logf("external metric %s (from %s) used by %d rule(s)/queries", m, who, len(users))
			continue
		}
		zk[m] = users
	}
	if t.Failed() {
		return
	}
	in := sandboxInput{Output: out, Metrics: zk}
	zkrun.Reexec(t, in, r)
}

func inSandbox(t *testing.T) {
	var in sandboxInput
	sb := zkrun.Enter(t, &in)
	e := sb.NewEnsemble(t, zkrun.Parse(t, []byte(in.Output)), zkrun.Options{})
	e.StartAll(t, 240*time.Second)

	// Some traffic, so that the summaries have observations too.
	e.Load(t, "/monitoring\tx\n/monitoring/a\t1\n")

	exported := map[string]string{}
	for _, m := range e.Members {
		out, err := m.FourLetter("mntr")
		if err != nil {
			t.Fatalf("mntr on %s: %v", m.Pod, err)
		}
		for _, l := range strings.Split(out, "\n") {
			k, v, ok := strings.Cut(l, "\t")
			if ok {
				exported[k] = v
			}
		}
	}
	if len(exported) < 20 {
		t.Fatalf("mntr answered only %d values; is mntr in the 4lw whitelist?", len(exported))
	}
	names := make([]string, 0, len(in.Metrics))
	for n := range in.Metrics {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		key, ok := mntrKey(n, exported)
		if !ok {
			t.Errorf("metric %s (used by %s) is not exported by ZooKeeper: mntr of every member has no %s", n, strings.Join(in.Metrics[n], "; "), strings.Join(candidates(n), " or "))
			continue
		}
		t.Logf("%-24s = mntr %s (%s)", n, key, exported[key])
	}
}

// notProvider are mntr keys that come from the server's own
// dumpMonitorValues, not from the metrics provider, so Prometheus never
// sees them (ZooKeeperServer and QuorumZooKeeperServer.dumpMonitorValues).
var notProvider = map[string]bool{"zk_version": true, "zk_server_state": true, "zk_peer_state": true}

var number = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$`)

// candidates maps a Prometheus series name of ZooKeeper's Prometheus
// provider to the mntr keys of the same metric. The provider (zookeeper-
// prometheus-metrics, simpleclient 0.9.0) exports gauges and counters
// under their ZooKeeper name, with no _total suffix (that came with
// simpleclient 0.10), and a summary S as S{quantile=...}, S_count and
// S_sum; mntr prints them as zk_<name>, and a summary as zk_cnt_S,
// zk_sum_S, zk_avg_S, zk_min_S, zk_max_S.
func candidates(n string) []string {
	c := []string{"zk_" + n, "zk_cnt_" + n}
	if b, ok := strings.CutSuffix(n, "_count"); ok {
		c = append(c, "zk_cnt_"+b)
	}
	if b, ok := strings.CutSuffix(n, "_sum"); ok {
		c = append(c, "zk_sum_"+b)
	}
	return c
}

func mntrKey(n string, exported map[string]string) (string, bool) {
	for _, k := range candidates(n) {
		v, ok := exported[k]
		if ok && !notProvider[k] && number.MatchString(strings.TrimSpace(v)) {
			return k, true
		}
	}
	return "", false
}
