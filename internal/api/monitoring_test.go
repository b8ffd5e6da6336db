package api_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMonitoringDefaults(t *testing.T) {
	z, _ := decodeValid(t, header)
	m := z.Spec.Monitoring
	assert.Equal(t, "metrics", m.Service, "a metrics Service of its own by default")
	assert.False(t, m.ServiceMonitorOn(), "the ServiceMonitor needs the Operator's CRDs: off unless asked")
	assert.False(t, m.PrometheusRuleOn())
	assert.False(t, m.DashboardOn())

	z, _ = decodeValid(t, header+"spec: {monitoring: {serviceMonitor: {labels: {release: prom}}, prometheusRule: {}, dashboard: {}}}\n")
	m = z.Spec.Monitoring
	assert.True(t, m.ServiceMonitorOn())
	assert.Equal(t, "30s", m.ServiceMonitor.Interval)
	assert.True(t, m.PrometheusRuleOn())
	th := m.PrometheusRule.Thresholds
	assert.EqualValues(t, 10, *th.OutstandingRequests)
	assert.EqualValues(t, 100, *th.AvgLatencyMillis)
	assert.EqualValues(t, 50, *th.FsyncMillis)
	assert.EqualValues(t, 3, *th.ElectionsPerHour)
	assert.EqualValues(t, 1000, *th.Connections)
	assert.EqualValues(t, 15, *th.DiskFreePercent)
	assert.True(t, m.DashboardOn())
	assert.Equal(t, map[string]string{"grafana_dashboard": "1"}, m.Dashboard.Labels)

	z, _ = decodeValid(t, header+"spec: {monitoring: {prometheusRule: {enabled: false, thresholds: {fsyncMillis: 20}}}}\n")
	assert.False(t, z.Spec.Monitoring.PrometheusRuleOn())
	assert.EqualValues(t, 20, *z.Spec.Monitoring.PrometheusRule.Thresholds.FsyncMillis)
}

func TestMonitoringErrors(t *testing.T) {
	cases := map[string]specError{
		"unknown exposure": {"monitoring: {service: nodeport}", "spec.monitoring.service", `"nodeport" is not supported`},
		"rules without metrics": {"zookeeper: {metrics: {enabled: false}}\n  monitoring: {prometheusRule: {}}",
			"spec.monitoring.prometheusRule", "spec.zookeeper.metrics.enabled is false"},
		"monitor without metrics": {"zookeeper: {metrics: {enabled: false}}\n  monitoring: {serviceMonitor: {}}",
			"spec.monitoring.serviceMonitor", "needs ZooKeeper's metrics"},
		"bad interval":     {"monitoring: {serviceMonitor: {interval: 30sec}}", "spec.monitoring.serviceMonitor.interval", "not a Prometheus duration"},
		"bad label key":    {"monitoring: {serviceMonitor: {labels: {'-x': y}}}", "spec.monitoring.serviceMonitor.labels[-x]", "not a label key"},
		"bad label value":  {"monitoring: {prometheusRule: {labels: {release: 'a b'}}}", "spec.monitoring.prometheusRule.labels[release]", "not a label value"},
		"zero threshold":   {"monitoring: {prometheusRule: {thresholds: {connections: 0}}}", "spec.monitoring.prometheusRule.thresholds.connections", "is 0"},
		"percent above 99": {"monitoring: {prometheusRule: {thresholds: {diskFreePercent: 100}}}", "spec.monitoring.prometheusRule.thresholds.diskFreePercent", "from 1 to 99"},
		"misspelled field": {"monitoring: {prometheusRules: {}}", "spec.monitoring.prometheusRules", `did you mean "prometheusRule"`},
	}
	requireSpecErrors(t, cases)
}
