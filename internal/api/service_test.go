package api_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestClientServiceErrors(t *testing.T) {
	lb := "clientService: {type: LoadBalancer, "
	cases := map[string]specError{
		"external name":        {"clientService: {type: ExternalName}", "spec.clientService.type", "not supported"},
		"lower case type":      {"clientService: {type: loadbalancer}", "spec.clientService.type", "not supported"},
		"ranges on ClusterIP":  {"clientService: {loadBalancerSourceRanges: [10.0.0.0/8]}", "spec.clientService.loadBalancerSourceRanges", "only applies to type LoadBalancer"},
		"ranges on NodePort":   {"clientService: {type: NodePort, loadBalancerSourceRanges: [10.0.0.0/8]}", "spec.clientService.loadBalancerSourceRanges", "type is NodePort"},
		"address not a block":  {lb + "loadBalancerSourceRanges: [10.0.0.1]}", "spec.clientService.loadBalancerSourceRanges[0]", "not a CIDR"},
		"empty range":          {lb + "loadBalancerSourceRanges: ['']}", "spec.clientService.loadBalancerSourceRanges[0]", "not a CIDR"},
		"bad prefix":           {lb + "loadBalancerSourceRanges: [10.0.0.0/33]}", "spec.clientService.loadBalancerSourceRanges[0]", "not a CIDR"},
		"hostname":             {lb + "loadBalancerSourceRanges: [example.com/8]}", "spec.clientService.loadBalancerSourceRanges[0]", "not a CIDR"},
		"duplicate block":      {lb + "loadBalancerSourceRanges: [10.0.0.0/8, 10.1.0.0/8]}", "spec.clientService.loadBalancerSourceRanges[1]", "same block"},
		"policy on ClusterIP":  {"clientService: {externalTrafficPolicy: Local}", "spec.clientService.externalTrafficPolicy", "only applies to types NodePort and LoadBalancer"},
		"unknown policy":       {lb + "externalTrafficPolicy: local}", "spec.clientService.externalTrafficPolicy", "not a policy"},
		"own annotation":       {lb + "annotations: {zookeeper-fn.dev/owner: x}}", "spec.clientService.annotations[zookeeper-fn.dev/owner]", "own prefix"},
		"bad annotation key":   {lb + "annotations: {'a/b/c': x}}", "spec.clientService.annotations", "a/b/c"},
		"huge type":            {"clientService: {type: '" + strings.Repeat("x", 4000) + "'}", "spec.clientService.type", "not supported"},
		"special chars policy": {lb + "externalTrafficPolicy: \"Local\\n\"}", "spec.clientService.externalTrafficPolicy", "not a policy"},
	}
	requireSpecErrors(t, cases)
}

func TestClientServiceAccepted(t *testing.T) {
	_, ps := decodeValid(t, header+`spec:
  clientService:
    type: LoadBalancer
    annotations: {service.beta.kubernetes.io/aws-load-balancer-internal: "true"}
    loadBalancerSourceRanges: [10.0.0.0/8, "2001:db8::/32"]
    externalTrafficPolicy: Local
  networkPolicy:
    clients: [{ipBlock: {cidr: 10.0.0.0/8}}]
`)
	for _, p := range ps {
		require.NotEqual(t, "spec.clientService.type", p.Path, "ipBlock clients silence the warning")
	}
	_, ps = decodeValid(t, header+"spec: {clientService: {type: NodePort}}\n")
	require.True(t, hasWarning(ps, "spec.clientService.type", ""), "an external Service behind an in-cluster-only NetworkPolicy is worth a warning")
}
