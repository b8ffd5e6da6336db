package render

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/membership"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// secureService adds the TLS client port to both Services and drops the
// plaintext one when it is closed.
func secureService(z *api.ZookeeperSpec, e names.Ensemble, svc *corev1.Service) {
	s := &z.Spec
	if svc.Name != e.HeadlessService() && svc.Name != e.ClientService() && svc.Name != e.ObserverClientService() {
		return
	}
	var ports []corev1.ServicePort
	for _, p := range svc.Spec.Ports {
		if p.Name != PortClient {
			ports = append(ports, p)
			continue
		}
		if s.PlaintextClient() {
			ports = append(ports, p)
		}
		if s.TLSClient() {
			ports = append(ports, servicePort(PortSecure, api.SecureClientPort))
		}
	}
	svc.Spec.Ports = ports
}

// secureNetworkPolicy admits clients and members on the TLS client port
// and, when plaintext is closed, no longer on 2181.
func secureNetworkPolicy(z *api.ZookeeperSpec, np *networkingv1.NetworkPolicy) {
	s := &z.Spec
	if !s.TLSClient() {
		return
	}
	for i := range np.Spec.Ingress {
		r := &np.Spec.Ingress[i]
		var ports []networkingv1.NetworkPolicyPort
		for _, p := range r.Ports {
			if p.Port != nil && p.Port.IntVal == api.ClientPort {
				if s.PlaintextClient() {
					ports = append(ports, p)
				}
				ports = append(ports, tcpPorts(api.SecureClientPort)...)
				continue
			}
			ports = append(ports, p)
		}
		r.Ports = ports
	}
}

// Certificate is the cert-manager Certificate of the members: one
// certificate for every member, valid for each member's FQDN, the
// headless and client Services' names, and localhost. It is built as
// unstructured data so the function needs no cert-manager Go module.
func Certificate(z *api.ZookeeperSpec, m membership.Membership) *unstructured.Unstructured {
	e := m.Ensemble
	cm := z.Spec.Security.TLS.CertManager
	meta := objectMeta(e, e.Name+"-tls")
	labels := map[string]any{}
	for k, v := range meta.Labels {
		labels[k] = v
	}
	annotations := map[string]any{}
	for k, v := range meta.Annotations {
		annotations[k] = v
	}
	md := map[string]any{"name": meta.Name, "labels": labels}
	if len(annotations) > 0 {
		md["annotations"] = annotations
	}
	if meta.Namespace != "" {
		md["namespace"] = meta.Namespace
	}
	spec := map[string]any{
		"secretName": TLSSecretName(z, e),
		"dnsNames":   toAny(CertificateDNSNames(m)),
		"issuerRef":  map[string]any{"name": cm.IssuerRef.Name, "kind": cm.IssuerRef.Kind, "group": "cert-manager.io"},
		// Members and clients present the same certificate both ways.
		"usages":     []any{"server auth", "client auth", "digital signature", "key encipherment"},
		"privateKey": map[string]any{"algorithm": "ECDSA", "size": int64(256), "encoding": "PKCS8", "rotationPolicy": "Always"},
	}
	if cm.Duration != "" {
		spec["duration"] = cm.Duration
	}
	if cm.RenewBefore != "" {
		spec["renewBefore"] = cm.RenewBefore
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "metadata": md, "spec": spec,
	}}
}

// CertificateDNSNames are the names the members' certificate must cover.
func CertificateDNSNames(m membership.Membership) []string {
	e := m.Ensemble
	var out []string
	for _, x := range m.Members {
		out = append(out, x.Host)
	}
	ns, d := e.NamespaceOrDefault(), e.ClusterDomain
	for _, svc := range []string{e.HeadlessService(), e.ClientService()} {
		out = append(out, svc, svc+"."+ns, svc+"."+ns+".svc", svc+"."+ns+".svc."+d)
	}
	return append(out, "localhost")
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
