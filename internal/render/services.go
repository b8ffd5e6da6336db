package render

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// Port names, shared by the container, Services and NetworkPolicy.
const (
	PortClient   = "tcp-client"
	PortQuorum   = "tcp-quorum"
	PortElection = "tcp-election"
	PortAdmin    = "http-admin"
	PortMetrics  = "http-metrics"
)

func servicePort(name string, port int32) corev1.ServicePort {
	return corev1.ServicePort{Name: name, Port: port, TargetPort: intstr.FromString(name), Protocol: corev1.ProtocolTCP}
}

// HeadlessService gives every member its stable DNS name. It publishes
// members before they are ready: peers must resolve each other to form
// the quorum that makes them ready (the start-up deadlock of the
// Kubernetes tutorial, kubernetes/website#21715).
func HeadlessService(e names.Ensemble) *corev1.Service {
	return &corev1.Service{
		TypeMeta:   typeMeta("v1", "Service"),
		ObjectMeta: objectMeta(e, e.HeadlessService()),
		Spec: corev1.ServiceSpec{
			ClusterIP:                corev1.ClusterIPNone,
			PublishNotReadyAddresses: true,
			Selector:                 e.Selector(),
			Ports: []corev1.ServicePort{
				servicePort(PortClient, api.ClientPort),
				servicePort(PortQuorum, api.QuorumPort),
				servicePort(PortElection, api.ElectionPort),
			},
		},
	}
}

// ClientService balances clients over the ready members only.
func ClientService(z *api.ZookeeperSpec, e names.Ensemble) *corev1.Service {
	ports := []corev1.ServicePort{servicePort(PortClient, api.ClientPort)}
	if m := z.Spec.ZooKeeper.Metrics; *m.Enabled {
		ports = append(ports, servicePort(PortMetrics, *m.Port))
	}
	return withClientSettings(z, &corev1.Service{
		TypeMeta:   typeMeta("v1", "Service"),
		ObjectMeta: objectMeta(e, e.ClientService()),
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceTypeClusterIP,
			Selector: e.Selector(),
			Ports:    ports,
		},
	})
}
