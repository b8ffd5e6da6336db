//go:build e2e

package zkrun

import (
	"fmt"
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

// DumpText is Dump as one string, a line a znode, for comparing whole
// trees (DumpDiff shows where two differ).
func (e *Ensemble) DumpText(t testing.TB) string {
	t.Helper()
	return strings.Join(e.Dump(t), "\n") + "\n"
}

// Tree is a known tree for Load of at least n znodes below root: parents
// first, data that names each node, three children a node.
func Tree(root string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\troot\n", root)
	for i := 0; strings.Count(b.String(), "\n") < n; i++ {
		fmt.Fprintf(&b, "%s/n%03d\tnode %d\n", root, i, i)
		for j := 0; j < 3; j++ {
			fmt.Fprintf(&b, "%s/n%03d/c%d\tchild %d of %d\n", root, i, j, j, i)
		}
	}
	return b.String()
}

// DumpDiff lists, for two DumpText results, the line counts and up to ten
// lines only in want (-) and ten only in got (+): a lost, added or changed
// znode (its Stat, ACL or data) shows as such lines.
func DumpDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	fmt.Fprintf(&b, "want %d lines, got %d\n", len(w), len(g))
	only(&b, "-", w, g)
	only(&b, "+", g, w)
	return b.String()
}

// only writes up to ten lines of a that are not in b, each after mark.
func only(out *strings.Builder, mark string, a, b []string) {
	in := map[string]bool{}
	for _, l := range b {
		in[l] = true
	}
	n := 0
	for _, l := range a {
		if !in[l] && n < 10 {
			fmt.Fprintf(out, "%s %s\n", mark, l)
			n++
		}
	}
}
