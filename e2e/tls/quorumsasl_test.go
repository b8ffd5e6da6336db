//go:build e2e

package tls

import (
	"strings"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// saslLine is what ZooKeeper logs on both ends of an authenticated quorum
// connection (SaslQuorumAuthServer: "... learner addr", SaslQuorumAuthLearner:
// "... server addr").
const saslLine = "Successfully completed the authentication using SASL"

// checkQuorumSASL: every member authenticated a quorum connection with
// SASL and requires it (QuorumPeer logs the switches it read).
// Only the members' current runs count (after a migration: the last step).
func checkQuorumSASL(t *testing.T, e *zkrun.Ensemble) {
	t.Helper()
	for _, m := range e.Members {
		log := m.Proc(zkrun.ServerContainer).CurrentLog()
		for _, line := range []string{"quorum.auth.serverRequireSasl set to true", "quorum.auth.learnerRequireSasl set to true", saslLine} {
			if !strings.Contains(log, line) {
				t.Fatalf("%s: the server log lacks %q: the quorum does not require SASL\n%s", m.Pod, line, m.Proc(zkrun.ServerContainer).Tail(40))
			}
		}
	}
}

func TestQuorumSASL(t *testing.T) { runRendered(t, "quorum-sasl.yaml", quorumSASLInSandbox) }

// runRendered is a real-member test without certificates: on the host it
// renders spec and runs the test again in the sandbox, where inside runs
// on that output.
func runRendered(t *testing.T, spec string, inside func(*testing.T)) {
	t.Helper()
	if zkrun.Sandboxed(t, inside) {
		return
	}
	out := render(t, spec)
	zkrun.ReexecParallel(t, sandboxCase{Output: string(out)}, zkrun.Parse(t, out))
}

// quorumSASLInSandbox forms an ensemble whose members authenticate each
// other, then restarts one member with a wrong password: it must never
// join (the others refuse it and say why) while the other two keep
// serving; with the right password again it rejoins with every write.
func quorumSASLInSandbox(t *testing.T) {
	var c sandboxCase
	sb := zkrun.Enter(t, &c)
	sec := map[string]map[string]string{quorumSecret: {"username": "zk_quorum", "password": quorumPassword}}
	e := sb.NewEnsemble(t, zkrun.Parse(t, []byte(c.Output)), zkrun.Options{Secrets: sec})
	took := e.StartAll(t, 4*time.Minute)
	t.Logf("formation with quorum SASL: %s", took.Round(10*time.Millisecond))
	checkQuorumSASL(t, e)
	e.Write(t, e.Members[0], "/before", "1")

	// The Secret volume is shared, but members read it only at start:
	// only the restarted member gets the wrong password.
	intruder := e.Members[2]
	intruder.Stop(t)
	sec[quorumSecret]["password"] = "not-the-password"
	intruder.Start(t, zkrun.ServerContainer)
	began := time.Now()
	why := waitLogged(t, e.Members[:2], 2*time.Minute, "Failed to authenticate using SASL")
	t.Logf("wrong password refused after %s: %s", time.Since(began).Round(100*time.Millisecond), why)
	t.Logf("the intruder's side: %s", waitLogged(t, []*zkrun.Member{intruder}, time.Minute, "Authentication failed against server addr"))
	e.Write(t, e.Members[0], "/during", "2")
	// It keeps trying; for 20 s more it must not get a mode.
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := intruder.Mode(); m == "follower" || m == "leader" {
			t.Fatalf("%s with a wrong quorum password joined as %s\n%s", intruder.Pod, m, intruder.Proc(zkrun.ServerContainer).Tail(30))
		}
		time.Sleep(2 * time.Second)
	}
	if modes := e.Modes(); modes[e.Members[0].Pod] == "" || modes[e.Members[1].Pod] == "" {
		t.Fatalf("the two members with the right password lost their quorum: %v", modes)
	}

	intruder.Stop(t)
	sec[quorumSecret]["password"] = quorumPassword
	intruder.Start(t, zkrun.ServerContainer)
	e.WaitFormed(t, 4*time.Minute, intruder.Pod+" back with the right password")
	for _, p := range []string{"/before", "/during"} {
		if got := e.Read(t, intruder, p); got == "" {
			t.Fatalf("%s through %s: empty after rejoining", p, intruder.Pod)
		}
	}
}

// waitLogged waits until the server log of one of ms (its current run)
// has one of lines and returns the line it found, with the member.
func waitLogged(t *testing.T, ms []*zkrun.Member, bound time.Duration, lines ...string) string {
	t.Helper()
	var found string
	ok := zkrun.WaitFor(bound, func() bool {
		for _, m := range ms {
			log := m.Proc(zkrun.ServerContainer).CurrentLog()
			for _, l := range lines {
				if i := strings.Index(log, l); i >= 0 {
					end := strings.IndexByte(log[i:], '\n')
					if end < 0 {
						end = len(log) - i
					}
					found = m.Pod + ": " + log[i:i+end]
					return true
				}
			}
		}
		return false
	})
	if !ok {
		for _, m := range ms {
			t.Logf("%s:\n%s", m.Pod, m.Proc(zkrun.ServerContainer).Tail(20))
		}
		t.Fatalf("no member logged any of %q within %s", lines, bound)
	}
	return found
}

// qsaslSteps are ZooKeeper's rolling migration to quorum SASL (the
// Server-Server mutual authentication guide): enableSasl, then
// learnerRequireSasl, then serverRequireSasl, one roll each.
var qsaslSteps = []string{"migration-0-plain.yaml", "qsasl-1-enable.yaml", "qsasl-2-learner.yaml", "quorum-sasl.yaml"}

func TestQuorumSASLMigration(t *testing.T) {
	if zkrun.InSandbox() {
		var c migrationCase
		sb := zkrun.Enter(t, &c)
		sec := map[string]map[string]string{quorumSecret: {"username": "zk_quorum", "password": quorumPassword}}
		e := sb.NewEnsemble(t, zkrun.Parse(t, []byte(c.Outputs[0])), zkrun.Options{Secrets: sec})
		written := rollMigration(t, e, c.Outputs, qsaslSteps)
		checkQuorumSASL(t, e)
		checkAllWritten(t, e, written)
		return
	}
	c, rs := renderSteps(t, qsaslSteps)
	zkrun.ReexecParallel(t, c, rs...)
}

// TestQuorumPasswordRotation changes the quorum user and password under
// running members in the three rolls docs/security.md gives (accept the
// next user; present it, still accepting the previous; drop the
// previous), with writes going on, then checks that the previous
// credentials no longer get a member in.
func TestQuorumPasswordRotation(t *testing.T) {
	runRendered(t, "quorum-sasl.yaml", passwordRotationInSandbox)
}

func passwordRotationInSandbox(t *testing.T) {
	var c sandboxCase
	sb := zkrun.Enter(t, &c)
	const next = "n3xt-quorum-pässword"
	sec := map[string]map[string]string{quorumSecret: quorum("zk_quorum", quorumPassword)}
	e := sb.NewEnsemble(t, zkrun.Parse(t, []byte(c.Output)), zkrun.Options{Secrets: sec})
	e.StartAll(t, 4*time.Minute)
	w := &writer{e: e}
	w.write(t, e.Members[0])
	began := time.Now()
	for _, step := range []struct {
		name   string
		secret map[string]string
	}{
		{"1 accept the next user", quorum("zk_quorum", quorumPassword, "accept.zk_quorum_2", next)},
		{"2 present the next user", quorum("zk_quorum_2", next, "accept.zk_quorum", quorumPassword)},
		{"3 drop the previous user", quorum("zk_quorum_2", next)},
	} {
		sec[quorumSecret] = step.secret
		w.roll(t, "rotation step "+step.name)
	}
	t.Logf("password rotation: 3 rolls in %s, %d writes, none failed", time.Since(began).Round(100*time.Millisecond), len(w.written))
	checkQuorumSASL(t, e)
	checkAllWritten(t, e, w.written)

	// The previous credentials are refused now.
	m := e.Members[2]
	m.Stop(t)
	sec[quorumSecret] = quorum("zk_quorum", quorumPassword)
	m.Start(t, zkrun.ServerContainer)
	t.Logf("the previous user refused: %s", waitLogged(t, e.Members[:2], 2*time.Minute, "Failed to authenticate using SASL"))
	m.Stop(t)
	sec[quorumSecret] = quorum("zk_quorum_2", next)
	m.Start(t, zkrun.ServerContainer)
	e.WaitFormed(t, 4*time.Minute, m.Pod+" back with the current user")
}
