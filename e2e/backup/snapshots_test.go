//go:build e2e

package backup

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// tailAfterSnapshots waits until every member has at least want
// snapshots after the empty one, then writes markers until the last
// write is newer than every member's newest snapshot; it returns the
// first zxid of that last write (no snapshot reaches it) and the dump of
// the tree with it.
func tailAfterSnapshots(t *testing.T, e *zkrun.Ensemble, want int) (int64, string) {
	t.Helper()
	for try := 0; try < 20; try++ {
		// Every client session is a transaction too (createSession,
		// closeSession), and any transaction may trigger a snapshot: the
		// dump's own session once put the newest snapshot after the last
		// write. So the tail counts from the zxid before its write, and
		// the snapshots are looked at after the dump.
		before := leaderZxid(t, e)
		e.Load(t, fmt.Sprintf("/backup-e2e-tail-%02d\tafter the snapshots\n", try))
		dump := e.DumpText(t)
		newest, enough := int64(-1), true
		zkrun.WaitFor(2*time.Second, func() bool { return false }) // let a snapshot in progress land
		for _, m := range e.Members {
			snaps := snapshotZxids(t, filepath.Join(m.VolumeDir(t, "data"), "version-2"))
			if len(snaps) < want+1 {
				enough = false
			}
			if len(snaps) > 0 && snaps[len(snaps)-1] > newest {
				newest = snaps[len(snaps)-1]
			}
		}
		if enough && newest <= before {
			return before + 1, dump
		}
	}
	t.Fatalf("could not get writes past every member's newest snapshot with at least %d snapshots", want)
	return 0, ""
}

var zxidLine = regexp.MustCompile(`(?m)^Zxid: 0x([0-9a-f]+)$`)

func leaderZxid(t *testing.T, e *zkrun.Ensemble) int64 {
	t.Helper()
	for _, m := range e.Members {
		out, err := m.FourLetter("srvr")
		if err == nil && strings.Contains(out, "Mode: leader") {
			if s := zxidLine.FindStringSubmatch(out); s != nil {
				return hexValue(t, "0x"+s[1])
			}
		}
	}
	t.Fatalf("no leader answers srvr with a Zxid")
	return 0
}

func snapshotZxids(t *testing.T, dir string) []int64 {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, e := range ents {
		if z, ok := strings.CutPrefix(e.Name(), "snapshot."); ok {
			out = append(out, hexValue(t, "0x"+z))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func hexValue(t *testing.T, s string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(strings.TrimPrefix(s, "0x"), 16, 64)
	if err != nil {
		t.Fatalf("%q is not a hex zxid", s)
	}
	return v
}
