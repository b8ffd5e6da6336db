//go:build e2e

package backup

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// target is where the archives are, as the test inspects it.
type target interface {
	all(t *testing.T) []string // <pod>/<archive>
	read(t *testing.T, path string) []byte
}

type volumeTarget string

func (v volumeTarget) all(t *testing.T) []string {
	var out []string
	pods, err := os.ReadDir(string(v))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pods {
		for _, a := range archives(t, string(v), p.Name()) {
			out = append(out, p.Name()+"/"+a)
		}
	}
	return out
}

func (v volumeTarget) read(t *testing.T, path string) []byte {
	b, err := os.ReadFile(filepath.Join(string(v), path))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func podArchives(t *testing.T, tg target, pod string) []string {
	var out []string
	for _, a := range tg.all(t) {
		if rest, ok := strings.CutPrefix(a, pod+"/"); ok {
			out = append(out, rest)
		}
	}
	return out
}

// archives lists the member's archives in the target volume.
func archives(t *testing.T, target, pod string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(target, pod))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".tar.gz") {
			out = append(out, e.Name())
		}
	}
	return out
}

// latestArchive is what RESTORE_FROM=latest must pick: the highest
// snapshot zxid of any member, the oldest of equals.
func latestArchive(t *testing.T, tg target) string {
	t.Helper()
	type arch struct{ path, zxid, time string }
	var all []arch
	for _, p := range tg.all(t) {
		_, a, _ := strings.Cut(p, "/")
		stamp, zxid, _ := strings.Cut(strings.TrimSuffix(a, ".tar.gz"), "-")
		all = append(all, arch{p, zxid, stamp})
	}
	if len(all) == 0 {
		t.Fatalf("no archives in the backup target")
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].zxid != all[j].zxid {
			return all[i].zxid > all[j].zxid
		}
		return all[i].time < all[j].time
	})
	return all[0].path
}

func readManifest(t *testing.T, work string, archive []byte) map[string]string {
	t.Helper()
	f := filepath.Join(work, "manifest-check.tar.gz")
	must(t, os.WriteFile(f, archive, 0o644))
	out, _, err := zkrun.Run(30*time.Second, nil, nil, "tar", "-xzOf", f, "MANIFEST")
	if err != nil {
		t.Fatalf("read MANIFEST: %v\n%s", err, out)
	}
	m := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			m[k] = v
		}
	}
	return m
}
