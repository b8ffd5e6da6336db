//go:build e2e

package zookeeper

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// clientResult is the output of one ZkClient run (hack/zookeeper/ZkClient.java).
type clientResult struct {
	state    string // of the first session: SyncConnected, ConnectedReadOnly or NotConnected
	ops      map[string]string
	sessions []session // every session, in order (connect: ops open more)
	out      string
}

// session is one connection of a ZkClient run and its operations' results.
type session struct {
	state, connect string
	ops            map[string]string // "op path" -> "result=ok data=..." or "result=error code=..."
}

// client runs ZooKeeper's own Java client from the client network
// namespace against connect (host:port,...), resolving the rendered
// hostnames through the suite's hosts file. canBeReadOnly is the Java
// client's flag that lets it attach to a read-only member.
func (e *ensemble) client(t testing.TB, connect string, canBeReadOnly bool, wait time.Duration, ops ...string) clientResult {
	t.Helper()
	jars := []string{e.clientDir, "/usr/share/java/zookeeper.jar", "/usr/share/java/slf4j-nop.jar"}
	for _, j := range jars[1:] {
		if _, err := os.Stat(j); err != nil {
			t.Fatalf("%v: run hack/zookeeper/install.sh", err)
		}
	}
	args := []string{"netns", "exec", clientNS, "java", "-Xmx64m", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
		"-Djdk.net.hosts.file=" + e.hostsFile, "-cp", strings.Join(jars, ":"), "ZkClient",
		connect, "30000", fmt.Sprint(canBeReadOnly), fmt.Sprint(wait.Milliseconds())}
	args = append(args, ops...)
	out, code, err := run(wait+60*time.Second, nil, "ip", args...)
	if err != nil && code != 3 {
		t.Fatalf("ZkClient %s: %v\n%s", strings.Join(args[3:], " "), err, out)
	}
	res := clientResult{out: out}
	for _, l := range strings.Split(out, "\n") {
		if s, ok := strings.CutPrefix(l, "state="); ok {
			state, rest, _ := strings.Cut(s, " ")
			connect, _, _ := strings.Cut(strings.TrimPrefix(rest, "connect="), " ")
			res.sessions = append(res.sessions, session{state: state, connect: connect, ops: map[string]string{}})
			continue
		}
		if rest, ok := strings.CutPrefix(l, "op="); ok && len(res.sessions) > 0 {
			name, rest, _ := strings.Cut(rest, " path=")
			p, result, _ := strings.Cut(rest, " ")
			res.sessions[len(res.sessions)-1].ops[name+" "+p] = result
		}
	}
	if len(res.sessions) == 0 {
		t.Fatalf("ZkClient printed no state line:\n%s", out)
	}
	res.state, res.ops = res.sessions[0].state, res.sessions[0].ops
	return res
}

// connectTo is the connect string for one member, by its rendered
// hostname and the client port.
func (e *ensemble) connectTo(ms ...*member) string {
	var s []string
	for _, m := range ms {
		s = append(s, fmt.Sprintf("%s:%d", m.fqdn, e.port))
	}
	return strings.Join(s, ",")
}

// write creates (or sets) path=data through member m with a normal
// (read-write) session.
func (e *ensemble) write(t testing.TB, m *member, path, data string) {
	t.Helper()
	res := e.client(t, e.connectTo(m), false, 20*time.Second, "create:"+path+":"+data)
	if res.state != "SyncConnected" {
		t.Fatalf("write %s through %s: client state %s, want SyncConnected\n%s", path, m.pod, res.state, res.out)
	}
	if got := res.ops["create "+path]; got == "result=error code=NODEEXISTS" {
		res = e.client(t, e.connectTo(m), false, 20*time.Second, "set:"+path+":"+data)
		got = res.ops["set "+path]
		if got != "result=ok" {
			t.Fatalf("set %s through %s: %s\n%s", path, m.pod, got, res.out)
		}
	} else if got != "result=ok" {
		t.Fatalf("create %s through %s: %s\n%s", path, m.pod, got, res.out)
	}
}

// read syncs path through member m (so the member has caught up with the
// leader) and returns its data.
func (e *ensemble) read(t testing.TB, m *member, path string) string {
	t.Helper()
	return e.readAll(t, []*member{m}, path)[m.pod]
}

// readAll reads path through each member in turn (one client process,
// one session per member), after a sync, and returns the data by pod.
func (e *ensemble) readAll(t testing.TB, ms []*member, path string) map[string]string {
	t.Helper()
	var ops []string
	for i, m := range ms {
		if i > 0 {
			ops = append(ops, "connect:"+e.connectTo(m))
		}
		ops = append(ops, "sync:"+path, "get:"+path)
	}
	res := e.client(t, e.connectTo(ms[0]), false, 20*time.Second, ops...)
	got := map[string]string{}
	for i, m := range ms {
		if i >= len(res.sessions) || res.sessions[i].connect != e.connectTo(m) {
			t.Fatalf("read %s: no session through %s\n%s", path, m.pod, res.out)
		}
		s := res.sessions[i]
		if s.state != "SyncConnected" {
			t.Fatalf("read %s through %s: client state %s, want SyncConnected\n%s", path, m.pod, s.state, res.out)
		}
		if r := s.ops["sync "+path]; r != "result=ok" {
			t.Fatalf("sync %s through %s: %s\n%s", path, m.pod, r, res.out)
		}
		data, ok := strings.CutPrefix(s.ops["get "+path], "result=ok data=")
		if !ok {
			t.Fatalf("get %s through %s: %s\n%s", path, m.pod, s.ops["get "+path], res.out)
		}
		got[m.pod] = data
	}
	return got
}

// buildClient compiles ZkClient once into the cache and returns its
// directory (hack/zookeeper/build-client.sh).
func buildClient(t testing.TB, root string) string {
	t.Helper()
	out, _, err := run(5*time.Minute, nil, "bash", filepath.Join(root, "hack", "zookeeper", "build-client.sh"))
	if err != nil {
		t.Fatalf("hack/zookeeper/build-client.sh: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}
