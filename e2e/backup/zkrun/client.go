//go:build e2e

package zkrun

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// ClientPort is ZooKeeper's client port, fixed by the function.
const ClientPort = 2181

// FourLetter sends a four-letter word to the member and returns the reply.
func (m *Member) FourLetter(word string) (string, error) {
	c, err := net.DialTimeout("tcp", net.JoinHostPort(m.IP, fmt.Sprint(ClientPort)), 2*time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte(word)); err != nil {
		return "", err
	}
	var b bytes.Buffer
	_, err = b.ReadFrom(c)
	if err != nil && !errors.Is(err, syscall.ECONNRESET) {
		return b.String(), err
	}
	return b.String(), nil
}

// Mode is the member's srvr Mode ("leader", "follower", ...) or "".
func (m *Member) Mode() string {
	out, err := m.FourLetter("srvr")
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(l, "Mode: "); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// StartAll starts every member's zookeeper container and waits until
// one leads and the others follow (or the one member runs standalone).
func (e *Ensemble) StartAll(t *testing.T, bound time.Duration) {
	t.Helper()
	for _, m := range e.Members {
		m.Start(t, "zookeeper")
	}
	exited := func() bool {
		for _, m := range e.Members {
			for _, p := range m.procs {
				if p.Name == "zookeeper" && !p.Running() {
					return true
				}
			}
		}
		return false
	}
	if !WaitFor(bound, func() bool { return exited() || e.Formed() }) || exited() {
		for _, m := range e.Members {
			for _, p := range m.procs {
				t.Logf("---- %s/%s (%s):\n%s", m.Pod, p.Name, p.Log, p.Tail(30))
			}
		}
		t.Fatalf("the ensemble did not form within %s (or a member exited)", bound)
	}
}

// Formed: exactly one leader and the rest followers, or one standalone.
func (e *Ensemble) Formed() bool {
	leaders, followers := 0, 0
	for _, m := range e.Members {
		switch m.Mode() {
		case "leader":
			leaders++
		case "follower":
			followers++
		case "standalone":
			return len(e.Members) == 1
		}
	}
	return leaders == 1 && followers == len(e.Members)-1
}

// Connect is a client connect string over every member.
func (e *Ensemble) Connect() string {
	var hosts []string
	for _, m := range e.Members {
		hosts = append(hosts, fmt.Sprintf("%s:%d", m.IP, ClientPort))
	}
	return strings.Join(hosts, ",")
}

// TreeClient compiles ZkTree.java against Debian's zookeeper.jar into dir
// and returns the classpath to run it with.
func TreeClient(t testing.TB, root, dir string) string {
	t.Helper()
	must0(t, os.MkdirAll(dir, 0o755))
	src := filepath.Join(root, "e2e", "backup", "zkrun", "ZkTree.java")
	if out, _, err := Run(120*time.Second, nil, nil, "javac", "-nowarn", "-d", dir, "-cp", "/usr/share/java/zookeeper.jar", src); err != nil {
		t.Fatalf("javac ZkTree.java: %v\n%s", err, out)
	}
	cp := []string{dir}
	for _, j := range []string{"zookeeper.jar", "zookeeper-jute.jar", "slf4j-nop.jar"} {
		p := "/usr/share/java/" + j
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s is missing: run hack/zookeeper/install.sh", p)
		}
		cp = append(cp, p)
	}
	return strings.Join(cp, ":")
}

// Tree runs ZkTree with op (load with stdin, or dump) against the
// ensemble and returns its standard output.
func (e *Ensemble) Tree(t testing.TB, classpath, op string, stdin []byte) string {
	t.Helper()
	out, _, err := Run(120*time.Second, nil, stdin, "java", "-Xmx128m", "-XX:TieredStopAtLevel=1",
		"-cp", classpath, "ZkTree", e.Connect(), op)
	if err != nil {
		t.Fatalf("ZkTree %s: %v\n%s", op, err, out)
	}
	return out
}
