//go:build e2e

package zkrun

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Call is one run of the Java client (hack/zookeeper/ZkClient.java).
type Call struct {
	// Connect is the connect string; default every member (Connect).
	Connect string
	// CanBeReadOnly lets the client attach to a read-only member.
	CanBeReadOnly bool
	// Wait bounds each session's connection; default 20 s.
	Wait time.Duration
	// Stdin feeds the load op.
	Stdin []byte
	// JVMFlags, when not nil, are this run's flags instead of the
	// ensemble's ClientJVMFlags: runs of Clients with different TLS or
	// SASL settings at once.
	JVMFlags []string
}

// ClientResult is what one client run printed.
type ClientResult struct {
	// State of the first session: SyncConnected, ConnectedReadOnly or
	// NotConnected.
	State string
	// Ops of the first session: "op path" -> "result=ok[ data=...]" or
	// "result=error code=...".
	Ops map[string]string
	// Sessions is every session, in order (a connect op opens another).
	Sessions []Session
	// Nodes are a dump op's lines: path, Stat, ACL, data (hex), tab-separated.
	Nodes []string
	// Out is the whole output.
	Out string
}

// Session is one connection of a client run and its operations' results.
type Session struct {
	State, Connect string
	Ops            map[string]string
}

// Client runs ZooKeeper's own Java client from the client network
// namespace, resolving the pods' DNS names through the ensemble's hosts
// file, with the ops ZkClient.java documents (create:/p:data, set:, get:,
// sync:, delete:, load:-, dump:/, connect:CONNECT). Its connection log
// goes to the ensemble's client.log, which is printed when the test fails.
func (e *Ensemble) Client(t testing.TB, c Call, ops ...string) ClientResult {
	t.Helper()
	return e.Clients(t, ClientJob{Call: c, Ops: ops})[0]
}

// ClientJob is one client run of Clients.
type ClientJob struct {
	Call Call
	Ops  []string
}

// Clients runs the jobs' clients at the same time, each a JVM of its own
// exactly as Client runs it, and returns their results in order: checks
// that each wait for a client to give up (a NotConnected within
// Call.Wait) then cost one wait, not one each. Their connection logs
// share client.log, interleaved.
func (e *Ensemble) Clients(t testing.TB, jobs ...ClientJob) []ClientResult {
	t.Helper()
	runs := make([]*clientRun, len(jobs))
	for i, j := range jobs {
		runs[i] = e.newClientRun(j, i, len(jobs))
	}
	var wg sync.WaitGroup
	for _, r := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.out, r.code, r.err = Run(r.bound, nil, r.in, "ip", r.args...)
		}()
	}
	wg.Wait()
	res := make([]ClientResult, len(runs))
	for i, r := range runs {
		if r.err != nil && r.code != 3 {
			t.Fatalf("ZkClient %s: %v\n%s", strings.Join(r.args[3:], " "), r.err, r.out)
		}
		res[i] = parseClient(r.out)
		if len(res[i].Sessions) == 0 {
			t.Fatalf("ZkClient printed no state line:\n%s", r.out)
		}
	}
	return res
}

// clientRun is one JVM of Clients: its command line, stdin and bound,
// then what it printed.
type clientRun struct {
	args  []string
	in    []byte
	bound time.Duration
	out   string
	code  int
	err   error
}

// newClientRun fills in the job's defaults and marks its start, the i-th
// of n run at once, in client.log.
func (e *Ensemble) newClientRun(j ClientJob, i, n int) *clientRun {
	c := j.Call
	if c.Connect == "" {
		c.Connect = e.Connect()
	}
	if c.Wait == 0 {
		c.Wait = 20 * time.Second
	}
	r := &clientRun{args: e.clientArgs(c, j.Ops), in: c.Stdin, bound: c.Wait*time.Duration(1+countConnects(j.Ops)) + 60*time.Second}
	e.clientRuns++
	at := ""
	if n > 1 {
		at = fmt.Sprintf(" (%d of %d at once)", i+1, n)
	}
	e.clientMark(fmt.Sprintf("===== client run %d at %s%s: %s", e.clientRuns, time.Now().UTC().Format("15:04:05.000"), at, strings.Join(r.args[3:], " ")))
	return r
}

// clientArgs is the ip(8) command line of one client run.
func (e *Ensemble) clientArgs(c Call, ops []string) []string {
	cp := []string{e.sb.clientDir, "/usr/share/java/zookeeper.jar", "/usr/share/java/slf4j-log4j12.jar", "/usr/share/java/log4j-1.2.jar"}
	// Netty: the TLS client (zookeeper.clientCnxnSocket=...ClientCnxnSocketNetty).
	cp = append(cp, nettyJars...)
	args := []string{"netns", "exec", clientNS, "java", "-Xmx64m", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
		"-Djdk.net.hosts.file=" + e.hosts,
		"-Dlog4j.configuration=file:" + filepath.Join(e.sb.repo, "hack", "zookeeper", "log4j", "client.properties"),
		"-Dzkrun.client.log=" + e.clientLog}
	if c.JVMFlags != nil {
		args = append(args, c.JVMFlags...)
	} else {
		args = append(args, e.ClientJVMFlags...)
	}
	args = append(args, "-cp", strings.Join(cp, ":"), "ZkClient", c.Connect, "30000", fmt.Sprint(c.CanBeReadOnly), fmt.Sprint(c.Wait.Milliseconds()))
	return append(args, ops...)
}

// nettyJars are Debian's Netty jars that ZooKeeper's Netty transport needs
// (the official image ships them in its lib directory).
var nettyJars = []string{"/usr/share/java/netty-buffer.jar", "/usr/share/java/netty-codec.jar",
	"/usr/share/java/netty-common.jar", "/usr/share/java/netty-handler.jar", "/usr/share/java/netty-resolver.jar",
	"/usr/share/java/netty-transport.jar", "/usr/share/java/netty-transport-native-unix-common.jar",
	"/usr/share/java/netty-transport-native-epoll.jar"}

func countConnects(ops []string) int {
	n := 0
	for _, op := range ops {
		if strings.HasPrefix(op, "connect:") {
			n++
		}
	}
	return n
}

// clientMark starts a client run's part of client.log.
func (e *Ensemble) clientMark(line string) {
	f, err := os.OpenFile(e.clientLog, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return
	}
	fmt.Fprintln(f, line)
	f.Close()
}

func parseClient(out string) ClientResult {
	res := ClientResult{Out: out}
	for _, l := range strings.Split(out, "\n") {
		if s, ok := strings.CutPrefix(l, "state="); ok {
			state, rest, _ := strings.Cut(s, " ")
			connect, _, _ := strings.Cut(strings.TrimPrefix(rest, "connect="), " ")
			res.Sessions = append(res.Sessions, Session{State: state, Connect: connect, Ops: map[string]string{}})
			continue
		}
		if n, ok := strings.CutPrefix(l, "node="); ok {
			res.Nodes = append(res.Nodes, n)
			continue
		}
		if rest, ok := strings.CutPrefix(l, "op="); ok && len(res.Sessions) > 0 {
			name, rest, _ := strings.Cut(rest, " path=")
			p, result, _ := strings.Cut(rest, " ")
			res.Sessions[len(res.Sessions)-1].Ops[name+" "+p] = result
		}
	}
	if len(res.Sessions) > 0 {
		res.State, res.Ops = res.Sessions[0].State, res.Sessions[0].Ops
	}
	return res
}

// buildClient compiles ZkClient once into the cache and returns its
// directory (hack/zookeeper/build-client.sh). Tests of one package that
// run in parallel share one build: two at once could replace the
// directory while the other's sandbox uses it.
func buildClient(t testing.TB, root string) string {
	t.Helper()
	clientBuild.mu.Lock()
	defer clientBuild.mu.Unlock()
	if d, ok := clientBuild.dirs[root]; ok {
		return d
	}
	out, _, err := Run(5*time.Minute, nil, nil, "bash", filepath.Join(root, "hack", "zookeeper", "build-client.sh"))
	if err != nil {
		t.Fatalf("hack/zookeeper/build-client.sh: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	clientBuild.dirs[root] = lines[len(lines)-1]
	return clientBuild.dirs[root]
}

var clientBuild = struct {
	mu   sync.Mutex
	dirs map[string]string // repository root -> the compiled client
}{dirs: map[string]string{}}
