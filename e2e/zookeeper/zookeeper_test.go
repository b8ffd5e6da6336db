//go:build e2e

// Package zookeeper proves that what the function renders runs a real
// ZooKeeper ensemble: Debian's ZooKeeper servers, one per member, each in
// its own network namespace with the real ports, started by the rendered
// start.sh, configured by the rendered zoo.cfg, probed by the rendered
// probe commands, and exercised by ZooKeeper's own Java client. It runs
// them with e2e/zkrun, inside its sandbox.
package zookeeper

import (
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// sandboxCase is one rendered ensemble handed to the sandbox.
type sandboxCase struct {
	Name    string
	Output  string // the kustomize output
	Members int
	// ReadOnlyMode: must the function have enabled read-only mode here?
	// nil: whatever the rendered flags say is checked.
	ReadOnlyMode *bool
}

func TestZooKeeperEnsembles(t *testing.T) {
	if zkrun.Sandboxed(t, inSandbox) {
		return
	}
	root := harness.Root(t)
	yes := true
	cases := []sandboxCase{
		{Name: "dev", Output: string(harness.Build(t, harness.Overlay(t, "dev"))), Members: 1},
		{Name: "staging", Output: string(harness.Build(t, harness.Overlay(t, "staging"))), Members: 3},
		{Name: "prod", Output: string(harness.Build(t, harness.Overlay(t, "prod"))), Members: 5},
		{Name: "seven", Output: string(harness.Build(t, filepath.Join(root, "testdata", "e2e-zookeeper", "seven"))), Members: 7, ReadOnlyMode: &yes},
	}
	var rendered []*zkrun.Rendered
	for _, c := range cases {
		r := zkrun.Parse(t, []byte(c.Output))
		checkRendered(t, c, r)
		rendered = append(rendered, r)
	}
	zkrun.Reexec(t, cases, rendered...)
}

// checkRendered checks what the suite relies on before anything runs:
// the replica count, the pod's DNS and that the suite runs every
// container the pod would.
func checkRendered(t *testing.T, c sandboxCase, r *zkrun.Rendered) {
	t.Helper()
	sts := r.StatefulSet
	if got := r.Replicas(); got != c.Members {
		t.Fatalf("%s renders %d replicas, want %d", c.Name, got, c.Members)
	}
	h, ok := r.Services[sts.Spec.ServiceName]
	if !ok {
		t.Fatalf("%s: StatefulSet %s names serviceName %q, which is not in the output (pods would get no DNS names)", c.Name, sts.Name, sts.Spec.ServiceName)
	}
	if h.Spec.ClusterIP != corev1.ClusterIPNone {
		t.Fatalf("%s: Service %s (the StatefulSet's serviceName) has clusterIP %q, want None: members resolve each other through its per-pod DNS records", c.Name, h.Name, h.Spec.ClusterIP)
	}
	if !h.Spec.PublishNotReadyAddresses {
		t.Fatalf("%s: Service %s lacks publishNotReadyAddresses: members are not ready before a quorum forms, so without it they cannot find each other to form one", c.Name, h.Name)
	}
	if n := len(sts.Spec.Template.Spec.InitContainers); n > 0 {
		t.Fatalf("%s: StatefulSet %s has %d init containers; the suite starts only the zookeeper container, so it would skip them: teach it to run them first", c.Name, sts.Name, n)
	}
}

func inSandbox(t *testing.T) {
	var cases []sandboxCase
	sb := zkrun.Enter(t, &cases)
	// The ensembles run side by side, each with its own members,
	// addresses, directory and client log in the one sandbox: -parallel
	// lanes (default GOMAXPROCS: one a core, 2 on CI), each running its
	// ensembles in turn. Subtests keep their names (-run
	// TestZooKeeperEnsembles/staging works); t.Run may be called from
	// several goroutines.
	var wg sync.WaitGroup
	for _, lane := range lanes(cases, zkrun.Parallel()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, c := range lane {
				t.Run(c.Name, func(t *testing.T) { runCase(t, sb, c) })
			}
		}()
	}
	wg.Wait()
}

func runCase(t *testing.T, sb *zkrun.Sandbox, c sandboxCase) {
	r := zkrun.Parse(t, []byte(c.Output))
	e := newEnsemble(t, sb, c.Name, r)
	if c.ReadOnlyMode != nil && *c.ReadOnlyMode != e.readOnlyMode {
		t.Fatalf("%s: read-only mode in the rendered SERVER_JVMFLAGS is %v, want %v", c.Name, e.readOnlyMode, *c.ReadOnlyMode)
	}
	scenario(t, e)
	t.Logf("%s: times: formation %s, re-election %s, rejoin %s, quorum back %s", c.Name,
		e.times.formation.Round(10*time.Millisecond), e.times.reelection.Round(10*time.Millisecond),
		e.times.rejoin.Round(10*time.Millisecond), e.times.quorumBack.Round(10*time.Millisecond))
}

// lanes deals the cases into n lanes, largest ensemble first into the
// lane with the fewest members so far: the member count stands for a
// scenario's length (seven and dev share one lane, prod and staging the
// other), so the lanes end close together.
func lanes(cases []sandboxCase, n int) [][]sandboxCase {
	n = max(1, min(n, len(cases)))
	sorted := append([]sandboxCase(nil), cases...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Members > sorted[j].Members })
	out, load := make([][]sandboxCase, n), make([]int, n)
	for _, c := range sorted {
		i := 0
		for j := range load {
			if load[j] < load[i] {
				i = j
			}
		}
		out[i], load[i] = append(out[i], c), load[i]+c.Members
	}
	return out
}
