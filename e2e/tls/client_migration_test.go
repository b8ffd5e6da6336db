//go:build e2e

package tls

import (
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// TestClientMigration runs the client migration mode (client.plaintext
// true next to TLS): a plaintext client on 2181 and a TLS client on 2281
// both work, and with clientAuth want a TLS client needs no certificate.
func TestClientMigration(t *testing.T) {
	runWithPKI(t, "client-migration.yaml", clientMigrationInSandbox)
}

func clientMigrationInSandbox(t *testing.T) {
	var c sandboxCase
	sb := zkrun.Enter(t, &c)
	e := sb.NewEnsemble(t, zkrun.Parse(t, []byte(c.Output)), zkrun.Options{Secrets: secrets(c.PKI)})
	if e.Port != 2181 {
		t.Fatalf("the migration mode's client port is %d, want the plaintext 2181 still open", e.Port)
	}
	cl := newClients(t, e, c.PKI)
	e.StartAll(t, 4*time.Minute)
	m := e.Members[0]
	cl.use()
	e.Write(t, m, "/plain", "1")
	tlsConnect := m.FQDN + ":2281"
	cl.use(cl.trusted)
	res := e.Client(t, zkrun.Call{Connect: tlsConnect}, "create:/tls:1", "get:/plain")
	if res.State != "SyncConnected" || res.Ops["create /tls"] != "result=ok" || res.Ops["get /plain"] != "result=ok data=1" {
		t.Fatalf("a TLS client on 2281 in the migration mode:\n%s", res.Out)
	}
	// clientAuth want: a certificate is optional, so a TLS client without
	// one gets in too (seen on 3.8.0: so does one whose certificate comes
	// from another CA; it is just not authenticated as x509: use need to
	// refuse it, docs/security.md).
	cl.use(cl.noCert)
	if res := e.Client(t, zkrun.Call{Connect: tlsConnect}, "get:/tls"); res.Ops["get /tls"] != "result=ok data=1" {
		t.Fatalf("a TLS client without a certificate, clientAuth want:\n%s", res.Out)
	}
	for _, k := range []zkrun.ProbeKind{zkrun.Readiness, zkrun.Liveness} {
		if ok, out := m.Probe(t, k); !ok {
			t.Fatalf("the %s probe fails in the migration mode: %s", k, out)
		}
	}
}
