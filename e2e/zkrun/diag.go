//go:build e2e

package zkrun

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Diagnose prints what is needed to tell why a test failed on this
// ensemble: every member's srvr, thread dump, mounts, data volumes
// (with sizes, and ZooKeeper's version-2 files) and log tail, then the
// Java client's connection log of its last run. NewEnsemble calls it
// when the test has failed, before the ensemble is destroyed; nothing of
// it runs when tests pass.
func (e *Ensemble) Diagnose(t testing.TB) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "==== zkrun diagnostics of %s (%s), modes %v\n", e.opts.Name, e.Dir, e.Modes())
	for _, m := range e.Members {
		m.diagnose(t, &b)
	}
	fmt.Fprintf(&b, "---- the client's connection log, last run (%s):\n%s\n", e.clientLog, lastClientRun(e.clientLog, 250))
	b.WriteString(e.sb.network())
	t.Log(b.String())
}

func (m *Member) diagnose(t testing.TB, b *strings.Builder) {
	p := m.procs[ServerContainer]
	mac, _, _ := Run(10*time.Second, nil, nil, "ip", "-n", m.netns, "-br", "link", "show", "eth0")
	fmt.Fprintf(b, "==== %s (%s, netns %s, %s)\n", m.Pod, m.IP, m.netns, strings.TrimSpace(mac))
	if p == nil {
		b.WriteString("never started\n")
		return
	}
	if p.Running() {
		srvr, err := m.FourLetter("srvr")
		fmt.Fprintf(b, "---- srvr (err %v):\n%s\n", err, strings.TrimSpace(srvr))
		fmt.Fprintf(b, "---- thread dump of pid %d:\n%s\n", p.Pid(), m.threadDump(t, p))
		mi, err := os.ReadFile(fmt.Sprintf("/proc/%d/mountinfo", p.Pid()))
		fmt.Fprintf(b, "---- /proc/%d/mountinfo (err %v):\n%s", p.Pid(), err, m.e.sb.ownMounts(string(mi)))
	} else {
		fmt.Fprintf(b, "server not running (exit status %d)\n", p.ExitCode())
	}
	for _, vm := range m.e.R.Container(t, ServerContainer).VolumeMounts {
		if m.e.readOnlyVolume(vm.Name) {
			continue
		}
		dir := m.VolumeDir(t, vm.Name)
		fmt.Fprintf(b, "---- volume %s at %s (%s):\n%s", vm.Name, vm.MountPath, dir, listing(dir, 120))
	}
	fmt.Fprintf(b, "---- last lines of %s:\n%s\n", p.Log, p.Tail(40))
}

// threadDump runs jcmd Thread.print in the server container, as its user
// (the JVM attach mechanism needs both); when that fails, SIGQUIT makes
// the JVM print the dump into its own log.
func (m *Member) threadDump(t testing.TB, p *Proc) string {
	out, code, err := m.Exec(t, 30*time.Second, "jcmd", "-J-Xmx32m", fmt.Sprint(p.Pid()), "Thread.print", "-l")
	if err == nil && code == 0 {
		return compactDump(out)
	}
	before, _ := os.ReadFile(p.Log)
	p.Signal(syscall.SIGQUIT)
	time.Sleep(2 * time.Second)
	after, _ := os.ReadFile(p.Log)
	dump := ""
	if len(after) > len(before) {
		dump = string(after[len(before):])
	}
	return fmt.Sprintf("(jcmd: exit %d, %v: %s; the JVM's own dump after SIGQUIT follows)\n%s", code, err, strings.TrimSpace(out), dump)
}

// network is how the client's namespace and the bridge see the members:
// their neighbour (ARP) caches, the bridge's forwarding table and the
// members' MAC addresses, so a stale address mapping shows.
func (s *Sandbox) network() string {
	var b strings.Builder
	for _, c := range [][]string{
		{"ip", "-n", clientNS, "neigh", "show"},
		{"ip", "neigh", "show", "dev", bridge},
		{"bridge", "fdb", "show", "br", bridge},
		{"ip", "-n", clientNS, "-s", "link", "show", "eth0"},
	} {
		out, _, err := Run(10*time.Second, nil, nil, c[0], c[1:]...)
		fmt.Fprintf(&b, "---- %s (err %v):\n%s", strings.Join(c, " "), err, out)
	}
	return b.String()
}

// ownMounts drops the mountinfo lines of the sandbox's own construction
// (its root's bind mounts, seen under <Dir>/root), which every member
// shares and none uses.
func (s *Sandbox) ownMounts(mountinfo string) string {
	var b strings.Builder
	hidden := 0
	for _, l := range strings.SplitAfter(mountinfo, "\n") {
		if f := strings.Fields(l); len(f) > 4 && strings.HasPrefix(f[4], filepath.Join(s.Dir, "root")) {
			hidden++
			continue
		}
		b.WriteString(l)
	}
	fmt.Fprintf(&b, "(%d mounts of the sandbox's root under %s left out)\n", hidden, filepath.Join(s.Dir, "root"))
	return b.String()
}

// compactDump drops the thread list's address block ("Threads class SMR
// info"), which says nothing a reader of a failure can use.
func compactDump(dump string) string {
	var b strings.Builder
	skip := false
	for _, l := range strings.Split(strings.TrimSpace(dump), "\n") {
		switch {
		case strings.HasPrefix(l, "Threads class SMR info:"):
			skip = true
		case skip && l == "}":
			skip = false
		case !skip:
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// listing lists a directory tree with sizes, modes and owners, at most
// limit entries.
func listing(dir string, limit int) string {
	var b strings.Builder
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			fmt.Fprintf(&b, "  %v\n", err)
			return nil
		}
		if n++; n > limit {
			return filepath.SkipAll
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		uid, gid := -1, -1
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			uid, gid = int(st.Uid), int(st.Gid)
		}
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(&b, "  %s %5d:%-5d %11d %s %s\n", info.Mode(), uid, gid, info.Size(), info.ModTime().UTC().Format("15:04:05.000"), rel)
		return nil
	})
	if err != nil {
		fmt.Fprintf(&b, "  %v\n", err)
	}
	if n > limit {
		fmt.Fprintf(&b, "  ... (more than %d entries)\n", limit)
	}
	return b.String()
}

// lastClientRun is client.log from its last run's marker, at most limit
// lines (the last ones).
func lastClientRun(path string, limit int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(%v)", err)
	}
	s := string(b)
	if i := strings.LastIndex(s, "===== client run "); i >= 0 {
		s = s[i:]
	}
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > limit {
		lines = append([]string{fmt.Sprintf("... (%d lines before)", len(lines)-limit)}, lines[len(lines)-limit:]...)
	}
	return strings.Join(lines, "\n")
}
