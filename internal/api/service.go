package api

import (
	"fmt"
	"net"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

// ClientService configures the Service clients connect through (<name>-client).
//
// There are deliberately no per-member Services: a ZooKeeper client takes
// the whole connect string and moves between members by itself, sessions
// are global (they survive a move), so no client needs one particular
// member. Clients inside the cluster can still name members one by one
// through the headless Service (<name>-<i>.<name>-headless); clients
// outside it use this Service as a LoadBalancer or NodePort. Exposing each
// member would cost one load balancer per member and invite exposing the
// quorum ports, which must stay inside the cluster.
type ClientService struct {
	// Type of the Service: ClusterIP (default), NodePort or LoadBalancer.
	Type corev1.ServiceType `json:"type,omitempty"`
	// Annotations of the Service, e.g. a cloud's internal-load-balancer
	// annotation.
	Annotations map[string]string `json:"annotations,omitempty"`
	// LoadBalancerSourceRanges restricts a LoadBalancer to these client
	// CIDRs (e.g. 10.0.0.0/8); only with type LoadBalancer.
	LoadBalancerSourceRanges []string `json:"loadBalancerSourceRanges,omitempty"`
	// ExternalTrafficPolicy: Cluster or Local (keeps the client's source
	// address, so NetworkPolicy ipBlocks see it); only with NodePort or
	// LoadBalancer.
	ExternalTrafficPolicy corev1.ServiceExternalTrafficPolicy `json:"externalTrafficPolicy,omitempty"`
}

// ServiceType is the client Service's type, ClusterIP when unset.
func (c ClientService) ServiceType() corev1.ServiceType {
	if c.Type == "" {
		return corev1.ServiceTypeClusterIP
	}
	return c.Type
}

func (s *Spec) checkClientService(ps *Problems) {
	const p = "spec.clientService"
	c := s.ClientService
	t := c.ServiceType()
	switch t {
	case corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort, corev1.ServiceTypeLoadBalancer:
	default:
		ps.errorf(p+".type", "%q is not supported; use ClusterIP, NodePort or LoadBalancer (ExternalName selects no pods)", clip(string(t)))
	}
	checkAnnotations(ps, p+".annotations", c.Annotations)
	if len(c.LoadBalancerSourceRanges) > 0 && t != corev1.ServiceTypeLoadBalancer {
		ps.errorf(p+".loadBalancerSourceRanges", "only applies to type LoadBalancer (type is %s); set type: LoadBalancer or remove the ranges", t)
	}
	seen := map[string]int{}
	for i, r := range c.LoadBalancerSourceRanges {
		f := fmt.Sprintf("%s.loadBalancerSourceRanges[%d]", p, i)
		_, n, err := net.ParseCIDR(r)
		if err != nil {
			ps.errorf(f, "%q is not a CIDR; use an address block such as 203.0.113.0/24 or 2001:db8::/32", clip(r))
			continue
		}
		if j, dup := seen[n.String()]; dup {
			ps.errorf(f, "%q is the same block as loadBalancerSourceRanges[%d]; list each block once", r, j)
		}
		seen[n.String()] = i
	}
	switch c.ExternalTrafficPolicy {
	case "":
	case corev1.ServiceExternalTrafficPolicyCluster, corev1.ServiceExternalTrafficPolicyLocal:
		if t == corev1.ServiceTypeClusterIP {
			ps.errorf(p+".externalTrafficPolicy", "only applies to types NodePort and LoadBalancer (type is ClusterIP); set the type or remove the policy")
		}
	default:
		ps.errorf(p+".externalTrafficPolicy", "%q is not a policy; use Cluster or Local", clip(string(c.ExternalTrafficPolicy)))
	}
	if t != corev1.ServiceTypeClusterIP && *s.NetworkPolicy.Enabled && !hasIPBlock(s.NetworkPolicy.Clients) {
		ps.warnf(p+".type", "is %s, but the NetworkPolicy admits only in-cluster clients to the client port: add the external clients' addresses as spec.networkPolicy.clients ipBlock peers (with externalTrafficPolicy: Local, so their source address is kept)", t)
	}
}

func hasIPBlock(peers []networkingv1.NetworkPolicyPeer) bool {
	for _, p := range peers {
		if p.IPBlock != nil {
			return true
		}
	}
	return false
}
