package api_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSecurityDefaults(t *testing.T) {
	z, _ := decodeValid(t, header)
	assert.Nil(t, z.Spec.Security.TLS, "TLS is off unless asked")
	assert.True(t, z.Spec.PlaintextClient())

	z, _ = decodeValid(t, header+"spec: {security: {tls: {secretName: zk-tls, client: {enabled: true}}}}\n")
	assert.True(t, z.Spec.TLSClient())
	assert.False(t, z.Spec.PlaintextClient(), "TLS on the client port closes the plaintext port unless asked")
	assert.Equal(t, "none", z.Spec.Security.TLS.Client.ClientAuth)
	assert.False(t, *z.Spec.Security.TLS.Quorum.Enabled)

	z, _ = decodeValid(t, header+"spec: {security: {tls: {certManager: {issuerRef: {name: ca}}, quorum: {enabled: true}}}}\n")
	assert.Equal(t, "Issuer", z.Spec.Security.TLS.CertManager.IssuerRef.Kind)
	assert.True(t, z.Spec.PlaintextClient(), "quorum TLS alone leaves the client port as it was")
}

func TestQuorumSASLModes(t *testing.T) {
	cases := map[string]struct {
		sasl                    string
		learner, server, warned bool
	}{
		"default is required both ways": {"{secretName: q}", true, true, false},
		"step 1: learnerRequire false":  {"{secretName: q, learnerRequire: false}", false, false, true},
		"step 2: serverRequire false":   {"{secretName: q, serverRequire: false}", true, false, true},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			z, ps := decodeValid(t, header+"spec: {security: {quorumSasl: "+c.sasl+"}}\n")
			q := z.Spec.Security.QuorumSASL
			assert.Equal(t, c.learner, *q.LearnerRequire)
			assert.Equal(t, c.server, *q.ServerRequire)
			assert.Equal(t, c.learner && c.server, z.Spec.QuorumSASLRequired())
			assert.Equal(t, c.warned, hasWarning(ps, "spec.security.quorumSasl", "is in migration"), "%v", ps)
		})
	}
}

func TestSecurityBadInput(t *testing.T) {
	const tls = "spec.security.tls"
	cases := map[string]specError{
		"no certificate source": {"security: {tls: {client: {enabled: true}}}", tls + ".secretName", "is required"},
		"bad secret name":       {"security: {tls: {secretName: Not_A_Name, client: {enabled: true}}}", tls + ".secretName", "is not a Secret name"},
		"issuer kind":           {"security: {tls: {certManager: {issuerRef: {name: ca, kind: Vault}}, client: {enabled: true}}}", tls + ".certManager.issuerRef.kind", "use Issuer or ClusterIssuer"},
		"issuer name":           {"security: {tls: {certManager: {issuerRef: {kind: Issuer}}, client: {enabled: true}}}", tls + ".certManager.issuerRef.name", "is required"},
		"no client port":        {"security: {tls: {secretName: s, client: {enabled: false, plaintext: false}, quorum: {enabled: true}}}", tls + ".client.plaintext", "no client port would be open"},
		"tls nowhere":           {"security: {tls: {secretName: s}}", tls, "uses TLS nowhere"},
		"client auth mode":      {"security: {tls: {secretName: s, client: {enabled: true, clientAuth: always}}}", tls + ".client.clientAuth", "not a mode"},
		"client auth, no TLS":   {"security: {tls: {secretName: s, client: {clientAuth: need}, quorum: {enabled: true}}}", tls + ".client.clientAuth", "enable TLS on the client port"},
		"digest without secret": {"security: {digest: {}}", "spec.security.digest.secretName", "is required"},
		"quorum without secret": {"security: {quorumSasl: {}}", "spec.security.quorumSasl.secretName", "is required"},
		"quorum secret name":    {"security: {quorumSasl: {secretName: a_b}}", "spec.security.quorumSasl.secretName", "is not a Secret name"},
		"server before learner": {"security: {quorumSasl: {secretName: q, learnerRequire: false, serverRequire: true}}", "spec.security.quorumSasl.serverRequire", "learnerRequire first"},
	}
	requireSpecErrors(t, cases)
}

func TestSecurityOwnsItsZooCfgKeys(t *testing.T) {
	for key, path := range map[string]string{
		"sslQuorum": "spec.zookeeper.config[sslQuorum]", "secureClientPort": "spec.zookeeper.config[secureClientPort]",
		"ssl.keyStore.location": "spec.zookeeper.config[ssl.keyStore.location]", "authProvider.x509": "spec.zookeeper.config[authProvider.x509]",
		"quorum.auth.enableSasl": "spec.zookeeper.config[quorum.auth.enableSasl]",
	} {
		_, ps := decode(t, header+"spec: {zookeeper: {config: {"+key+": 'x'}}}\n")
		requireProblem(t, ps, path, "spec.security renders")
	}
	// The admin server answers in plaintext: with TLS it stays on loopback.
	_, ps := decode(t, header+"spec: {security: {tls: {secretName: s, client: {enabled: true}}}, zookeeper: {config: {admin.serverAddress: 0.0.0.0}}}\n")
	requireProblem(t, ps, "spec.zookeeper.config[admin.serverAddress]", "127.0.0.1 only")
	_, ps = decode(t, header+"spec: {security: {tls: {secretName: s, client: {enabled: true}}}, zookeeper: {adminServer: {enabled: false}}}\n")
	requireProblem(t, ps, "spec.zookeeper.adminServer.enabled", "probes ask the admin server")
}
