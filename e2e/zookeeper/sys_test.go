//go:build e2e

package zookeeper

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// run runs a command with a bound and returns its combined output; it
// kills the whole process group when the bound passes.
func run(timeout time.Duration, env []string, name string, args ...string) (string, int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 2 * time.Second
	if env != nil {
		cmd.Env = env
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := -1
	if cmd.ProcessState != nil {
		code = cmd.ProcessState.ExitCode()
	}
	if ctx.Err() != nil {
		return out.String(), code, fmt.Errorf("%s %s: timed out after %s", name, strings.Join(args, " "), timeout)
	}
	return out.String(), code, err
}

// must runs a command that has to succeed.
func must(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, _, err := run(30*time.Second, nil, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

// The sandbox network: a bridge in the sandbox's own network namespace,
// one namespace per member and one for the clients, each joined to the
// bridge by a veth pair.
const (
	bridge     = "zkbr0"
	subnet     = "10.217.0"
	clientNS   = "zkclient"
	clientAddr = subnet + ".2"
)

func memberAddr(ordinal int) string { return fmt.Sprintf("%s.%d", subnet, 10+ordinal) }

func setupBridge(t testing.TB) {
	t.Helper()
	must(t, "ip", "link", "add", bridge, "type", "bridge")
	must(t, "ip", "addr", "add", subnet+".1/24", "dev", bridge)
	must(t, "ip", "link", "set", bridge, "up")
	addNetns(t, clientNS, clientAddr)
}

// addNetns creates a network namespace with lo up and eth0 at addr on the
// bridge; the namespace is deleted on cleanup.
func addNetns(t testing.TB, name, addr string) {
	t.Helper()
	host := "v" + name
	if len(host) > 15 {
		t.Fatalf("namespace name %s too long for a veth name", name)
	}
	// Deleting the host end removes the pair at once; the namespace itself
	// is torn down by the kernel a little later.
	_, _, _ = run(10*time.Second, nil, "ip", "link", "del", host)
	must(t, "ip", "netns", "add", name)
	t.Cleanup(func() {
		_, _, _ = run(10*time.Second, nil, "ip", "link", "del", host)
		if out, _, err := run(10*time.Second, nil, "ip", "netns", "del", name); err != nil {
			t.Errorf("ip netns del %s: %v\n%s", name, err, out)
		}
	})
	// eth0's MAC address follows from its IP address. The namespaces that
	// outlive an ensemble (the clients', the sandbox's own) keep a
	// neighbour (ARP) entry per address: when the next ensemble reuses the
	// address on a new veth with a random MAC, their frames go to the old
	// MAC for tens of seconds, and a client gets no session (issue 18).
	// A fixed MAC keeps those entries right; flushing them is a second
	// guard.
	must(t, "ip", "link", "add", host, "type", "veth", "peer", "name", "eth0", "address", macFor(addr), "netns", name)
	must(t, "ip", "link", "set", host, "master", bridge, "up")
	flushNeighbour(addr)
	must(t, "ip", "-n", name, "link", "set", "lo", "up")
	must(t, "ip", "-n", name, "addr", "add", addr+"/24", "dev", "eth0")
	must(t, "ip", "-n", name, "link", "set", "eth0", "up")
}

// macFor is a locally administered unicast MAC address derived from an
// IPv4 address: 02:00:a.b.c.d.
func macFor(addr string) string {
	ip := net.ParseIP(addr).To4()
	return fmt.Sprintf("02:00:%02x:%02x:%02x:%02x", ip[0], ip[1], ip[2], ip[3])
}

// flushNeighbour drops every cached neighbour entry for addr in the
// namespaces that outlive one ensemble: the sandbox's own and the
// clients' (absent while the client namespace itself is being made).
func flushNeighbour(addr string) {
	_, _, _ = run(10*time.Second, nil, "ip", "neigh", "flush", "to", addr)
	_, _, _ = run(10*time.Second, nil, "ip", "-n", clientNS, "neigh", "flush", "to", addr)
}

// fourLetter sends a four-letter word to addr:port and returns the reply.
func fourLetter(addr string, port int, word string) (string, error) {
	c, err := net.DialTimeout("tcp", net.JoinHostPort(addr, fmt.Sprint(port)), 2*time.Second)
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

// srvrMode returns the Mode: line of srvr ("leader", "follower",
// "standalone", "read-only"), or "" when the member does not answer one.
func srvrMode(addr string, port int) string {
	out, err := fourLetter(addr, port, "srvr")
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(out, "\n") {
		if m, ok := strings.CutPrefix(l, "Mode: "); ok {
			return strings.TrimSpace(m)
		}
	}
	return ""
}

// waitFor polls cond every 100ms until it returns true or the bound passes.
func waitFor(bound time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(bound)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func writeFile(t testing.TB, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}
