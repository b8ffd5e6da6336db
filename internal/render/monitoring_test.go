package render

import (
	"encoding/json"
	"strings"
	"testing"

	monv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// spec decodes and defaults a spec body for ensemble zk in namespace ns.
func spec(t *testing.T, body string) *api.ZookeeperSpec {
	t.Helper()
	js, err := yaml.YAMLToJSON([]byte("apiVersion: zookeeper-fn.dev/v1alpha1\nkind: ZookeeperSpec\nmetadata: {name: zk, namespace: ns}\nspec:\n" + body))
	require.NoError(t, err)
	z, ps := api.Decode(js)
	require.Empty(t, ps)
	ps = z.Check()
	require.False(t, ps.HasErrors(), ps.Error())
	return z
}

func kinds(objs []Object) []string {
	var out []string
	for _, o := range objs {
		out = append(out, o.GetObjectKind().GroupVersionKind().Kind)
	}
	return out
}

func TestMonitoringDefaultIsMetricsServiceOnly(t *testing.T) {
	z := spec(t, "  replicas: 3\n")
	objs := Monitoring(z, z.Membership())
	require.Equal(t, []string{"Service"}, kinds(objs))
	svc := objs[0].(*corev1.Service)
	assert.Equal(t, "zk-metrics", svc.Name)
	assert.Equal(t, corev1.ClusterIPNone, svc.Spec.ClusterIP)
	assert.True(t, svc.Spec.PublishNotReadyAddresses, "members out of quorum must stay scraped")
	assert.Equal(t, z.Names().Selector(), svc.Spec.Selector)
	assert.Equal(t, ComponentMetrics, svc.Labels[names.LabelComponent])
	require.Len(t, svc.Spec.Ports, 1)
	assert.Equal(t, PortMetrics, svc.Spec.Ports[0].Name)
	assert.EqualValues(t, 7000, svc.Spec.Ports[0].Port)

	z = spec(t, "  zookeeper: {metrics: {enabled: false}}\n")
	assert.Empty(t, Monitoring(z, z.Membership()), "no metrics, no monitoring objects")
}

func TestServiceMonitor(t *testing.T) {
	z := spec(t, "  monitoring: {serviceMonitor: {labels: {release: prom, app.kubernetes.io/name: other}, interval: 15s}}\n")
	objs := Monitoring(z, z.Membership())
	require.Equal(t, []string{"Service", "ServiceMonitor"}, kinds(objs))
	svc, sm := objs[0].(*corev1.Service), objs[1].(*monv1.ServiceMonitor)
	assert.Equal(t, "monitoring.coreos.com/v1", sm.APIVersion)
	assert.Equal(t, "prom", sm.Labels["release"])
	assert.Equal(t, names.AppName, sm.Labels[names.LabelName], "user labels never override the ensemble's own")
	for k, v := range sm.Spec.Selector.MatchLabels {
		assert.Equal(t, v, svc.Labels[k], "the ServiceMonitor selects the metrics Service by %s", k)
	}
	assert.Equal(t, ComponentMetrics, sm.Spec.Selector.MatchLabels[names.LabelComponent], "and no other Service")
	assert.Equal(t, []string{"ns"}, sm.Spec.NamespaceSelector.MatchNames)
	require.Len(t, sm.Spec.Endpoints, 1)
	assert.Equal(t, PortMetrics, sm.Spec.Endpoints[0].Port)
	assert.Equal(t, "/metrics", sm.Spec.Endpoints[0].Path)
	assert.EqualValues(t, "15s", sm.Spec.Endpoints[0].Interval)

	z = spec(t, "  monitoring: {service: client, serviceMonitor: {}}\n")
	objs = Monitoring(z, z.Membership())
	require.Equal(t, []string{"ServiceMonitor"}, kinds(objs), "client exposure: no Service of its own")
	sm = objs[0].(*monv1.ServiceMonitor)
	assert.NotContains(t, sm.Spec.Selector.MatchLabels, names.LabelComponent)
	assert.Equal(t, "zk-client", MetricsServiceName(z, z.Names()))
}

func TestAlertRules(t *testing.T) {
	z := spec(t, "  replicas: 5\n  monitoring: {prometheusRule: {runbookURL: 'https://runbooks.example.com/zk/', thresholds: {fsyncMillis: 25, connections: 300}}}\n")
	rules := AlertRules(z, z.Membership())
	var got []string
	byName := map[string]monv1.Rule{}
	for _, r := range rules {
		got = append(got, r.Alert)
		byName[r.Alert] = r
		assert.Contains(t, []string{SeverityCritical, SeverityWarning}, r.Labels["severity"], r.Alert)
		assert.Equal(t, "ns", r.Labels["namespace"], r.Alert)
		for _, a := range []string{"summary", "description", "runbook"} {
			assert.NotEmpty(t, r.Annotations[a], "%s has no %s", r.Alert, a)
		}
		assert.Equal(t, "https://runbooks.example.com/zk#"+strings.ToLower(r.Alert), r.Annotations["runbook_url"])
		expr := r.Expr.String()
		assert.True(t, strings.Contains(expr, `job="zk-metrics",namespace="ns"`) || strings.Contains(expr, `persistentvolumeclaim=~"(data|datalog)-zk-[0-9]+"`),
			"%s selects neither the ensemble's job nor its volumes: %s", r.Alert, expr)
		require.NotNil(t, r.For, r.Alert)
	}
	assert.Equal(t, []string{
		"ZookeeperMemberDown", "ZookeeperQuorumLost", "ZookeeperNoLeader", "ZookeeperMemberNotFollowing",
		"ZookeeperFrequentElections", "ZookeeperOutstandingRequestsHigh", "ZookeeperRequestLatencyHigh",
		"ZookeeperFsyncSlow", "ZookeeperTooManyConnections", "ZookeeperConnectionsRejected",
		"ZookeeperFileDescriptorsHigh", "ZookeeperVolumeFilling", "ZookeeperVolumeFullSoon",
	}, got)
	assert.Contains(t, byName["ZookeeperMemberDown"].Expr.StrVal, "< 5")
	assert.Contains(t, byName["ZookeeperQuorumLost"].Expr.StrVal, "< 3", "a majority of 5 is 3")
	assert.Contains(t, byName["ZookeeperMemberNotFollowing"].Expr.StrVal, "max(synced_followers{")
	assert.Contains(t, byName["ZookeeperMemberNotFollowing"].Expr.StrVal, "< 4")
	assert.Contains(t, byName["ZookeeperFsyncSlow"].Expr.StrVal, "> 25")
	assert.Contains(t, byName["ZookeeperTooManyConnections"].Expr.StrVal, "> 300")
	assert.Equal(t, SeverityCritical, byName["ZookeeperQuorumLost"].Labels["severity"])

	z = spec(t, "  replicas: 1\n  monitoring: {prometheusRule: {}}\n")
	for _, r := range AlertRules(z, z.Membership()) {
		assert.NotContains(t, []string{"ZookeeperQuorumLost", "ZookeeperNoLeader", "ZookeeperMemberNotFollowing", "ZookeeperFrequentElections"}, r.Alert,
			"a standalone member has no quorum to lose")
	}
	pr := PrometheusRule(z, z.Membership())
	assert.Equal(t, "PrometheusRule", pr.Kind)
	require.Len(t, pr.Spec.Groups, 1)
	assert.Equal(t, "zookeeper-ns-zk", pr.Spec.Groups[0].Name)
}

func TestDashboard(t *testing.T) {
	z := spec(t, "  monitoring: {dashboard: {}}\n")
	objs := Monitoring(z, z.Membership())
	require.Equal(t, []string{"Service", "ConfigMap"}, kinds(objs))
	cm := objs[1].(*corev1.ConfigMap)
	assert.Equal(t, "zk-dashboard", cm.Name)
	assert.Equal(t, "1", cm.Labels["grafana_dashboard"])
	var d struct {
		Title  string
		UID    string
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	require.NoError(t, json.Unmarshal([]byte(cm.Data[DashboardKey]), &d))
	assert.Equal(t, "ZooKeeper ns/zk", d.Title)
	var titles []string
	for _, p := range d.Panels {
		titles = append(titles, p.Title)
		require.NotEmpty(t, p.Targets, p.Title)
		for _, tg := range p.Targets {
			assert.NotEmpty(t, tg.Expr, p.Title)
		}
	}
	for _, want := range []string{"Members up", "Write latency (avg, ms)", "Packets received per second", "Znodes", "Watches", "Fsync time (avg, ms)", "Volume free (%)"} {
		assert.Contains(t, titles, want)
	}
	assert.Equal(t, DashboardJSON(z, z.Names()), cm.Data[DashboardKey], "deterministic")
}

// TestDashboardUIDsDistinct: ensembles whose uids would share their first
// 40 characters still get distinct uids, each at most 40 characters.
func TestDashboardUIDsDistinct(t *testing.T) {
	long := "team-payments-eu-west-1-production"
	seen := map[string]string{}
	for _, ns := range []string{long + "-a", long + "-b", "short"} {
		for _, name := range []string{"zk", "zk2"} {
			uid := dashboardUID(names.Ensemble{Namespace: ns, Name: name})
			assert.LessOrEqual(t, len(uid), 40, uid)
			_, dup := seen[uid]
			assert.False(t, dup, "uid %s of %s/%s is also %s's", uid, ns, name, seen[uid])
			seen[uid] = ns + "/" + name
		}
	}
	assert.Equal(t, "zk-short-zk", dashboardUID(names.Ensemble{Namespace: "short", Name: "zk"}), "short uids stay as they were")
}
