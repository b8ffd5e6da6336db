//go:build e2e

package scaling

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

type migrateInput struct {
	Static3, Dynamic3, Dynamic5 string
	SkipRecovery                bool
	clientInput
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
	in := migrateInput{Static3: renderReplicas(t, "static.yaml", 3), Dynamic3: renderReplicas(t, "dynamic.yaml", 3),
		Dynamic5: renderReplicas(t, "dynamic.yaml", 5), SkipRecovery: os.Getenv(skipRecoveryEnv) != "", clientInput: newClientInput(t)}
	var rendered []*zkrun.Rendered
	for _, out := range []string{in.Static3, in.Dynamic3, in.Dynamic5} {
		rendered = append(rendered, zkrun.Parse(t, []byte(out)))
	}
	zkrun.ReexecParallel(t, in, rendered...)
}

func migrateInSandbox(t *testing.T) {
	var in migrateInput
	sb := zkrun.Enter(t, &in)
	c, cp, acked := startEnsemble(t, sb, in.clientInput, zkrun.Parse(t, []byte(in.Static3)), "static 3-member")
	dir := c.dir

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
	report(t, results)
}
