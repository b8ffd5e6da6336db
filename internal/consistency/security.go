package consistency

import (
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

// certificate checks the ensemble's cert-manager Certificate after later
// transforms: it must cover every member's DNS name as the StatefulSet
// now names them (a namePrefix or namespace change after rendering leaves
// dnsNames behind, and every TLS handshake between members then fails
// hostname verification), and it must write the Secret the pods mount.
func (c *checker) certificate(g *group, so object, sts *appsv1.StatefulSet) {
	for _, co := range g.ofKind("Certificate") {
		var cert struct {
			Spec struct {
				SecretName string   `json:"secretName"`
				DNSNames   []string `json:"dnsNames"`
			} `json:"spec"`
		}
		if err := co.decode(&cert); err != nil {
			c.add(co.errorf("", "%v", err))
			continue
		}
		c.certificateNames(g, so, sts, co, cert.Spec.DNSNames)
		if !mountsSecret(sts, cert.Spec.SecretName) {
			c.add(co.errorf("spec.secretName", "is %q, but the StatefulSet %q mounts no Secret of that name; the members would not see the certificate: %s", clip(cert.Spec.SecretName), so.name, fix))
		}
	}
}

func (c *checker) certificateNames(g *group, so object, sts *appsv1.StatefulSet, co object, dns []string) {
	covered := map[string]bool{}
	for _, d := range dns {
		covered[d] = true
	}
	replicas := int32(1)
	if sts.Spec.Replicas != nil {
		replicas = *sts.Spec.Replicas
	}
	var missing []string
	for i := 0; i < int(replicas); i++ {
		want := fmt.Sprintf("%s-%d.%s.%s.svc.", so.name, i, sts.Spec.ServiceName, namespaceOf(so))
		if g.spec != nil {
			want += g.spec.Spec.ClusterDomain
			if !covered[want] {
				missing = append(missing, want)
			}
			continue
		}
		if !coveredPrefix(dns, want) {
			missing = append(missing, want+"<cluster domain>")
		}
	}
	if len(missing) > 0 {
		c.add(co.errorf("spec.dnsNames", "does not cover %s (%d of %d members); members verify each other's names, so the quorum cannot form over TLS: %s", missing[0], len(missing), replicas, fix))
	}
}

func coveredPrefix(dns []string, prefix string) bool {
	for _, d := range dns {
		if strings.HasPrefix(d, prefix) && len(d) > len(prefix) {
			return true
		}
	}
	return false
}

func mountsSecret(sts *appsv1.StatefulSet, name string) bool {
	for _, v := range sts.Spec.Template.Spec.Volumes {
		if v.Secret != nil && v.Secret.SecretName == name {
			return true
		}
	}
	return false
}

// securePort: when zoo.cfg serves secureClientPort, the NetworkPolicies of
// the ensemble must admit it, or TLS clients are dropped.
func (c *checker) securePort(g *group, cm object) {
	port := ""
	for _, l := range strings.Split(cm.node.GetDataMap()["zoo.cfg"], "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "secureClientPort="); ok {
			port = strings.TrimSpace(v)
		}
	}
	if port == "" {
		return
	}
	for _, o := range g.ofKind("NetworkPolicy") {
		var np networkingv1.NetworkPolicy
		if o.decode(&np) != nil || admits(np, port) {
			continue
		}
		c.add(o.errorf("spec.ingress", "admits no traffic to port %s, the secureClientPort of zoo.cfg in ConfigMap %q; TLS clients would be dropped: render again instead of patching the policy", port, cm.name))
	}
}

func admits(np networkingv1.NetworkPolicy, port string) bool {
	for _, r := range np.Spec.Ingress {
		for _, p := range r.Ports {
			if p.Port != nil && p.Port.String() == port && (p.Protocol == nil || *p.Protocol == corev1.ProtocolTCP) {
				return true
			}
		}
	}
	return false
}

// jaas: when zoo.cfg turns on SASL (quorum.auth.enableSasl, or the SASL
// client provider), the server must be started with the JAAS file the
// start wrapper writes. A later patch of SERVER_JVMFLAGS (say, for the
// heap) replaces the whole value and drops the flag: the members then
// fail at start, or refuse every digest client.
func (c *checker) jaas(so object, sts *appsv1.StatefulSet, cm object) {
	cfg := cm.node.GetDataMap()["zoo.cfg"]
	if cfgValue(cfg, "quorum.auth.enableSasl") != "true" && cfgValue(cfg, "authProvider.sasl") == "" {
		return
	}
	for i, ct := range sts.Spec.Template.Spec.Containers {
		if !strings.Contains(strings.Join(ct.Command, " "), "secure-start.sh") {
			continue
		}
		for _, e := range ct.Env {
			if e.Name == "SERVER_JVMFLAGS" && strings.Contains(e.Value, "-Djava.security.auth.login.config=") {
				return
			}
		}
		c.add(so.errorf(fmt.Sprintf("spec.template.spec.containers[%d].env[SERVER_JVMFLAGS]", i),
			"lacks -Djava.security.auth.login.config, but zoo.cfg in ConfigMap %q turns on SASL; the server would not load the JAAS file the start wrapper writes: set extra JVM flags with spec.jvm instead of patching SERVER_JVMFLAGS, and render again", cm.name))
	}
}

// cfgValue is key's last value in zoo.cfg (the last one wins there too).
func cfgValue(cfg, key string) string {
	v := ""
	for _, l := range strings.Split(cfg, "\n") {
		if k, val, ok := strings.Cut(strings.TrimSpace(l), "="); ok && strings.TrimSpace(k) == key {
			v = strings.TrimSpace(val)
		}
	}
	return v
}
