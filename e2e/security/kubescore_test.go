//go:build e2e

package security

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// kubeScoreCritical is kube-score's grade for a critical finding.
const kubeScoreCritical = 1

// finding is one critical kube-score comment.
type finding struct{ check, message string }

// kubeScoreReport is the part of kube-score's JSON output the test reads.
type kubeScoreReport []struct {
	ObjectName string `json:"object_name"`
	Checks     []struct {
		Check struct {
			ID string `json:"id"`
		} `json:"check"`
		Grade    int  `json:"grade"`
		Skipped  bool `json:"skipped"`
		Comments []struct {
			Summary string `json:"summary"`
		} `json:"comments"`
	} `json:"checks"`
}

// TestKubeScore runs the pinned kube-score on every overlay's output. Every
// critical finding must be justified in docs/kube-score.md, and every
// justification must still be needed by some overlay.
func TestKubeScore(t *testing.T) {
	bin := harness.Tool(t, "KUBE_SCORE", "kube-score")
	ignored := kubeScoreIgnores(t)
	used := map[finding]bool{}
	for _, r := range renderOverlays(t) {
		report := runKubeScore(t, bin, r.stream)
		require.NotEmpty(t, report, "%s: kube-score scored no object", r.name)
		for _, obj := range report {
			for _, c := range obj.Checks {
				if c.Skipped || c.Grade != kubeScoreCritical {
					continue
				}
				if len(c.Comments) == 0 {
					t.Errorf("%s: %s: critical %s without a message", r.name, obj.ObjectName, c.Check.ID)
				}
				for _, cm := range c.Comments {
					f := finding{c.Check.ID, cm.Summary}
					if _, ok := ignored[f]; !ok {
						t.Errorf("%s: %s: critical kube-score finding %s %q: fix it, or justify it in docs/kube-score.md", r.name, obj.ObjectName, f.check, f.message)
						continue
					}
					used[f] = true
				}
			}
		}
	}
	for f := range ignored {
		assert.True(t, used[f], "docs/kube-score.md ignores %s %q, which no overlay triggers any more: remove the entry", f.check, f.message)
	}
}

func runKubeScore(t *testing.T, bin string, stream []byte) kubeScoreReport {
	t.Helper()
	cmd := exec.Command(bin, "score", "-o", "json", "-")
	cmd.Stdin = bytes.NewReader(stream)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	// kube-score exits 1 when it has critical findings; anything else is a failure.
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		t.Fatalf("kube-score: %v\n%s", err, errb.String())
	}
	var report kubeScoreReport
	require.NoError(t, json.Unmarshal(out.Bytes(), &report), "kube-score output:\n%s", out.String())
	return report
}

// kubeScoreIgnores reads the table of docs/kube-score.md: check | message | reason.
func kubeScoreIgnores(t *testing.T) map[finding]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(harness.Root(t), "docs", "kube-score.md"))
	require.NoError(t, err)
	out := map[finding]string{}
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		if len(cells) != 3 || !strings.HasPrefix(strings.TrimSpace(line), "|") {
			continue
		}
		check, msg, why := strings.TrimSpace(cells[0]), strings.TrimSpace(cells[1]), strings.TrimSpace(cells[2])
		if check == "check" || strings.HasPrefix(check, "---") {
			continue
		}
		require.NotEmpty(t, why, "docs/kube-score.md: %s %q needs a reason", check, msg)
		out[finding{check, msg}] = why
	}
	require.NotEmpty(t, out, "docs/kube-score.md has an ignore table")
	return out
}
