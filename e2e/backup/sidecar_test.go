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
// until it has finished one more round (stored and pruned), then stops it.
func runSidecar(t *testing.T, m *zkrun.Member) {
	t.Helper()
	rounds := func() int { return strings.Count(readFile(m.LogPath("backup")), "next backup in") }
	before := rounds() // the log file collects every run
	p := m.Start(t, "backup")
	defer p.Kill()
	if !zkrun.WaitFor(90*time.Second, func() bool { return rounds() > before || !p.Running() }) || !p.Running() {
		t.Fatalf("the backup sidecar of %s finished no round within 90s:\n%s", m.Pod, p.Tail(30))
	}
	if !strings.Contains(lastRound(p.Log), "stored ") {
		t.Fatalf("the backup sidecar of %s stored nothing:\n%s", m.Pod, p.Tail(30))
	}
	t.Logf("%s sidecar: %s", m.Pod, lastStored(p.Log))
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
