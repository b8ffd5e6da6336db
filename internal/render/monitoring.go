package render

import (
	"fmt"

	monv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/membership"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// ComponentMetrics is the component label of the metrics Service; the
// ServiceMonitor selects on it so that no other Service of the ensemble
// is scraped twice.
const ComponentMetrics = "metrics"

// MetricsPath is where ZooKeeper's Prometheus provider serves metrics.
const MetricsPath = "/metrics"

// MetricsServiceName is the Service the scrapers read: <name>-metrics, or
// the client Service when spec.monitoring.service is "client".
func MetricsServiceName(z *api.ZookeeperSpec, e names.Ensemble) string {
	if z.Spec.Monitoring.Service == api.MetricsServiceClient {
		return e.ClientService()
	}
	return e.Name + "-metrics"
}

// Monitoring returns the monitoring objects the spec asks for, in a fixed
// order: the metrics Service, ServiceMonitor, PrometheusRule, dashboard.
func Monitoring(z *api.ZookeeperSpec, ms membership.Membership) []Object {
	s := z.Spec
	if !*s.ZooKeeper.Metrics.Enabled {
		return nil
	}
	e := ms.Ensemble
	var objs []Object
	m := s.Monitoring
	if m.Service == api.MetricsServiceOwn {
		objs = append(objs, MetricsService(z, e))
	}
	if m.ServiceMonitorOn() {
		objs = append(objs, ServiceMonitor(z, e))
	}
	if m.PrometheusRuleOn() {
		objs = append(objs, PrometheusRule(z, ms))
	}
	if m.DashboardOn() {
		objs = append(objs, Dashboard(z, e))
	}
	return objs
}

// metricsLabels are the labels of the metrics Service: the ensemble's,
// with its own component.
func metricsLabels(e names.Ensemble) map[string]string {
	l := e.Labels()
	l[names.LabelComponent] = ComponentMetrics
	return l
}

// MetricsService is a headless Service over the metrics port that, like
// the peer Service, publishes members that are not ready: a member that
// lost the quorum fails readiness, and that is when its metrics matter.
func MetricsService(z *api.ZookeeperSpec, e names.Ensemble) *corev1.Service {
	meta := objectMeta(e, MetricsServiceName(z, e))
	meta.Labels = metricsLabels(e)
	return &corev1.Service{
		TypeMeta:   typeMeta("v1", "Service"),
		ObjectMeta: meta,
		Spec: corev1.ServiceSpec{
			ClusterIP:                corev1.ClusterIPNone,
			PublishNotReadyAddresses: true,
			Selector:                 e.Selector(),
			Ports:                    []corev1.ServicePort{servicePort(PortMetrics, *z.Spec.ZooKeeper.Metrics.Port)},
		},
	}
}

// ServiceMonitor scrapes every member through the metrics Service. The
// Prometheus Operator names the job after the Service, which is what the
// alert rules select on.
func ServiceMonitor(z *api.ZookeeperSpec, e names.Ensemble) *monv1.ServiceMonitor {
	sm := z.Spec.Monitoring.ServiceMonitor
	meta := objectMeta(e, e.Name)
	meta.Labels = withLabels(e.Labels(), sm.Labels)
	match := e.Selector()
	if z.Spec.Monitoring.Service == api.MetricsServiceOwn {
		match[names.LabelComponent] = ComponentMetrics
	}
	return &monv1.ServiceMonitor{
		TypeMeta:   typeMeta(monv1.SchemeGroupVersion.String(), monv1.ServiceMonitorsKind),
		ObjectMeta: meta,
		Spec: monv1.ServiceMonitorSpec{
			Selector:          metav1.LabelSelector{MatchLabels: match},
			NamespaceSelector: monv1.NamespaceSelector{MatchNames: []string{e.NamespaceOrDefault()}},
			Endpoints: []monv1.Endpoint{{
				Port:     PortMetrics,
				Path:     MetricsPath,
				Interval: monv1.Duration(sm.Interval),
			}},
		},
	}
}

// withLabels returns base plus extra; extra never overrides the
// ensemble's own labels, which selectors depend on.
func withLabels(base, extra map[string]string) map[string]string {
	for k, v := range extra {
		if _, own := base[k]; !own {
			base[k] = v
		}
	}
	return base
}

// promSelector is the PromQL label matcher of the ensemble's own series,
// as the ServiceMonitor's scrapes label them (job = Service name).
func promSelector(z *api.ZookeeperSpec, e names.Ensemble) string {
	return fmt.Sprintf(`job=%q,namespace=%q`, MetricsServiceName(z, e), e.NamespaceOrDefault())
}

// volumeSelector matches the kubelet's volume statistics of the members'
// data and transaction-log claims.
func volumeSelector(e names.Ensemble) string {
	return fmt.Sprintf(`namespace=%q,persistentvolumeclaim=~"(%s|%s)-%s-[0-9]+"`,
		e.NamespaceOrDefault(), names.DataVolume, names.DataLogVolume, e.StatefulSet())
}
