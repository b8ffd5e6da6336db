//go:build e2e

package zkrun

import (
	"strings"
	"testing"
)

// Write creates (or sets) path=data through member m in a read-write
// session.
func (e *Ensemble) Write(t testing.TB, m *Member, path, data string) {
	t.Helper()
	c := Call{Connect: e.ConnectTo(m)}
	res := e.Client(t, c, "create:"+path+":"+data)
	if res.State != "SyncConnected" {
		t.Fatalf("write %s through %s: client state %s, want SyncConnected\n%s", path, m.Pod, res.State, res.Out)
	}
	got := res.Ops["create "+path]
	if got == "result=error code=NODEEXISTS" {
		res = e.Client(t, c, "set:"+path+":"+data)
		got = res.Ops["set "+path]
	}
	if got != "result=ok" {
		t.Fatalf("write %s through %s: %s\n%s", path, m.Pod, got, res.Out)
	}
}

// Read syncs path through member m (so it has caught up with the
// leader) and returns its data.
func (e *Ensemble) Read(t testing.TB, m *Member, path string) string {
	t.Helper()
	return e.ReadAll(t, []*Member{m}, path)[m.Pod]
}

// ReadAll reads path through each member in turn, after a sync (one
// client process, one session a member), and returns the data by pod.
func (e *Ensemble) ReadAll(t testing.TB, ms []*Member, path string) map[string]string {
	t.Helper()
	var ops []string
	for i, m := range ms {
		if i > 0 {
			ops = append(ops, "connect:"+e.ConnectTo(m))
		}
		ops = append(ops, "sync:"+path, "get:"+path)
	}
	res := e.Client(t, Call{Connect: e.ConnectTo(ms[0])}, ops...)
	got := map[string]string{}
	for i, m := range ms {
		if i >= len(res.Sessions) || res.Sessions[i].Connect != e.ConnectTo(m) {
			t.Fatalf("read %s: no session through %s\n%s", path, m.Pod, res.Out)
		}
		s := res.Sessions[i]
		if s.State != "SyncConnected" {
			t.Fatalf("read %s through %s: client state %s, want SyncConnected\n%s", path, m.Pod, s.State, res.Out)
		}
		if r := s.Ops["sync "+path]; r != "result=ok" {
			t.Fatalf("sync %s through %s: %s\n%s", path, m.Pod, r, res.Out)
		}
		data, ok := strings.CutPrefix(s.Ops["get "+path], "result=ok data=")
		if !ok {
			t.Fatalf("get %s through %s: %s\n%s", path, m.Pod, s.Ops["get "+path], res.Out)
		}
		got[m.Pod] = data
	}
	return got
}

// Load creates the znodes of tree ("path<TAB>data" lines, parents first)
// through any member and returns how many it created.
func (e *Ensemble) Load(t testing.TB, tree string) string {
	t.Helper()
	res := e.Client(t, Call{Stdin: []byte(tree)}, "load:-")
	got := res.Ops["load -"]
	if res.State != "SyncConnected" || !strings.HasPrefix(got, "result=ok") {
		t.Fatalf("load: state %s, %s\n%s", res.State, got, res.Out)
	}
	return strings.TrimPrefix(got, "result=ok ")
}

// Dump is every znode but /zookeeper, sorted, one line each: path, its
// whole Stat, ACL and data (hex), tab-separated; read through any member.
func (e *Ensemble) Dump(t testing.TB) []string {
	t.Helper()
	res := e.Client(t, Call{}, "dump:/")
	if got := res.Ops["dump /"]; res.State != "SyncConnected" || got != "result=ok" {
		t.Fatalf("dump: state %s, %s\n%s", res.State, got, res.Out)
	}
	return res.Nodes
}
