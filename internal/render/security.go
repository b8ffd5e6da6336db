package render

import (
	_ "embed"
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/membership"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// The security layer: spec.security adds to what the other builders
// render (zoo.cfg keys, volumes, the start wrapper, probes, ports and the
// Certificate) through three hooks, so the plaintext ensemble's builders
// stay as they are.

// Paths of the security volumes. SecureDir is an in-memory emptyDir that
// holds what is derived from Secrets at start: the PEM key store (key and
// chain in one file, as ZooKeeper's PEM loader wants) and the JAAS file.
const (
	TLSDir    = "/tls"
	DigestDir = "/digest"
	QuorumDir = "/quorum-sasl"
	SecureDir = "/secure"
	KeyStore  = SecureDir + "/keystore.pem"
	TrustPEM  = SecureDir + "/truststore.pem"
	JAASFile  = SecureDir + "/jaas.conf"

	KeySecureStart = "secure-start.sh"
	KeyProbeAdmin  = "probe-admin.sh"
	PortSecure     = "tls-client"
)

const volumeTLS, volumeDigest, volumeQuorum, volumeSecure = "tls", "digest", "quorum-sasl", "secure"

var (
	//go:embed scripts/secure-start.sh
	secureStartScript string
	//go:embed scripts/probe-admin.sh
	probeAdminScript string
)

// TLSSecretName is the Secret with tls.crt, tls.key and ca.crt: the one
// the user names, else the one the Certificate writes.
func TLSSecretName(z *api.ZookeeperSpec, e names.Ensemble) string {
	if t := z.Spec.Security.TLS; t != nil && t.SecretName != "" {
		return t.SecretName
	}
	return e.Name + "-tls"
}

// securityProperties adds the zoo.cfg keys of spec.security to p.
func securityProperties(z *api.ZookeeperSpec, p map[string]string) {
	s := &z.Spec
	if t := s.Security.TLS; t != nil {
		for _, prefix := range []string{"ssl.", "ssl.quorum."} {
			p[prefix+"keyStore.location"] = KeyStore
			p[prefix+"keyStore.type"] = "PEM"
			p[prefix+"trustStore.location"] = TrustPEM
			p[prefix+"trustStore.type"] = "PEM"
		}
		// The admin server answers in plaintext: only the probes, on
		// the pod's loopback, may reach it.
		p["admin.serverAddress"] = "127.0.0.1"
		p["sslQuorum"] = fmt.Sprint(*t.Quorum.Enabled)
		p["portUnification"] = fmt.Sprint(*t.Quorum.PortUnification)
		p["sslQuorumReloadCertFiles"] = "true"
		if *t.Client.Enabled {
			p["secureClientPort"] = fmt.Sprint(api.SecureClientPort)
			p["serverCnxnFactory"] = "org.apache.zookeeper.server.NettyServerCnxnFactory"
			p["ssl.clientAuth"] = t.Client.ClientAuth
			p["authProvider.x509"] = "org.apache.zookeeper.server.auth.X509AuthenticationProvider"
			// 3.8.1+ reloads the client port's stores when the files
			// change; 3.9 reads them for every new TLS connection anyway.
			p["client.certReload"] = "true"
		}
	}
	if q := s.Security.QuorumSASL; q != nil {
		// zoo.cfg keys, not system properties: QuorumPeerConfig parses
		// them itself (and refuses serverRequire without learnerRequire).
		p["quorum.auth.enableSasl"] = "true"
		p["quorum.auth.learnerRequireSasl"] = fmt.Sprint(*q.LearnerRequire)
		p["quorum.auth.serverRequireSasl"] = fmt.Sprint(*q.ServerRequire)
		p["quorum.auth.learner.saslLoginContext"] = "QuorumLearner"
		p["quorum.auth.server.saslLoginContext"] = "QuorumServer"
	}
	if s.Security.Digest != nil {
		p["authProvider.sasl"] = "org.apache.zookeeper.server.auth.SASLAuthenticationProvider"
		p["enforce.auth.enabled"] = "true"
		p["enforce.auth.schemes"] = "sasl"
	}
}

// securedServerLine drops the plaintext client port from a server.X line
// when it is closed: the member then serves only secureClientPort.
func securedServerLine(z *api.ZookeeperSpec, line string) string {
	if z.Spec.PlaintextClient() {
		return line
	}
	before, _, _ := strings.Cut(line, ";")
	return before
}

// Secure layers spec.security onto the rendered ensemble and returns the
// objects it adds (the Certificate).
func Secure(z *api.ZookeeperSpec, m membership.Membership, objs []Object) []Object {
	e := m.Ensemble
	s := &z.Spec
	if s.Security.TLS == nil && s.Security.Digest == nil && s.Security.QuorumSASL == nil {
		return nil
	}
	var cm *corev1.ConfigMap
	for _, o := range objs {
		switch o := o.(type) {
		case *corev1.ConfigMap:
			if o.Name == e.ConfigMap() {
				cm = o
				o.Data[KeySecureStart] = secureStartScript
				o.Data[KeyProbeAdmin] = probeAdminScript
			}
		case *appsv1.StatefulSet:
			securePod(z, e, o)
			// The ConfigMap gained the scripts after the hash was taken.
			o.Spec.Template.Annotations[ConfigHashAnnotation] = ConfigHash(cm)
		case *corev1.Service:
			secureService(z, e, o)
		case *networkingv1.NetworkPolicy:
			secureNetworkPolicy(z, o)
		}
	}
	if t := s.Security.TLS; t != nil && t.CertManager != nil {
		return []Object{Certificate(z, m)}
	}
	return nil
}
