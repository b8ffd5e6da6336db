package render

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/membership"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// PodDisruptionBudget lets voluntary disruptions (drains, upgrades) take
// down the membership's budget of members at a time (one: see
// MaxUnavailable). Unhealthy members may always be evicted: they are not
// part of the quorum, and blocking their eviction would only stall node
// drains.
func PodDisruptionBudget(m membership.Membership) *policyv1.PodDisruptionBudget {
	e := m.Ensemble
	budget := intstr.FromInt32(int32(m.MaxUnavailable()))
	always := policyv1.AlwaysAllow
	return &policyv1.PodDisruptionBudget{
		TypeMeta:   typeMeta("policy/v1", "PodDisruptionBudget"),
		ObjectMeta: objectMeta(e, e.Disruption()),
		Spec: policyv1.PodDisruptionBudgetSpec{
			MaxUnavailable:             &budget,
			Selector:                   disruptionSelector(m),
			UnhealthyPodEvictionPolicy: &always,
		},
	}
}

// NetworkPolicy denies everything to and from the members except what
// ZooKeeper needs: quorum and election traffic between members, the client
// port from the allowed clients, the metrics port from the scrapers, and
// DNS to resolve the peers' names.
func NetworkPolicy(z *api.ZookeeperSpec, e names.Ensemble) *networkingv1.NetworkPolicy {
	np := z.Spec.NetworkPolicy
	members := []networkingv1.NetworkPolicyPeer{{PodSelector: selector(e)}}
	clients := np.Clients
	if len(clients) == 0 {
		clients = []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{}}}
	}
	ingress := []networkingv1.NetworkPolicyIngressRule{
		{From: members, Ports: tcpPorts(api.ClientPort, api.QuorumPort, api.ElectionPort)},
		{From: clients, Ports: tcpPorts(api.ClientPort)},
	}
	if m := z.Spec.ZooKeeper.Metrics; *m.Enabled {
		scrapers := np.Scrapers
		if len(scrapers) == 0 {
			scrapers = []networkingv1.NetworkPolicyPeer{{NamespaceSelector: &metav1.LabelSelector{}}}
		}
		ingress = append(ingress, networkingv1.NetworkPolicyIngressRule{From: scrapers, Ports: tcpPorts(*m.Port)})
	}
	dnsPort := intstr.FromInt32(53)
	udp, tcp := corev1.ProtocolUDP, corev1.ProtocolTCP
	return &networkingv1.NetworkPolicy{
		TypeMeta:   typeMeta("networking.k8s.io/v1", "NetworkPolicy"),
		ObjectMeta: objectMeta(e, e.NetworkPolicy()),
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: *selector(e),
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
			Ingress:     ingress,
			Egress: []networkingv1.NetworkPolicyEgressRule{
				{To: members, Ports: tcpPorts(api.QuorumPort, api.ElectionPort)},
				{Ports: []networkingv1.NetworkPolicyPort{{Protocol: &udp, Port: &dnsPort}, {Protocol: &tcp, Port: &dnsPort}}},
			},
		},
	}
}

func tcpPorts(ports ...int32) []networkingv1.NetworkPolicyPort {
	out := make([]networkingv1.NetworkPolicyPort, len(ports))
	for i, p := range ports {
		tcp := corev1.ProtocolTCP
		port := intstr.FromInt32(p)
		out[i] = networkingv1.NetworkPolicyPort{Protocol: &tcp, Port: &port}
	}
	return out
}
