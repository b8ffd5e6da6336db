//go:build e2e

package scaling

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

type migrateInput struct {
	Static3, Dynamic3, Dynamic5 string
	Java                        string
	Secrets                     map[string]map[string]string
	SkipRecovery                bool
}

// skipRecoveryEnv breaks the lost-member procedure on purpose: the lost
// members are not removed before the ensemble shrinks.
const skipRecoveryEnv = "ZKFN_SCALING_SKIP_RECOVERY"

// TestMigration moves a live static 3-member ensemble to dynamic
// membership (the same replicas, spec.membership added: every member
// rolls once, highest ordinal first) while a client writes, proves the
// result is dynamic by growing it to 5, then loses two members the way a
// lost node does (SIGKILL, their preStop never runs, their volumes gone)
// and runs the documented recovery (reconfig.sh remove on a live member)
// before it shrinks to 3.
func TestMigration(t *testing.T) {
	if zkrun.InSandbox() {
		migrateInSandbox(t)
		return
	}
	root := harness.Root(t)
	java, err := os.ReadFile(filepath.Join(root, "e2e", "scaling", "ZkScale.java"))
	must(t, err)
	in := migrateInput{Java: string(java), SkipRecovery: os.Getenv(skipRecoveryEnv) != "",
		Secrets: map[string]map[string]string{"zk-superuser": {"password": "e2e-superuser-password"}}}
	var rendered []*zkrun.Rendered
	for _, r := range []struct {
		dst  *string
		spec string
		n    int
	}{{&in.Static3, "static.yaml", 3}, {&in.Dynamic3, "dynamic.yaml", 3}, {&in.Dynamic5, "dynamic.yaml", 5}} {
		src, err := os.ReadFile(filepath.Join(root, "e2e", "scaling", "testdata", r.spec))
		must(t, err)
		f := filepath.Join(t.TempDir(), "spec.yaml")
		must(t, os.WriteFile(f, []byte(strings.Replace(string(src), "replicas: 1", fmt.Sprintf("replicas: %d", r.n), 1)), 0o644))
		*r.dst = string(harness.Render(t, f))
		rendered = append(rendered, zkrun.Parse(t, []byte(*r.dst)))
	}
	zkrun.ReexecParallel(t, in, rendered...)
}

func migrateInSandbox(t *testing.T) {
	var in migrateInput
	sb := zkrun.Enter(t, &in)
	dir := filepath.Join(sb.Dir, "scaling")
	must(t, os.Mkdir(dir, 0o755))
	cp := compileClient(t, dir, in.Java)
	static3 := zkrun.Parse(t, []byte(in.Static3))
	c := newCluster(t, sb, dir, static3, in.Secrets)
	c.apply(static3)
	c.wg.Add(1)
	go c.controllerLoop()
	if !waitSettled(c, 5*time.Minute) {
		dump(t, c)
		t.Fatal("the static 3-member ensemble never became Ready")
	}
	acked := map[string][]string{}
	w, err := startWriter(cp, dir, "/pre")
	must(t, err)
	time.Sleep(5 * time.Second)
	acked["/pre"] = w.end()

	migrate := step(t, c, cp, dir, zkrun.Parse(t, []byte(in.Dynamic3)), "/migrate", acked)
	migrate.label = "3 static → 3 dynamic"
	for i := 0; i < 3; i++ {
		// The working zoo.cfg membership.sh wrote on the data volume.
		b, err := os.ReadFile(filepath.Join(c.dir, "pv", "data-"+podName(i), "zoo.cfg"))
		if err != nil || !strings.Contains(string(b), "reconfigEnabled=true") {
			t.Errorf("%s after the migration does not run with reconfigEnabled (%v):\n%s", podName(i), err, b)
		}
		if v := voters(i); strings.Join(v, ",") != "1,2,3" {
			t.Errorf("%s after the migration serves voters %v, want 1,2,3", podName(i), v)
		}
	}
	grow := step(t, c, cp, dir, zkrun.Parse(t, []byte(in.Dynamic5)), "/grow", acked)
	grow.from, grow.to = 3, 5
	lost := lostMembers(t, c, cp, dir, zkrun.Parse(t, []byte(in.Dynamic3)), acked, !in.SkipRecovery)
	results := []stepResult{migrate, grow, lost}
	for _, res := range results {
		if res.lost > 0 || res.maxVoting > 1 {
			t.Errorf("%s: %d of %d acknowledged writes lost, at most %d committing leaders at once", res.name(), res.lost, res.acked, res.maxVoting)
		}
	}
	report(t, results)
}
