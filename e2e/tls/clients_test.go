//go:build e2e

package tls

import (
	"crypto/tls"
	"crypto/x509"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// clients holds the JVM flags of ZooKeeper's Java client for each kind of
// client the suite tries, and a Go TLS config for the four-letter words.
type clients struct {
	e                         *zkrun.Ensemble
	trusted, stranger, noCert []string
	jaasGood, jaasBad         []string
	fourLetter                *tls.Config
}

// tlsFlags make ZooKeeper's Java client speak TLS (Netty) with PEM
// stores; keyStore "" means no client certificate.
func tlsFlags(keyStore, trustStore string) []string {
	f := []string{"-Dzookeeper.client.secure=true",
		"-Dzookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty",
		"-Dzookeeper.ssl.trustStore.location=" + trustStore, "-Dzookeeper.ssl.trustStore.type=PEM"}
	if keyStore != "" {
		f = append(f, "-Dzookeeper.ssl.keyStore.location="+keyStore, "-Dzookeeper.ssl.keyStore.type=PEM")
	}
	return f
}

func jaas(t *testing.T, path, user, password string) []string {
	t.Helper()
	esc := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace
	body := "Client {\n  org.apache.zookeeper.server.auth.DigestLoginModule required\n  username=\"" + esc(user) +
		"\"\n  password=\"" + esc(password) + "\";\n};\n"
	writeFile(t, path, body)
	return []string{"-Djava.security.auth.login.config=" + path}
}

func newClients(t *testing.T, e *zkrun.Ensemble, p PKI) *clients {
	t.Helper()
	f := func(name string) string { return filepath.Join(e.Dir, "client-"+name) }
	writeFile(t, f("ca.pem"), p.CA)
	writeFile(t, f("trusted.pem"), p.ClientKey+p.ClientCert)
	writeFile(t, f("stranger.pem"), p.StrangerKey+p.StrangerCert)
	c := &clients{e: e,
		trusted:  tlsFlags(f("trusted.pem"), f("ca.pem")),
		stranger: tlsFlags(f("stranger.pem"), f("ca.pem")),
		noCert:   tlsFlags("", f("ca.pem")),
		jaasGood: jaas(t, f("good.jaas"), "alice", users["alice"]),
		jaasBad:  jaas(t, f("bad.jaas"), "alice", "not-the-password"),
	}
	cert, err := tls.X509KeyPair([]byte(p.ClientCert), []byte(p.ClientKey))
	if err != nil {
		t.Fatalf("client key pair: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM([]byte(p.CA))
	c.fourLetter = &tls.Config{Certificates: []tls.Certificate{cert}, RootCAs: pool, MinVersion: tls.VersionTLS12}
	return c
}

// use sets the flags of the following client runs.
func (c *clients) use(flags ...[]string) {
	c.e.ClientJVMFlags = nil
	for _, f := range flags {
		c.e.ClientJVMFlags = append(c.e.ClientJVMFlags, f...)
	}
}

// refused checks that a client with flags cannot use the ensemble at
// connect: it never connects, or it cannot create a znode.
func (c *clients) refused(t *testing.T, what, connect string, flags []string) {
	t.Helper()
	c.use(flags)
	res := c.e.Client(t, zkrun.Call{Connect: connect, Wait: 8 * time.Second}, "create:/intruder:x")
	if res.State == "SyncConnected" && res.Ops["create /intruder"] == "result=ok" {
		t.Fatalf("%s could write:\n%s", what, res.Out)
	}
	t.Logf("%s: refused (state %s, create %q)", what, res.State, res.Ops["create /intruder"])
}

// wrongPassword: a trusted TLS client with a wrong digest password must
// not get in, while the right one does (checked before).
func (c *clients) wrongPassword(t *testing.T) {
	t.Helper()
	c.refused(t, "a trusted TLS client with a wrong digest password", c.e.ConnectTo(c.e.Members[1]), append(append([]string{}, c.trusted...), c.jaasBad...))
	c.refused(t, "a trusted TLS client without SASL", c.e.ConnectTo(c.e.Members[1]), c.trusted)
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := writeFileErr(path, body); err != nil {
		t.Fatal(err)
	}
}
