//go:build e2e

package bitnami

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// difference is a recorded, deliberate difference: what the function
// renders for the fact (so a change inside a known difference is still
// caught) and why it departs from the chart.
type difference struct{ ours, why string }

// differences are the facts on which the function deliberately departs
// from the chart. Every other fact must be equal; a recorded difference
// that disappears or changes fails too, so this table stays the truth.
var differences = map[string]difference{
	"client Service": {
		ours: "zk-zookeeper-client ClusterIP ports 2181,9141 -> members",
		why: "ours is <name>-client with the client and metrics ports; the chart's is <fullname> and also " +
			"carries 2888/3888, which only members use (through the headless Service). Clients change their connect " +
			"string from zk-zookeeper:2181 to zk-zookeeper-client:2181, or list the member hostnames, which are the same",
	},
	"container port names": {
		ours: "2181=tcp-client,2888=tcp-quorum,3888=tcp-election,8080=http-admin,9141=http-metrics",
		why: "the function names ports tcp-*/http-* everywhere (container, Services, probes); " +
			"the numbers are the same, and only the chart's own Services referred to its names",
	},
	"data directory": {
		ours: "claim data mounted at /data, dataDir /data",
		why: "the official image keeps data in /data; the Bitnami image in /bitnami/zookeeper/data, a data/ " +
			"subdirectory of the claim. Reusing the chart's claims needs data/* moved to the volume root first " +
			"(docs/migrating-from-bitnami.md)",
	},
	"fsGroupChangePolicy": {
		ours: "OnRootMismatch",
		why: "OnRootMismatch: the kubelet walks the volume only when its root's group is wrong, not on " +
			"every start (slow with big snapshots); a chart volume (group 1001) mismatches once, which regroups it to 1000",
	},
	"metrics Service": {
		ours: "zk-zookeeper-metrics headless ports 9141 -> members",
		why: "headless and publishing members that are not ready, so Prometheus scrapes every member, " +
			"above all one out of quorum (spec.monitoring.service); the chart's ClusterIP Service scrapes whichever member it hits",
	},
	"NetworkPolicy ingress": {
		ours: "TCP/2181 <- members; TCP/2181 <- own namespace pods {zk-zookeeper-client=true}; TCP/2888 <- members; TCP/3888 <- members; TCP/9141 <- namespaces {kubernetes.io/metadata.name=monitoring}",
		why: "the client port and the metrics port have separate peer lists (spec.networkPolicy.clients, " +
			"scrapers); the chart opens both ports to one list, so its monitoring namespace also reaches 2181 and its " +
			"client pods 9141",
	},
	"unhealthy pod eviction": {
		ours: "AlwaysAllow",
		why: "AlwaysAllow: a member that is not ready is not in the quorum, so evicting it costs nothing, " +
			"while the default (IfHealthyBudget) would let it block node drains",
	},
	"user, group, fsGroup": {
		ours: "1000:1000 fsGroup 1000",
		why: "the official zookeeper image's user is 1000:1000, the Bitnami image's 1001; reused chart " +
			"volumes are regrouped to 1000 by the kubelet through fsGroup",
	},
}

// TestSideBySide renders testdata/values.yaml through the chart and
// testdata/spec.yaml through the function and compares what matters.
func TestSideBySide(t *testing.T) {
	dir := filepath.Join(harness.Root(t), "e2e", "bitnami", "testdata")
	chart := collect(t, renderChart(t, filepath.Join(dir, "values.yaml")), chartDialect)
	ours := collect(t, renderSpec(t, filepath.Join(dir, "spec.yaml")), fnDialect)
	logTable(t, chart, ours)
	for _, p := range compare(chart, ours, differences) {
		t.Error(p)
	}
}

// compare lists every fact that differs without a recorded reason, and
// every recorded difference that no longer holds.
func compare(chart, ours facts, recorded map[string]difference) []string {
	var problems []string
	for _, k := range keys(chart, ours) {
		c, okC := chart[k]
		o, okO := ours[k]
		rec, known := recorded[k]
		switch {
		case !okC || !okO:
			problems = append(problems, fmt.Sprintf("fact %q is collected for one side only", k))
		case c != o && !known:
			problems = append(problems, fmt.Sprintf("%s differs:\n  chart:    %s\n  function: %s", k, c, o))
		case c != o && o != rec.ours:
			problems = append(problems, fmt.Sprintf("%s differs from the chart otherwise than recorded:\n  function: %s\n  recorded: %s", k, o, rec.ours))
		case c == o && known:
			problems = append(problems, fmt.Sprintf("%s: recorded as a difference but both say %s: remove it from differences", k, c))
		}
	}
	for k := range recorded {
		if _, ok := chart[k]; !ok {
			problems = append(problems, fmt.Sprintf("differences names %q, which is not a fact", k))
		}
	}
	sort.Strings(problems)
	return problems
}

func keys(fs ...facts) []string {
	set := map[string]bool{}
	for _, f := range fs {
		for k := range f {
			set[k] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// logTable shows every fact, so `go test -v` prints the comparison.
func logTable(t *testing.T, chart, ours facts) {
	var b strings.Builder
	for _, k := range keys(chart, ours) {
		mark := "="
		if chart[k] != ours[k] {
			mark = "≠"
		}
		fmt.Fprintf(&b, "%s %s\n    chart:    %s\n    function: %s\n", mark, k, chart[k], ours[k])
		if d, ok := differences[k]; ok {
			fmt.Fprintf(&b, "    why:      %s\n", d.why)
		}
	}
	t.Logf("chart %s vs function:\n%s", filepath.Base(chartDir(t)), b.String())
}

// TestSideBySideNoticesABreak renders a spec that no longer matches the
// chart (soft anti-affinity, a smaller disk) and checks that the
// comparison names exactly those facts: a comparison that cannot fail
// proves nothing.
func TestSideBySideNoticesABreak(t *testing.T) {
	dir := filepath.Join(harness.Root(t), "e2e", "bitnami", "testdata")
	spec, err := os.ReadFile(filepath.Join(dir, "spec.yaml"))
	require.NoError(t, err)
	broken := string(spec)
	for old, repl := range map[string]string{"antiAffinity: required": "antiAffinity: preferred", "size: 20Gi": "size: 10Gi"} {
		require.Contains(t, broken, old)
		broken = strings.Replace(broken, old, repl, 1)
	}
	file := filepath.Join(t.TempDir(), "broken.yaml")
	require.NoError(t, os.WriteFile(file, []byte(broken), 0o644))
	chart := collect(t, renderChart(t, filepath.Join(dir, "values.yaml")), chartDialect)
	ours := collect(t, renderSpec(t, file), fnDialect)
	var named []string
	for _, p := range compare(chart, ours, differences) {
		named = append(named, strings.SplitN(p, " differs:", 2)[0])
	}
	require.Equal(t, []string{"anti-affinity", "claims"}, named)
}
