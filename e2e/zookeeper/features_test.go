//go:build e2e

package zookeeper

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// The four-letter words ZooKeeper knows (stmk takes an argument, so it is
// left out).
var fourLetterWords = []string{"conf", "cons", "crst", "dirs", "dump", "envi", "gtmk", "hash", "isro", "mntr", "ruok", "srst", "srvr", "stat", "wchc", "wchp", "wchs"}

// checkWhitelist asks every word of one member: those in the rendered
// whitelist answer, the others are refused. ZooKeeper itself always
// allows srvr, and isro when read-only mode is on (clients in read-only
// sessions use it to look for a read-write server).
func (e *ensemble) checkWhitelist(t *testing.T, m *zkrun.Member) {
	t.Helper()
	wl := e.R.ZooCfg.Whitelist()
	if !wl["srvr"] || !wl["ruok"] {
		t.Errorf("4lw.commands.whitelist %q lacks srvr or ruok, which the probes use", e.cfg["4lw.commands.whitelist"])
	}
	wl["srvr"] = true
	if e.readOnlyMode {
		wl["isro"] = true
	}
	for _, w := range fourLetterWords {
		out, err := m.FourLetter(w)
		if err != nil {
			t.Errorf("%s: %s: %v", m.Pod, w, err)
			continue
		}
		refused := strings.Contains(out, "is not executed because it is not in the whitelist")
		if allowed := wl[w] || wl["*"]; allowed == refused {
			t.Errorf("%s: 4lw %s: whitelisted=%v but the server answered %q", m.Pod, w, allowed, firstLine(out))
		}
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// checkAutopurge checks that ZooKeeper took the rendered autopurge
// settings. Neither conf, mntr nor the admin server shows them, so the
// evidence is the server's own start-up report (DatadirCleanupManager) and
// whether it scheduled the purge task.
func (e *ensemble) checkAutopurge(t *testing.T, m *zkrun.Member) {
	t.Helper()
	retain, interval := e.cfg["autopurge.snapRetainCount"], e.cfg["autopurge.purgeInterval"]
	if retain == "" || interval == "" {
		t.Errorf("zoo.cfg lacks autopurge.snapRetainCount (%q) or autopurge.purgeInterval (%q)", retain, interval)
		return
	}
	log, _ := os.ReadFile(m.LogPath(zkrun.ServerContainer))
	for _, want := range []string{"autopurge.snapRetainCount set to " + retain, "autopurge.purgeInterval set to " + interval} {
		if !strings.Contains(string(log), want) {
			t.Errorf("%s: the server did not report %q", m.Pod, want)
		}
	}
	sched := "Purge task started."
	if interval == "0" {
		sched = "Purge task is not scheduled."
	}
	if !strings.Contains(string(log), sched) {
		t.Errorf("%s: the server did not report %q", m.Pod, sched)
	}
}

// checkAdminServer checks the admin server answers where zoo.cfg says
// (it starts a little after the client port under load), or is off.
func (e *ensemble) checkAdminServer(t *testing.T, m *zkrun.Member) {
	t.Helper()
	port := 8080
	if p, err := strconv.Atoi(e.cfg["admin.serverPort"]); err == nil {
		port = p
	}
	url := fmt.Sprintf("http://%s:%d/commands/ruok", m.IP, port)
	hc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Proxy: nil}}
	get := func() (string, error) {
		resp, err := hc.Get(url)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return string(b), err
	}
	if e.cfg["admin.enableServer"] == "false" {
		if _, err := get(); err == nil {
			t.Errorf("%s: admin.enableServer=false but %s answers", m.Pod, url)
		}
		return
	}
	var body string
	var err error
	if !zkrun.WaitFor(30*time.Second, func() bool { body, err = get(); return err == nil }) || !strings.Contains(body, `"command" : "ruok"`) {
		t.Errorf("%s: admin server %s: %v %s", m.Pod, url, err, body)
	}
}

// snapshots lists the snapshot files in the member's data volume.
func (e *ensemble) snapshots(t *testing.T, m *zkrun.Member) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(m.HostPath(t, zkrun.ServerContainer, e.cfg["dataDir"]), "version-2", "snapshot.*"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// fillForPurge writes enough transactions for a zoo.cfg with a small
// snapCount to leave many snapshots on every member.
func (e *ensemble) fillForPurge(t *testing.T, via *zkrun.Member) {
	t.Helper()
	ops := []string{"create:/zkfn-purge:x"}
	for i := 0; i < 200; i++ {
		ops = append(ops, fmt.Sprintf("create:/zkfn-purge/n%03d:x", i))
	}
	res := e.Client(t, zkrun.Call{Connect: e.ConnectTo(via)}, ops...)
	for k, v := range res.Ops {
		if v != "result=ok" {
			t.Fatalf("fill for purge: %s: %s", k, v)
		}
	}
	if len(res.Ops) != len(ops) {
		t.Fatalf("fill for purge: %d of %d operations ran\n%s", len(res.Ops), len(ops), res.Out)
	}
}

// checkPurged checks that autopurge ran when m restarted: of the
// snapshots it had before, only the newest snapRetainCount are left, and
// the server reported the purge.
func (e *ensemble) checkPurged(t *testing.T, m *zkrun.Member, before []string) {
	t.Helper()
	retain, err := strconv.Atoi(e.cfg["autopurge.snapRetainCount"])
	if err != nil {
		t.Fatalf("autopurge.snapRetainCount: %v", err)
	}
	if len(before) <= retain {
		t.Fatalf("%s had %d snapshots before its restart; the purge check needs more than autopurge.snapRetainCount=%d (snapCount=%s)", m.Pod, len(before), retain, e.cfg["snapCount"])
	}
	after := map[string]bool{}
	for _, f := range e.snapshots(t, m) {
		after[f] = true
	}
	// Snapshot names carry the zxid in hex; order by it.
	sort.Slice(before, func(i, j int) bool { return snapZxid(before[i]) < snapZxid(before[j]) })
	for i, f := range before {
		kept := after[f]
		if want := i >= len(before)-retain; kept != want {
			t.Errorf("%s: snapshot %s (%d of %d, oldest first) kept=%v after the start-up purge, want %v (snapRetainCount=%d)", m.Pod, filepath.Base(f), i+1, len(before), kept, want, retain)
		}
	}
	if log := m.Proc(zkrun.ServerContainer).CurrentLog(); !strings.Contains(log, "Purge task completed.") {
		t.Errorf("%s: no \"Purge task completed.\" in the log of its last start", m.Pod)
	}
}

func snapZxid(f string) uint64 {
	z, _ := strconv.ParseUint(strings.TrimPrefix(filepath.Ext(f), "."), 16, 64)
	return z
}
