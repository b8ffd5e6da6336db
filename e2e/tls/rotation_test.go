//go:build e2e

package tls

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

func TestCertificateRotation(t *testing.T) { runWithPKI(t, "rotation.yaml", rotationInSandbox) }

// rotationInSandbox rotates the TLS Secret under running members the way
// the kubelet updates a Secret volume (a new version directory, then an
// atomic swap of the ..data symlink) and checks, with openssl s_client on
// each member's election port, that every member serves the new
// certificate without a restart.
func rotationInSandbox(t *testing.T) {
	var c sandboxCase
	sb := zkrun.Enter(t, &c)
	sec := secrets(c.PKI)
	e := sb.NewEnsemble(t, zkrun.Parse(t, []byte(c.Output)), zkrun.Options{Secrets: sec})
	dir := e.Members[0].VolumeDir(t, "tls")
	fsGroup := int(*e.R.StatefulSet.Spec.Template.Spec.SecurityContext.FSGroup)
	atomicWrite(t, dir, sec[tlsSecret], fsGroup)
	e.StartAll(t, 4*time.Minute)
	id := filepath.Join(e.Dir, "member-id.pem")
	writeFile(t, id, c.PKI.MemberKey+c.PKI.MemberCert)
	oldSerial, newSerial := serialOf(t, c.PKI.MemberCert), serialOf(t, c.PKI.RotatedCert)
	for _, m := range e.Members {
		if got := servedSerial(t, m, 3888, id); got != oldSerial {
			t.Fatalf("%s serves serial %s on 3888 before the rotation, want %s", m.Pod, got, oldSerial)
		}
	}
	// A TLS connection to the client port now, so its TLS context exists
	// before the rotation (3.8 builds it at the first connection).
	clientBefore := servedSerial(t, e.Members[0], 2281, id)
	pids := map[string]int{}
	for _, m := range e.Members {
		pids[m.Pod] = m.Proc(zkrun.ServerContainer).Pid()
	}

	sec[tlsSecret]["tls.crt"], sec[tlsSecret]["tls.key"] = c.PKI.RotatedCert, c.PKI.RotatedKey
	rotated := time.Now()
	atomicWrite(t, dir, sec[tlsSecret], fsGroup)
	for _, m := range e.Members {
		got := waitSerial(t, m, id, newSerial, 2*time.Minute)
		if got != newSerial {
			log := m.Proc(zkrun.ServerContainer).CurrentLog()
			t.Fatalf("%s still serves serial %s on its quorum port 2 min after the rotation, want %s; the wrapper re-joined the stores: %t",
				m.Pod, got, newSerial, strings.Contains(log, rejoined))
		}
		t.Logf("%s serves the new certificate (serial %s) on 3888 %s after the swap", m.Pod, newSerial, time.Since(rotated).Round(100*time.Millisecond))
		if p := m.Proc(zkrun.ServerContainer); p.Pid() != pids[m.Pod] || !p.Running() {
			t.Fatalf("%s restarted during the rotation", m.Pod)
		}
	}
	// The quorum keeps working over the new certificate.
	e.Members[1].Stop(t)
	e.Members[1].Start(t, zkrun.ServerContainer)
	e.WaitFormed(t, 4*time.Minute, "a member restarted after the rotation rejoining")
	e.Write(t, e.Members[1], "/rotated", "yes")
	// Debian's 3.8.0 builds the client port's TLS context once (reload came
	// in 3.8.1 with client.certReload, and 3.9 builds it per connection);
	// logged, not asserted.
	t.Logf("client port 2281 of %s (not restarted): serial %s before the rotation, %s after", e.Members[0].Pod, clientBefore, servedSerial(t, e.Members[0], 2281, id))
}

// rejoined is what secure-start.sh logs when it re-joins the stores.
const rejoined = "the TLS Secret changed; key and trust stores re-joined"

// waitSerial asks m's election port for its certificate every 2 s (each
// try makes the member log a refused connection) until it has serial
// want or bound passes; it returns the last serial.
func waitSerial(t *testing.T, m *zkrun.Member, id, want string, bound time.Duration) string {
	t.Helper()
	began := time.Now()
	var got string
	for time.Since(began) < bound {
		if got = servedSerial(t, m, 3888, id); got == want {
			break
		}
		time.Sleep(2 * time.Second)
	}
	return got
}

// atomicWrite lays data out as the kubelet's atomic writer does: the
// files in a fresh ..<version> directory (group fsGroup, mode 0440),
// ..data swapped to it by rename, each key a symlink through ..data, the
// previous version removed.
func atomicWrite(t *testing.T, dir string, data map[string]string, fsGroup int) {
	t.Helper()
	old, _ := os.Readlink(filepath.Join(dir, "..data"))
	version := fmt.Sprintf("..%d", time.Now().UnixNano())
	must(t, os.MkdirAll(filepath.Join(dir, version), 0o755))
	for k, v := range data {
		f := filepath.Join(dir, version, k)
		must(t, os.WriteFile(f, []byte(v), 0o440))
		must(t, os.Chown(f, 0, fsGroup))
	}
	must(t, os.Symlink(version, filepath.Join(dir, "..data_tmp")))
	must(t, os.Rename(filepath.Join(dir, "..data_tmp"), filepath.Join(dir, "..data")))
	for k := range data {
		link := filepath.Join(dir, k)
		if target, err := os.Readlink(link); err == nil && target == filepath.Join("..data", k) {
			continue
		}
		_ = os.Remove(link)
		must(t, os.Symlink(filepath.Join("..data", k), link))
	}
	if old != "" {
		must(t, os.RemoveAll(filepath.Join(dir, old)))
	}
}

// servedSerial is the serial of the certificate m presents on port, as
// openssl s_client sees it (presenting id, since the quorum port requires
// a client certificate); "" when no handshake got that far.
func servedSerial(t *testing.T, m *zkrun.Member, port int, id string) string {
	t.Helper()
	addr := net.JoinHostPort(m.IP, fmt.Sprint(port))
	out, _, _ := zkrun.Run(20*time.Second, nil, []byte{}, "openssl", "s_client", "-connect", addr, "-cert", id, "-key", id, "-showcerts")
	const begin, end = "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----"
	i := strings.Index(out, begin)
	if i < 0 {
		return ""
	}
	j := strings.Index(out[i:], end)
	if j < 0 {
		return ""
	}
	return serialOf(t, out[i:i+j+len(end)]+"\n")
}

func serialOf(t *testing.T, pem string) string {
	t.Helper()
	out, _, err := zkrun.Run(20*time.Second, nil, []byte(pem), "openssl", "x509", "-noout", "-serial")
	if err != nil {
		t.Fatalf("openssl x509: %v\n%s", err, out)
	}
	return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(out), "serial="))
}
