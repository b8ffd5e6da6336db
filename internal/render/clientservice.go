package render

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
)

// withClientSettings applies spec.clientService to the client Service:
// its type, annotations, source ranges and external traffic policy. The
// selector is never touched.
func withClientSettings(z *api.ZookeeperSpec, svc *corev1.Service) *corev1.Service {
	c := z.Spec.ClientService
	svc.Spec.Type = c.ServiceType()
	svc.Spec.LoadBalancerSourceRanges = c.LoadBalancerSourceRanges
	svc.Spec.ExternalTrafficPolicy = c.ExternalTrafficPolicy
	svc.Annotations = mergeMissing(svc.Annotations, c.Annotations)
	return svc
}
