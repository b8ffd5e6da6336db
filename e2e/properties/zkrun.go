//go:build e2e

package properties

// The one place this suite touches the real-ZooKeeper harness (e2e/zkrun).
// Used: Sandboxed, Reexec, Enter, Parse, Sandbox.NewEnsemble,
// Ensemble.StartAll, Ensemble.Members, Member.Pod, Member.FourLetter, Run.

import (
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

type (
	ensemble = zkrun.Ensemble
	member   = zkrun.Member
)

// sandboxed runs inside(t) and reports true in the sandboxed copy of
// the test (zkrun.Sandboxed).
func sandboxed(t *testing.T, inside func(*testing.T)) bool {
	t.Helper()
	return zkrun.Sandboxed(t, inside)
}

// reexec runs the calling test again in zkrun's sandbox with input.
func reexec(t *testing.T, rendered []byte, input any) {
	t.Helper()
	zkrun.Reexec(t, input, zkrun.Parse(t, rendered))
}

// enter, inside the sandbox, decodes the input reexec was given into in.
func enter(t *testing.T, in any) *zkrun.Sandbox {
	t.Helper()
	return zkrun.Enter(t, in)
}

// start lays out and starts the rendered ensemble and waits for a quorum.
func start(t *testing.T, sb *zkrun.Sandbox, rendered []byte, bound time.Duration) *ensemble {
	t.Helper()
	e := sb.NewEnsemble(t, zkrun.Parse(t, rendered), zkrun.Options{Name: "zkp"})
	e.StartAll(t, bound)
	return e
}

func run(bound time.Duration, name string, args ...string) (string, error) {
	out, _, err := zkrun.Run(bound, nil, nil, name, args...)
	return out, err
}
