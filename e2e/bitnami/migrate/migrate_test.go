//go:build e2e

// Package migrate proves the data migration of
// docs/migrating-from-bitnami.md on real ZooKeeper members (Debian's
// 3.8.0, e2e/zkrun's sandbox): an ensemble laid out exactly as the
// Bitnami chart lays it out (read from the real chart's rendering) writes
// a tree of znodes; the guide's Job, taken from the guide, moves each
// volume's data; the kubelet's fsGroup step for the function's pod runs
// as the kubelet does it; the function's rendered members start on the
// same volumes and must serve the identical tree.
package migrate

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

type input struct {
	Ours   string // the function's rendering of testdata/spec.yaml
	Layout chartLayout
	Job    batchv1.Job
}

const jobContainer = "move-data"

func TestMigrateChartVolume(t *testing.T) {
	if zkrun.Sandboxed(t, inSandbox) {
		return
	}
	root := harness.Root(t)
	out := string(harness.Render(t, filepath.Join(root, "e2e", "bitnami", "migrate", "testdata", "spec.yaml")))
	in := input{Ours: out, Layout: readChartLayout(t, root), Job: guideJob(t, root)}
	r := zkrun.Parse(t, []byte(out))
	if in.Layout.StatefulSet != r.StatefulSet.Name || in.Layout.Claim != r.StatefulSet.Spec.VolumeClaimTemplates[0].Name {
		t.Fatalf("the chart's claims are %s-%s-N, the function's %s-%s-N: the spec must be named after the chart's fullname",
			in.Layout.Claim, in.Layout.StatefulSet, r.StatefulSet.Spec.VolumeClaimTemplates[0].Name, r.StatefulSet.Name)
	}
	// The chart's and the Job's pods mount volumes where the function's
	// do not: the sandbox needs their mount points too.
	zkrun.Reexec(t, in, r, asChart(t, out, in.Layout), asJob(t, out, in.Job))
}

func inSandbox(t *testing.T) {
	var in input
	sb := zkrun.Enter(t, &in)
	s := sandbox{in: in, sb: sb, claims: filepath.Join(sb.Dir, "claims")}
	want := s.chartEnsemble(t)   // 1. the chart's ensemble writes a tree
	moveData(t, s)               // 2. the guide's Job on every volume, twice
	got := s.functionEnsemble(t) // 3. the function's members on the same volumes
	if got != want {
		t.Fatalf("the function's ensemble does not serve the chart's tree (%d znodes, got %d):\n%s",
			strings.Count(want, "\n"), strings.Count(got, "\n"), zkrun.DumpDiff(want, got))
	}
	t.Logf("the function's ensemble serves the chart's %d znodes, identical Stat, ACL and data, and takes writes",
		strings.Count(want, "\n"))
}

// sandbox is what the phases share: the input, zkrun's sandbox and the
// claims' directory: the three ensembles bind member i's claim to the
// same directory below it (claimDir), as the PVC outlives the pods.
type sandbox struct {
	in     input
	sb     *zkrun.Sandbox
	claims string
}

// newEnsemble lays out r as ensemble name, each member's claim template
// bound to its claim in s.claims and its emptyDirs as the kubelet makes
// them.
func (s sandbox) newEnsemble(t *testing.T, r *zkrun.Rendered, name string) *zkrun.Ensemble {
	t.Helper()
	e := s.sb.NewEnsemble(t, r, zkrun.Options{Name: name, Claims: s.claims})
	claim := r.StatefulSet.Spec.VolumeClaimTemplates[0].Name
	for _, m := range e.Members {
		m.SetVolume(claim, claimDir(s.claims, claim, m))
		emptyDirs(t, e, m, emptyDirNames(r)...)
	}
	return e
}

// chartEnsemble runs the chart's ensemble on fresh volumes, writes a
// tree over several snapshots and logs (the last write only in the logs),
// checks the chart's on-disk layout and returns the tree's dump.
func (s sandbox) chartEnsemble(t *testing.T) string {
	l := s.in.Layout
	a := s.newEnsemble(t, asChart(t, s.in.Ours, l), "chart")
	for _, m := range a.Members {
		freshVolume(t, claimDir(s.claims, l.Claim, m))
		applyFSGroup(t, claimDir(s.claims, l.Claim, m), l.FSGroup, &l.FSGroupChangePolicy)
	}
	a.StartAll(t, 5*time.Minute) // a bound: JVMs start slowly on a loaded machine
	a.Load(t, zkrun.Tree("/migration", 240))
	waitSnapshots(t, s, a, l, 2)
	a.Load(t, "/migration-tail\tonly in the transaction logs\n")
	want := a.DumpText(t)
	a.Destroy()
	checkChartLayout(t, s, a, l)
	return want
}

// functionEnsemble starts the function's members, as rendered, after the
// kubelet's fsGroup step for their pod, and returns their tree's dump;
// then one more write must succeed, and every myid is still the chart's.
func (s sandbox) functionEnsemble(t *testing.T) string {
	l := s.in.Layout
	ours := zkrun.Parse(t, []byte(s.in.Ours))
	ps := ours.StatefulSet.Spec.Template.Spec.SecurityContext
	fsGroup, policy := *ps.FSGroup, ps.FSGroupChangePolicy
	ps.FSGroup = nil // applied below as the kubelet does; zkrun must not chown
	b := s.newEnsemble(t, ours, "function")
	for _, m := range b.Members {
		if !applyFSGroup(t, claimDir(s.claims, l.Claim, m), fsGroup, policy) {
			t.Fatalf("%s: the kubelet would not regroup the chart's volume: the test's premise is wrong", m.Pod)
		}
	}
	b.StartAll(t, 5*time.Minute) // a bound: JVMs start slowly on a loaded machine
	got := b.DumpText(t)
	b.Load(t, "/after-migration\twritten by the function's members\n")
	for _, m := range b.Members {
		if id := readTrim(t, filepath.Join(claimDir(s.claims, l.Claim, m), "myid")); id != fmt.Sprint(m.Ord+1) {
			t.Errorf("%s: myid %q after the migration, want %d", m.Pod, id, m.Ord+1)
		}
	}
	return got
}

// moveData runs the guide's Job container on each member's volume as the
// Job's pod (its uid, gid, fsGroup step and mounts), then again.
func moveData(t *testing.T, s sandbox) {
	t.Helper()
	in := s.in
	e := s.newEnsemble(t, asJob(t, in.Ours, in.Job), "job")
	defer e.Destroy()
	ps := in.Job.Spec.Template.Spec.SecurityContext
	for _, m := range e.Members {
		applyFSGroup(t, claimDir(s.claims, in.Layout.Claim, m), *ps.FSGroup, ps.FSGroupChangePolicy)
		for run, want := range []string{fmt.Sprintf("moved to the volume root; myid %d", m.Ord+1), "nothing to do"} {
			out, err := m.RunToEnd(t, jobContainer, 60*time.Second)
			if err != nil || !strings.Contains(out, want) {
				t.Fatalf("%s: the guide's Job, run %d: %v, want %q in:\n%s", m.Pod, run+1, err, want, out)
			}
		}
		vol := claimDir(s.claims, in.Layout.Claim, m)
		if _, err := os.Stat(filepath.Join(vol, "data")); !os.IsNotExist(err) {
			t.Fatalf("%s: data/ is still on the volume after the Job", m.Pod)
		}
		mustSnapshotsAndLogs(t, filepath.Join(vol, "version-2"))
	}
}

func waitSnapshots(t *testing.T, s sandbox, e *zkrun.Ensemble, l chartLayout, want int) {
	t.Helper()
	ok := zkrun.WaitFor(60*time.Second, func() bool {
		for _, m := range e.Members {
			if n, _ := count(filepath.Join(chartDataDir(s, m, l), "version-2")); n < want+1 {
				return false
			}
		}
		return true
	})
	if !ok {
		t.Fatalf("the chart's members did not write %d snapshots each", want)
	}
}
