package api

import (
	"k8s.io/apimachinery/pkg/util/validation"
)

// SecureClientPort is where members serve TLS clients (ZooKeeper's
// documented example port, also the Bitnami chart's).
const SecureClientPort = 2281

// Security secures the ensemble: TLS on the client and quorum ports and
// client authentication. Everything is off unless set.
type Security struct {
	// TLS configures certificates and where they are used.
	TLS *TLS `json:"tls,omitempty"`
	// Digest turns on SASL DIGEST-MD5 client authentication with
	// credentials from a Secret.
	Digest *Digest `json:"digest,omitempty"`
	// QuorumSASL turns on SASL DIGEST-MD5 authentication between members
	// with credentials from a Secret.
	QuorumSASL *QuorumSASL `json:"quorumSasl,omitempty"`
}

// TLS holds the certificate source and the TLS settings of both ports.
type TLS struct {
	// SecretName names an existing kubernetes.io/tls Secret with keys
	// tls.crt, tls.key and ca.crt. With certManager it is the Secret the
	// Certificate writes (default <name>-tls).
	SecretName string `json:"secretName,omitempty"`
	// CertManager, when set, renders a cert-manager Certificate that
	// covers every member's DNS name and the Services' names.
	CertManager *CertManager `json:"certManager,omitempty"`
	// Client is TLS on the client port.
	Client ClientTLS `json:"client,omitempty"`
	// Quorum is TLS between members.
	Quorum QuorumTLS `json:"quorum,omitempty"`
}

// CertManager is the issuer of the rendered Certificate.
type CertManager struct {
	// IssuerRef names the Issuer or ClusterIssuer.
	IssuerRef IssuerRef `json:"issuerRef,omitempty"`
	// Duration of the certificate, a Go duration (cert-manager's default
	// is 2160h, 90 days).
	Duration string `json:"duration,omitempty"`
	// RenewBefore: how long before expiry cert-manager renews it.
	RenewBefore string `json:"renewBefore,omitempty"`
}

// IssuerRef is cert-manager's issuer reference.
type IssuerRef struct {
	// Name of the Issuer or ClusterIssuer.
	Name string `json:"name,omitempty"`
	// Kind is Issuer (default) or ClusterIssuer.
	Kind string `json:"kind,omitempty"`
}

// ClientTLS is TLS on the client port.
type ClientTLS struct {
	// Enabled serves TLS clients on port 2281.
	Enabled *bool `json:"enabled,omitempty"`
	// Plaintext keeps the plaintext port 2181 open while clients move
	// over (the migration mode); closed by default once TLS is on.
	Plaintext *bool `json:"plaintext,omitempty"`
	// ClientAuth: none, want or need (mTLS; clients authenticate with
	// their certificate through the x509 provider). Default none.
	ClientAuth string `json:"clientAuth,omitempty"`
}

// QuorumTLS is TLS between members (sslQuorum).
type QuorumTLS struct {
	// Enabled makes members talk TLS to each other (sslQuorum=true).
	Enabled *bool `json:"enabled,omitempty"`
	// PortUnification accepts TLS and plaintext on the quorum ports: the
	// middle steps of ZooKeeper's rolling upgrade to TLS (see docs/security.md).
	PortUnification *bool `json:"portUnification,omitempty"`
}

// Digest is SASL DIGEST-MD5 client authentication.
type Digest struct {
	// SecretName holds one key per user: the key is the user name, the
	// value its password. The JAAS file is written from it at start.
	SecretName string `json:"secretName,omitempty"`
}

// Client-auth modes of ssl.clientAuth.
var clientAuthModes = []string{"none", "want", "need"}

func (s *Spec) defaultSecurity() {
	s.defaultQuorumSASL()
	t := s.Security.TLS
	if t == nil {
		return
	}
	setBool(&t.Client.Enabled, false)
	setBool(&t.Client.Plaintext, !*t.Client.Enabled)
	setString(&t.Client.ClientAuth, "none")
	setBool(&t.Quorum.Enabled, false)
	setBool(&t.Quorum.PortUnification, false)
	if cm := t.CertManager; cm != nil {
		setString(&cm.IssuerRef.Kind, "Issuer")
	}
}

// TLSClient reports whether members serve TLS clients.
func (s *Spec) TLSClient() bool { t := s.Security.TLS; return t != nil && *t.Client.Enabled }

// PlaintextClient reports whether the plaintext client port is open.
func (s *Spec) PlaintextClient() bool { t := s.Security.TLS; return t == nil || *t.Client.Plaintext }

func (s *Spec) checkSecurity(ps *Problems) {
	s.checkSecurityConfig(ps)
	s.checkQuorumSASL(ps)
	if d := s.Security.Digest; d != nil && d.SecretName == "" {
		ps.errorf("spec.security.digest.secretName", "is required: name the Secret whose keys are user names and values their passwords")
	}
	t := s.Security.TLS
	if t == nil {
		return
	}
	const p = "spec.security.tls"
	if t.SecretName == "" && t.CertManager == nil {
		ps.errorf(p+".secretName", "is required: name a Secret with tls.crt, tls.key and ca.crt, or set %s.certManager.issuerRef", p)
	}
	if t.SecretName != "" {
		if errs := validation.IsDNS1123Subdomain(t.SecretName); len(errs) > 0 {
			ps.errorf(p+".secretName", "%q is not a Secret name (%s)", clip(t.SecretName), errs[0])
		}
	}
	t.checkCertManager(ps)
	if !*t.Client.Enabled && !*t.Client.Plaintext {
		ps.errorf(p+".client.plaintext", "is false while %s.client.enabled is false: no client port would be open; enable TLS or keep the plaintext port", p)
	}
	if !contains(clientAuthModes, t.Client.ClientAuth) {
		ps.errorf(p+".client.clientAuth", "%q is not a mode; use none, want or need", clip(t.Client.ClientAuth))
	} else if t.Client.ClientAuth != "none" && !*t.Client.Enabled {
		ps.errorf(p+".client.clientAuth", "is %q but %s.client.enabled is false; enable TLS on the client port", t.Client.ClientAuth, p)
	}
	if t.Client.ClientAuth == "want" && *t.Client.Enabled {
		ps.warnf(p+".client.clientAuth", "is want: clients without a certificate, or with one from another CA, still get in (only unauthenticated as x509); use need once every client has a certificate")
	}
	if !*t.Client.Enabled && !*t.Quorum.Enabled && !*t.Quorum.PortUnification {
		ps.errorf(p, "uses TLS nowhere; set client.enabled, quorum.enabled or quorum.portUnification, or remove spec.security.tls")
	}
	if *t.Client.Enabled && !*s.ZooKeeper.AdminServer.Enabled {
		ps.errorf("spec.zookeeper.adminServer.enabled", "is false but spec.security.tls.client is on: the probes ask the admin server on 127.0.0.1; enable it (it listens on localhost only)")
	}
	if *t.Client.Enabled && *s.ZooKeeper.AdminServer.Port == SecureClientPort {
		ps.errorf("spec.zookeeper.adminServer.port", "%d is the secure client port; choose another port", SecureClientPort)
	}
}

func (t *TLS) checkCertManager(ps *Problems) {
	const p = "spec.security.tls.certManager.issuerRef"
	cm := t.CertManager
	if cm == nil {
		return
	}
	if cm.IssuerRef.Name == "" {
		ps.errorf(p+".name", "is required: name the cert-manager Issuer or ClusterIssuer that signs the members' certificate")
	}
	if k := cm.IssuerRef.Kind; k != "Issuer" && k != "ClusterIssuer" {
		ps.errorf(p+".kind", "%q is not an issuer kind; use Issuer or ClusterIssuer", clip(k))
	}
}

// checkSecurityConfig: with TLS the admin server listens on loopback only
// (zkprops refuses the keys spec.security renders itself).
func (s *Spec) checkSecurityConfig(ps *Problems) {
	if _, set := s.ZooKeeper.Config["admin.serverAddress"]; set && s.Security.TLS != nil {
		ps.errorf("spec.zookeeper.config[admin.serverAddress]", "is set while spec.security.tls is on: the admin server answers in plaintext, so it listens on 127.0.0.1 only (the probes use it there); remove the key")
	}
}
