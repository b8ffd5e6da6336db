package api

import (
	"fmt"
	"sort"

	"k8s.io/apimachinery/pkg/util/validation"
)

// Ways the metrics port is exposed to scrapers.
const (
	// MetricsServiceOwn is a headless Service of its own that publishes
	// members that are not ready: a member out of quorum is exactly the
	// one whose metrics matter.
	MetricsServiceOwn = "metrics"
	// MetricsServiceClient uses the client Service's metrics port, which
	// only lists ready members.
	MetricsServiceClient = "client"
)

// Monitoring configures how Prometheus finds and judges the ensemble. The
// metrics provider itself is spec.zookeeper.metrics.
type Monitoring struct {
	// Service exposes the metrics port: "metrics" (default), a headless
	// Service <name>-metrics that also lists members out of quorum, or
	// "client", the client Service's http-metrics port (ready members only).
	Service string `json:"service,omitempty"`
	// ServiceMonitor renders a monitoring.coreos.com/v1 ServiceMonitor.
	ServiceMonitor *ServiceMonitor `json:"serviceMonitor,omitempty"`
	// PrometheusRule renders the alert rules as a monitoring.coreos.com/v1
	// PrometheusRule.
	PrometheusRule *PrometheusRule `json:"prometheusRule,omitempty"`
	// Dashboard renders a Grafana dashboard in a ConfigMap.
	Dashboard *Dashboard `json:"dashboard,omitempty"`
}

// ServiceMonitor asks the Prometheus Operator to scrape every member.
type ServiceMonitor struct {
	// Enabled renders the ServiceMonitor (default true once the section is given).
	Enabled *bool `json:"enabled,omitempty"`
	// Labels go on the ServiceMonitor so that the Prometheus resource's
	// serviceMonitorSelector picks it (kube-prometheus-stack: release: <release>).
	Labels map[string]string `json:"labels,omitempty"`
	// Interval between scrapes (default 30s).
	Interval string `json:"interval,omitempty"`
}

// PrometheusRule holds the alerts an SRE is paged on.
type PrometheusRule struct {
	// Enabled renders the PrometheusRule (default true once the section is given).
	Enabled *bool `json:"enabled,omitempty"`
	// Labels go on the PrometheusRule so that the Prometheus resource's
	// ruleSelector picks it.
	Labels map[string]string `json:"labels,omitempty"`
	// RunbookURL, when set, is the base of each alert's runbook_url
	// annotation (<runbookURL>#<alert name in lower case>); the runbook
	// text itself is always in the alert's runbook annotation.
	RunbookURL string `json:"runbookURL,omitempty"`
	// Thresholds tune the alerts.
	Thresholds AlertThresholds `json:"thresholds,omitempty"`
}

// AlertThresholds are the limits the alerts fire at.
type AlertThresholds struct {
	// OutstandingRequests queued on one member (default 10).
	OutstandingRequests *int32 `json:"outstandingRequests,omitempty"`
	// AvgLatencyMillis is the average request latency of one member (default 100).
	AvgLatencyMillis *int32 `json:"avgLatencyMillis,omitempty"`
	// FsyncMillis is the average transaction-log fsync time over 5 minutes (default 50).
	FsyncMillis *int32 `json:"fsyncMillis,omitempty"`
	// ElectionsPerHour on one member (default 3).
	ElectionsPerHour *int32 `json:"electionsPerHour,omitempty"`
	// Connections open on one member (default 1000).
	Connections *int32 `json:"connections,omitempty"`
	// DiskFreePercent of a data or transaction-log volume (default 15).
	DiskFreePercent *int32 `json:"diskFreePercent,omitempty"`
}

// Dashboard is a Grafana dashboard shipped as a ConfigMap.
type Dashboard struct {
	// Enabled renders the dashboard (default true once the section is given).
	Enabled *bool `json:"enabled,omitempty"`
	// Labels go on the ConfigMap; the default grafana_dashboard: "1" is
	// what Grafana's dashboard sidecar looks for.
	Labels map[string]string `json:"labels,omitempty"`
}

// Default alert thresholds.
const (
	DefaultOutstandingRequests = 10
	DefaultAvgLatencyMillis    = 100
	DefaultFsyncMillis         = 50
	DefaultElectionsPerHour    = 3
	DefaultConnections         = 1000
	DefaultDiskFreePercent     = 15
	DefaultScrapeInterval      = "30s"
)

func (m *Monitoring) defaults() {
	setString(&m.Service, MetricsServiceOwn)
	if sm := m.ServiceMonitor; sm != nil {
		setBool(&sm.Enabled, true)
		setString(&sm.Interval, DefaultScrapeInterval)
	}
	if pr := m.PrometheusRule; pr != nil {
		setBool(&pr.Enabled, true)
		t := &pr.Thresholds
		setInt32(&t.OutstandingRequests, DefaultOutstandingRequests)
		setInt32(&t.AvgLatencyMillis, DefaultAvgLatencyMillis)
		setInt32(&t.FsyncMillis, DefaultFsyncMillis)
		setInt32(&t.ElectionsPerHour, DefaultElectionsPerHour)
		setInt32(&t.Connections, DefaultConnections)
		setInt32(&t.DiskFreePercent, DefaultDiskFreePercent)
	}
	if d := m.Dashboard; d != nil {
		setBool(&d.Enabled, true)
		if d.Labels == nil {
			d.Labels = map[string]string{"grafana_dashboard": "1"}
		}
	}
}

// ServiceMonitorOn, PrometheusRuleOn and DashboardOn say whether the
// optional objects are rendered.
func (m *Monitoring) ServiceMonitorOn() bool {
	return m.ServiceMonitor != nil && *m.ServiceMonitor.Enabled
}

// PrometheusRuleOn reports whether the alert rules are rendered.
func (m *Monitoring) PrometheusRuleOn() bool {
	return m.PrometheusRule != nil && *m.PrometheusRule.Enabled
}

// DashboardOn reports whether the Grafana dashboard is rendered.
func (m *Monitoring) DashboardOn() bool { return m.Dashboard != nil && *m.Dashboard.Enabled }

// promDuration is Prometheus' duration syntax, as a ServiceMonitor takes it.
var promDuration = lazyRegexp(`^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$`)

func (s *Spec) checkMonitoring(ps *Problems) {
	m := &s.Monitoring
	const p = "spec.monitoring"
	if m.Service != MetricsServiceOwn && m.Service != MetricsServiceClient {
		ps.errorf(p+".service", "%q is not supported; use metrics (a headless Service that also lists members out of quorum) or client (the client Service, ready members only)", m.Service)
	}
	metricsOn := *s.ZooKeeper.Metrics.Enabled
	for _, part := range []struct {
		field string
		on    bool
	}{{"serviceMonitor", m.ServiceMonitorOn()}, {"prometheusRule", m.PrometheusRuleOn()}, {"dashboard", m.DashboardOn()}} {
		if part.on && !metricsOn {
			ps.errorf(p+"."+part.field, "needs ZooKeeper's metrics: spec.zookeeper.metrics.enabled is false; enable the metrics provider or remove %s.%s", p, part.field)
		}
	}
	if sm := m.ServiceMonitor; sm != nil {
		checkLabels(ps, p+".serviceMonitor.labels", sm.Labels)
		if sm.Interval == "" || sm.Interval == "0s" || !promDuration().MatchString(sm.Interval) {
			ps.errorf(p+".serviceMonitor.interval", "%q is not a Prometheus duration; use e.g. 30s or 1m", sm.Interval)
		}
	}
	if pr := m.PrometheusRule; pr != nil {
		checkLabels(ps, p+".prometheusRule.labels", pr.Labels)
		pr.Thresholds.check(ps, p+".prometheusRule.thresholds")
	}
	if d := m.Dashboard; d != nil {
		checkLabels(ps, p+".dashboard.labels", d.Labels)
	}
}

func (t *AlertThresholds) check(ps *Problems, p string) {
	for _, f := range []struct {
		name     string
		v        int32
		min, max int32
	}{
		{"outstandingRequests", *t.OutstandingRequests, 1, 1 << 30},
		{"avgLatencyMillis", *t.AvgLatencyMillis, 1, 1 << 30},
		{"fsyncMillis", *t.FsyncMillis, 1, 1 << 30},
		{"electionsPerHour", *t.ElectionsPerHour, 1, 1 << 30},
		{"connections", *t.Connections, 1, 1 << 30},
		{"diskFreePercent", *t.DiskFreePercent, 1, 99},
	} {
		if f.v < f.min || f.v > f.max {
			ps.errorf(p+"."+f.name, "is %d; use a value from %d to %d", f.v, f.min, f.max)
		}
	}
}

func checkLabels(ps *Problems, p string, labels map[string]string) {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if errs := validation.IsQualifiedName(k); len(errs) > 0 {
			ps.errorf(fmt.Sprintf("%s[%s]", p, k), "%q is not a label key (%s)", k, errs[0])
		}
		if errs := validation.IsValidLabelValue(labels[k]); len(errs) > 0 {
			ps.errorf(fmt.Sprintf("%s[%s]", p, k), "%q is not a label value (%s)", labels[k], errs[0])
		}
	}
}
