//go:build e2e

package backup

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// runSidecar runs the member's backup container exactly as rendered (a
// loop: it backs up once the member serves, then sleeps the interval)
// until it has finished one more round, which must have stored an
// archive (and pruned), then stops it.
func runSidecar(t *testing.T, m *zkrun.Member) {
	t.Helper()
	round := runRound(t, m)
	if !strings.Contains(round, "stored ") {
		t.Fatalf("the backup sidecar of %s stored nothing:\n%s", m.Pod, round)
	}
	t.Logf("%s sidecar: %s", m.Pod, lastStored(m.LogPath("backup")))
}

// runRound runs the backup container until it has finished one more
// round, whatever its outcome, and returns that round's log.
func runRound(t *testing.T, m *zkrun.Member) string {
	t.Helper()
	rounds := func() int { return strings.Count(readFile(m.LogPath("backup")), "next backup in") }
	before := rounds() // the log file collects every run
	p := m.Start(t, "backup")
	defer p.Kill()
	if !zkrun.WaitFor(90*time.Second, func() bool { return rounds() > before || !p.Running() }) || !p.Running() {
		t.Fatalf("the backup sidecar of %s finished no round within 90s:\n%s", m.Pod, p.Tail(30))
	}
	return lastRound(p.Log)
}

// runInit runs an init container to its end, its output kept in its
// log as the kubelet keeps a container's.
func runInit(t *testing.T, m *zkrun.Member, name string, bound time.Duration) (string, error) {
	out, err := m.RunToEnd(t, name, bound)
	f, ferr := os.OpenFile(m.LogPath(name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	must(t, ferr)
	defer f.Close()
	_, ferr = f.WriteString(out)
	must(t, ferr)
	return out, err
}

// refusalLines are a log's lines that report a refused or failed
// request or a failed backup.
func refusalLines(log string) []string {
	var out []string
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, " refused: ") || strings.Contains(l, "failed") {
			out = append(out, l)
		}
	}
	return out
}

// noRefusals: no backup or restore container of the ensembles logged a
// refusal or failure, except those the test provoked (allowed).
func noRefusals(t *testing.T, allowed []string, ensembles ...*zkrun.Ensemble) {
	left := map[string]int{}
	for _, l := range allowed {
		left[l]++
	}
	for _, e := range ensembles {
		for _, m := range e.Members {
			for _, c := range []string{"backup", "restore"} {
				for _, l := range refusalLines(readFile(m.LogPath(c))) {
					if left[l] > 0 {
						left[l]--
						continue
					}
					t.Errorf("%s %s: %s", m.Pod, c, l)
				}
			}
		}
	}
}

// lastRound is the log of the sidecar's last round.
func lastRound(log string) string {
	rounds := strings.Split(strings.TrimSpace(readFile(log)), "next backup in")
	if len(rounds) < 2 {
		return ""
	}
	return rounds[len(rounds)-2]
}

func lastStored(log string) string {
	var last string
	for _, l := range strings.Split(readFile(log), "\n") {
		if strings.Contains(l, "stored ") {
			last = l
		}
	}
	return last
}

func readFile(p string) string {
	b, _ := os.ReadFile(p)
	return string(b)
}
