//go:build e2e

// Package monitoring proves the rendered monitoring: the alert rules and
// the dashboard's queries parse with Prometheus' own parsers, every metric
// they read is one a real ZooKeeper member exports (or one of the few
// kubelet/Prometheus series the rules name as external), and the
// ServiceMonitor reaches the members' metrics port.
package monitoring

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

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
	if zkrun.InSandbox() {
		inSandbox(t)
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

// ruleCheck runs Prometheus' parsers (rulecheck) on the PrometheusRule's
// spec, which is a Prometheus rule file, and on the dashboard's queries.
func ruleCheck(t *testing.T, r *zkrun.Rendered) checked {
	t.Helper()
	bin := harness.Tool(t, "ZKFN_RULECHECK", "e2e-monitoring")
	prs := r.Kind("PrometheusRule")
	if len(prs) != 1 {
		t.Fatalf("want 1 PrometheusRule, got %d", len(prs))
	}
	spec, err := yaml.Marshal(prs[0]["spec"])
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rules := filepath.Join(dir, "rules.yaml")
	exprs := filepath.Join(dir, "exprs.txt")
	if err := os.WriteFile(rules, spec, 0o644); err != nil {
		t.Fatal(err)
	}
	var queries []string
	for _, cm := range r.ConfigMaps {
		js, ok := cm.Data[render.DashboardKey]
		if !ok {
			continue
		}
		var d struct {
			Panels []struct {
				Targets []struct {
					Expr string `json:"expr"`
				} `json:"targets"`
			} `json:"panels"`
		}
		if err := json.Unmarshal([]byte(js), &d); err != nil {
			t.Fatalf("dashboard %s is not JSON: %v", cm.Name, err)
		}
		for _, p := range d.Panels {
			for _, tg := range p.Targets {
				queries = append(queries, tg.Expr)
			}
		}
	}
	if err := os.WriteFile(exprs, []byte(strings.Join(queries, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, code, err := zkrun.Run(60*time.Second, nil, nil, bin, rules, exprs)
	if err != nil || code != 0 {
		t.Fatalf("Prometheus' parser rejects the rendered rules or dashboard queries:\n%s", stdout)
	}
	var res checked
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("rulecheck output: %v\n%s", err, stdout)
	}
	return res
}

// checkServiceMonitor: the ServiceMonitor selects exactly the metrics
// Service, on a port the Service has, whose target is the container's
// metrics port; the rules select the job the Operator names after it.
func checkServiceMonitor(t *testing.T, r *zkrun.Rendered) {
	t.Helper()
	sms := r.Kind("ServiceMonitor")
	if len(sms) != 1 {
		t.Fatalf("want 1 ServiceMonitor, got %d", len(sms))
	}
	var sm struct {
		Spec struct {
			Selector struct {
				MatchLabels map[string]string `json:"matchLabels"`
			} `json:"selector"`
			Endpoints []struct {
				Port string `json:"port"`
				Path string `json:"path"`
			} `json:"endpoints"`
		} `json:"spec"`
	}
	remarshal(t, sms[0], &sm)
	var matched []string
	for _, d := range r.Kind("Service") {
		var svc struct {
			Metadata struct {
				Name   string            `json:"name"`
				Labels map[string]string `json:"labels"`
			} `json:"metadata"`
			Spec struct {
				Selector map[string]string `json:"selector"`
				Ports    []struct {
					Name       string `json:"name"`
					Port       int    `json:"port"`
					TargetPort any    `json:"targetPort"`
				} `json:"ports"`
				PublishNotReadyAddresses bool `json:"publishNotReadyAddresses"`
			} `json:"spec"`
		}
		remarshal(t, d, &svc)
		if !subset(sm.Spec.Selector.MatchLabels, svc.Metadata.Labels) {
			continue
		}
		matched = append(matched, svc.Metadata.Name)
		if !svc.Spec.PublishNotReadyAddresses {
			t.Errorf("Service %s does not publish members that are not ready: a member out of quorum would not be scraped", svc.Metadata.Name)
		}
		if !subset(svc.Spec.Selector, r.StatefulSet.Spec.Template.Labels) {
			t.Errorf("Service %s selects %v, not the members (%v)", svc.Metadata.Name, svc.Spec.Selector, r.StatefulSet.Spec.Template.Labels)
		}
		found := false
		for _, p := range svc.Spec.Ports {
			if p.Name != sm.Spec.Endpoints[0].Port {
				continue
			}
			found = true
			c := r.StatefulSet.Spec.Template.Spec.Containers[0]
			ok := false
			for _, cp := range c.Ports {
				if cp.Name == p.TargetPort && strconv.Itoa(int(cp.ContainerPort)) == strconv.Itoa(p.Port) {
					ok = true
				}
			}
			if !ok {
				t.Errorf("Service %s port %s targets %v, not the container's metrics port", svc.Metadata.Name, p.Name, p.TargetPort)
			}
		}
		if !found {
			t.Errorf("Service %s has no port %s", svc.Metadata.Name, sm.Spec.Endpoints[0].Port)
		}
	}
	if len(matched) != 1 {
		t.Fatalf("the ServiceMonitor selects %d Services (%v), want exactly the metrics Service", len(matched), matched)
	}
	prs := r.Kind("PrometheusRule")
	if len(prs) == 1 {
		b, _ := json.Marshal(prs[0])
		if !strings.Contains(string(b), `job=\"`+matched[0]+`\"`) {
			t.Errorf("the alert rules do not select job=%q, the job the Prometheus Operator names after the scraped Service", matched[0])
		}
	}
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

func subset(sel, labels map[string]string) bool {
	if len(sel) == 0 {
		return false
	}
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func remarshal(t *testing.T, in any, out any) {
	t.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
}
