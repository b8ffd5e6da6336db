package api

import (
	"net"
	"net/url"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// checkEdges refuses values that pass their field's syntax but do not do
// what a careful user expects: each would render with exit 0 and then
// misbehave on the cluster.
func (s *Spec) checkEdges(ps *Problems) {
	if strings.HasPrefix(s.ClusterDomain, "svc.") || s.ClusterDomain == "svc" {
		ps.errorf("spec.clusterDomain", "%q starts with svc, which the hostnames already carry (<pod>.<service>.<namespace>.svc.<clusterDomain>), so they would read ...svc.%s; use the domain after svc, usually cluster.local", clip(s.ClusterDomain), clip(s.ClusterDomain))
	}
	np := s.NetworkPolicy
	if np.Clients != nil && len(np.Clients) == 0 {
		ps.errorf("spec.networkPolicy.clients", "is an empty list, which is ambiguous: in a NetworkPolicy an empty `from` admits everyone, while it reads like \"no clients\"; remove the field for the default (every pod in the ensemble's namespace) or list the peers that may connect")
	}
	if np.Scrapers != nil && len(np.Scrapers) == 0 {
		ps.errorf("spec.networkPolicy.scrapers", "is an empty list, which is ambiguous: remove the field for the default (any pod in any namespace), list the peers that may scrape, or set spec.zookeeper.metrics.enabled: false to close the metrics port")
	}
	if pr := s.Monitoring.PrometheusRule; pr != nil && pr.RunbookURL != "" {
		if u, err := url.Parse(pr.RunbookURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Fragment != "" {
			ps.errorf("spec.monitoring.prometheusRule.runbookURL", "%q is not an http(s) URL without a #fragment (the function appends #<alert>); use e.g. https://runbooks.example.com/zookeeper", clip(pr.RunbookURL))
		}
	}
	if sm := s.Monitoring.ServiceMonitor; sm != nil && promDuration().MatchString(sm.Interval) && zeroDuration(sm.Interval) {
		ps.errorf("spec.monitoring.serviceMonitor.interval", "%q is zero: Prometheus would fall back to its global interval; use e.g. 30s", clip(sm.Interval))
	}
}

// zeroDuration reports whether a Prometheus duration is zero (0m, 0h0s).
func zeroDuration(d string) bool {
	return strings.Trim(d, "0ywdhms") == "" && strings.ContainsAny(d, "0")
}

// checkEndpointHost: the S3 endpoint's host must be a DNS name or an IP
// address and its port a TCP port, as the NetworkPolicy's egress rule and
// curl take them.
func checkEndpointHost(ps *Problems, p string, u *url.URL) {
	host := u.Hostname()
	if net.ParseIP(host) == nil {
		if errs := validation.IsDNS1123Subdomain(strings.ToLower(host)); len(errs) > 0 {
			ps.errorf(p, "%q has the host %q, which is neither a DNS name nor an IP address (%s); use e.g. https://s3.eu-west-1.amazonaws.com", clip(u.String()), clip(host), errs[0])
		}
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			ps.errorf(p, "%q has the port %s; use a port from 1 to 65535, or none for the scheme's default", clip(u.String()), clip(port))
		}
	}
}
