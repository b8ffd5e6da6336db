//go:build e2e

package security

import (
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// endpoint is a pod (or an address outside the cluster) in a connection.
type endpoint struct {
	namespace string
	nsLabels  map[string]string
	labels    map[string]string
	ip        string
}

// TestNetworkPolicy evaluates the rendered NetworkPolicy the way a CNI
// does, for a matrix of connections: the members are isolated both ways
// (default deny), and only what ZooKeeper needs gets through.
func TestNetworkPolicy(t *testing.T) {
	for _, r := range renderOverlays(t) {
		var sts appsv1.StatefulSet
		r.ofKind("StatefulSet")[0].decode(t, &sts)
		ns := sts.Namespace
		ports := map[string]int32{}
		for _, p := range sts.Spec.Template.Spec.Containers[0].Ports {
			ports[p.Name] = p.ContainerPort
		}
		nsLabels := map[string]string{"kubernetes.io/metadata.name": ns}
		member := endpoint{ns, nsLabels, sts.Spec.Template.Labels, "10.0.0.10"}
		client := endpoint{ns, nsLabels, map[string]string{"app": "web"}, "10.0.0.20"}
		stranger := endpoint{"other", map[string]string{"kubernetes.io/metadata.name": "other"}, map[string]string{"app": "web"}, "10.0.1.20"}
		scraper := endpoint{"monitoring", map[string]string{"kubernetes.io/metadata.name": "monitoring"}, map[string]string{"app": "prometheus"}, "10.0.2.20"}
		dns := endpoint{"kube-system", map[string]string{"kubernetes.io/metadata.name": "kube-system"}, map[string]string{"k8s-app": "kube-dns"}, "10.0.3.10"}
		internet := endpoint{ip: "203.0.113.7"}

		policies := r.ofKind("NetworkPolicy")
		require.NotEmpty(t, policies, "%s: a NetworkPolicy", r.name)
		var nps []networkingv1.NetworkPolicy
		for _, o := range policies {
			var np networkingv1.NetworkPolicy
			o.decode(t, &np)
			nps = append(nps, np)
		}
		isolated := func(kind networkingv1.PolicyType) bool {
			for _, np := range nps {
				if selects(t, np, member) && hasType(np, kind) {
					return true
				}
			}
			return false
		}
		require.True(t, isolated(networkingv1.PolicyTypeIngress), "%s: members are isolated for ingress (default deny)", r.name)
		require.True(t, isolated(networkingv1.PolicyTypeEgress), "%s: members are isolated for egress (default deny)", r.name)

		tcp, udp := corev1.ProtocolTCP, corev1.ProtocolUDP
		cases := []struct {
			what     string
			from, to endpoint
			port     int32
			proto    corev1.Protocol
			allowed  bool
		}{
			{"quorum between members", member, member, ports["tcp-quorum"], tcp, true},
			{"election between members", member, member, ports["tcp-election"], tcp, true},
			{"client port between members (servers never use it)", member, member, ports["tcp-client"], tcp, false},
			{"client in the namespace to the client port", client, member, ports["tcp-client"], tcp, true},
			{"client in the namespace to the quorum port", client, member, ports["tcp-quorum"], tcp, false},
			{"client in the namespace to the election port", client, member, ports["tcp-election"], tcp, false},
			{"client in the namespace to the admin server", client, member, ports["http-admin"], tcp, false},
			{"pod in another namespace to the client port", stranger, member, ports["tcp-client"], tcp, false},
			{"pod in another namespace to the quorum port", stranger, member, ports["tcp-quorum"], tcp, false},
			{"scraper to the metrics port", scraper, member, ports["http-metrics"], tcp, true},
			{"scraper to the admin server", scraper, member, ports["http-admin"], tcp, false},
			{"scraper to the client port", scraper, member, ports["tcp-client"], tcp, false},
			{"outside address to the client port", internet, member, ports["tcp-client"], tcp, false},
			{"member to DNS over UDP", member, dns, 53, udp, true},
			{"member to DNS over TCP", member, dns, 53, tcp, true},
			{"member to the internet", member, internet, 443, tcp, false},
			{"member to the API server", member, endpoint{ip: "10.96.0.1"}, 443, tcp, false},
			{"member to a client's port in the namespace", member, client, 8080, tcp, false},
		}
		for _, c := range cases {
			if c.port == 0 {
				continue // the port is off in this overlay (e.g. admin server disabled)
			}
			got := connectionAllowed(t, nps, c.from, c.to, c.port, c.proto)
			assert.Equal(t, c.allowed, got, "%s: %s (port %d/%s)", r.name, c.what, c.port, c.proto)
		}
	}
}

// connectionAllowed: the sender's egress and the receiver's ingress must
// both allow it, for every policy that isolates them.
func connectionAllowed(t *testing.T, nps []networkingv1.NetworkPolicy, from, to endpoint, port int32, proto corev1.Protocol) bool {
	return direction(t, nps, from, to, port, proto, networkingv1.PolicyTypeEgress) &&
		direction(t, nps, to, from, port, proto, networkingv1.PolicyTypeIngress)
}

// direction: subject is the pod the policies select; peer the other end.
func direction(t *testing.T, nps []networkingv1.NetworkPolicy, subject, peer endpoint, port int32, proto corev1.Protocol, kind networkingv1.PolicyType) bool {
	isolated := false
	for _, np := range nps {
		if subject.labels == nil || !selects(t, np, subject) || !hasType(np, kind) {
			continue
		}
		isolated = true
		if kind == networkingv1.PolicyTypeIngress {
			for _, rule := range np.Spec.Ingress {
				if portsMatch(rule.Ports, port, proto) && peersMatch(t, rule.From, peer, np.Namespace) {
					return true
				}
			}
		} else {
			for _, rule := range np.Spec.Egress {
				if portsMatch(rule.Ports, port, proto) && peersMatch(t, rule.To, peer, np.Namespace) {
					return true
				}
			}
		}
	}
	return !isolated
}

func selects(t *testing.T, np networkingv1.NetworkPolicy, e endpoint) bool {
	return e.namespace == np.Namespace && matches(t, &np.Spec.PodSelector, e.labels)
}

func hasType(np networkingv1.NetworkPolicy, kind networkingv1.PolicyType) bool {
	for _, p := range np.Spec.PolicyTypes {
		if p == kind {
			return true
		}
	}
	return kind == networkingv1.PolicyTypeIngress && len(np.Spec.PolicyTypes) == 0
}

func portsMatch(ports []networkingv1.NetworkPolicyPort, port int32, proto corev1.Protocol) bool {
	if len(ports) == 0 {
		return true
	}
	for _, p := range ports {
		pp := corev1.ProtocolTCP
		if p.Protocol != nil {
			pp = *p.Protocol
		}
		if pp != proto {
			continue
		}
		if p.Port == nil {
			return true
		}
		lo := int32(p.Port.IntValue())
		hi := lo
		if p.EndPort != nil {
			hi = *p.EndPort
		}
		if port >= lo && port <= hi {
			return true
		}
	}
	return false
}

func peersMatch(t *testing.T, peers []networkingv1.NetworkPolicyPeer, e endpoint, policyNS string) bool {
	if len(peers) == 0 {
		return true
	}
	for _, p := range peers {
		if p.IPBlock != nil {
			_, cidr, err := net.ParseCIDR(p.IPBlock.CIDR)
			require.NoError(t, err)
			in := cidr.Contains(net.ParseIP(e.ip))
			for _, ex := range p.IPBlock.Except {
				_, exNet, err := net.ParseCIDR(ex)
				require.NoError(t, err)
				in = in && !exNet.Contains(net.ParseIP(e.ip))
			}
			if in {
				return true
			}
			continue
		}
		if e.labels == nil {
			continue // selectors match pods only
		}
		nsOK := e.namespace == policyNS
		if p.NamespaceSelector != nil {
			nsOK = matches(t, p.NamespaceSelector, e.nsLabels)
		}
		podOK := p.PodSelector == nil || matches(t, p.PodSelector, e.labels)
		if nsOK && podOK {
			return true
		}
	}
	return false
}

func matches(t *testing.T, sel *metav1.LabelSelector, l map[string]string) bool {
	s, err := metav1.LabelSelectorAsSelector(sel)
	require.NoError(t, err)
	return s.Matches(labels.Set(l))
}
