//go:build e2e

// Package tls proves spec.security on real ZooKeeper members (e2e/zkrun):
// certificates made by openssl, the rendered start wrapper joining them
// into PEM stores, the quorum over TLS, the plaintext port closed, mTLS
// and SASL digest clients let in or refused, and the probes on the admin
// server.
package tls

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// Names of the Secrets the specs under testdata name.
const tlsSecret, usersSecret, quorumSecret = "zk-tls", "zk-users", "zk-quorum"

// quorumPassword is the members' quorum SASL password: hostile to the
// JAAS file the start wrapper writes (a quote, backslashes, a newline).
const quorumPassword = "q\"uo\\rum\npw\\"

// Users of the digest Secret.
var users = map[string]string{"alice": `s3cr"et\pw`}

// sandboxCase is what the host hands the sandboxed run.
type sandboxCase struct {
	Output string
	PKI    PKI
}

// render runs the function binary on a spec under testdata.
func render(t *testing.T, spec string) []byte {
	t.Helper()
	cmd := exec.Command(harness.FunctionBinary(t), filepath.Join(harness.Root(t), "e2e", "tls", "testdata", spec))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("render %s: %v\n%s", spec, err, out)
	}
	return out
}

// memberNames are the DNS names the members' certificate must cover.
func memberNames(r *zkrun.Rendered) []string {
	var out []string
	for i := 0; i < r.Replicas(); i++ {
		out = append(out, r.PodDNSName(i, "cluster.local"))
	}
	return out
}

// runWithPKI is a one-spec test: inside the sandbox it runs inside; on the
// host it renders testdata/<spec>, makes a CA and a certificate covering
// every member and localhost, and re-runs the test in the sandbox.
func runWithPKI(t *testing.T, spec string, inside func(*testing.T)) {
	t.Helper()
	if zkrun.Sandboxed(t, inside) {
		return
	}
	out := render(t, spec)
	r := zkrun.Parse(t, out)
	zkrun.ReexecParallel(t, sandboxCase{Output: string(out), PKI: newPKI(t, append(memberNames(r), "localhost"))}, r)
}

func TestSecuredEnsemble(t *testing.T) { runWithPKI(t, "secured.yaml", securedInSandbox) }

func secrets(p PKI) map[string]map[string]string {
	return map[string]map[string]string{
		tlsSecret:    {"tls.crt": p.MemberCert, "tls.key": p.MemberKey, "ca.crt": p.CA},
		usersSecret:  users,
		quorumSecret: {"username": "zk_quorum", "password": quorumPassword},
	}
}

func securedInSandbox(t *testing.T) {
	var c sandboxCase
	sb := zkrun.Enter(t, &c)
	r := zkrun.Parse(t, []byte(c.Output))
	e := sb.NewEnsemble(t, r, zkrun.Options{Secrets: secrets(c.PKI)})
	cl := newClients(t, e, c.PKI)
	e.FourLetterTLS = cl.fourLetter
	took := e.StartAll(t, 4*time.Minute)
	t.Logf("formation over TLS: %s", took.Round(10*time.Millisecond))

	checkQuorumTLS(t, e, "Creating TLS-only quorum server socket")
	checkQuorumSASL(t, e)
	checkProbes(t, e)

	// A TLS client whose certificate the members trust, with the right
	// digest password: writes and reads through every member.
	cl.use(cl.trusted, cl.jaasGood)
	e.Write(t, e.Members[0], "/secured", "yes")
	for pod, got := range e.ReadAll(t, e.Members, "/secured") {
		if got != "yes" {
			t.Fatalf("read /secured through %s: %q, want yes", pod, got)
		}
	}
	cl.refused(t, "a plaintext client on 2181", e.Members[0].FQDN+":2181", cl.jaasGood)
	cl.refused(t, "a plaintext client on the TLS port", e.ConnectTo(e.Members[0]), cl.jaasGood)
	cl.refused(t, "a TLS client with a certificate from another CA", e.ConnectTo(e.Members[0]), append(cl.stranger, cl.jaasGood...))
	cl.refused(t, "a TLS client without a client certificate (clientAuth need)", e.ConnectTo(e.Members[0]), append(cl.noCert, cl.jaasGood...))
	cl.wrongPassword(t)
}

// checkQuorumTLS finds line in every member's server log: ZooKeeper logs
// how it creates the quorum server socket.
func checkQuorumTLS(t *testing.T, e *zkrun.Ensemble, line string) {
	t.Helper()
	for _, m := range e.Members {
		b, err := os.ReadFile(m.Proc(zkrun.ServerContainer).Log)
		if err != nil {
			t.Fatal(err)
		}
		if !containsLine(string(b), line) {
			t.Fatalf("%s: the server log lacks %q: the quorum does not use TLS\n%s", m.Pod, line, m.Proc(zkrun.ServerContainer).Tail(40))
		}
	}
}

// checkProbes runs the rendered probes: with 2181 closed they must still
// pass, through the admin server on loopback.
func checkProbes(t *testing.T, e *zkrun.Ensemble) {
	t.Helper()
	for _, m := range e.Members {
		for _, k := range []zkrun.ProbeKind{zkrun.Startup, zkrun.Readiness, zkrun.Liveness} {
			if ok, out := m.Probe(t, k); !ok {
				t.Fatalf("%s: the %s probe fails on a formed TLS ensemble: %s", m.Pod, k, out)
			}
		}
	}
}
