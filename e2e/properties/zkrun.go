//go:build e2e

package properties

// The one place this suite touches the shared ZooKeeper harness
// (e2e/backup/zkrun, moving to e2e/zkrun): when it moves, only this file
// changes. Used: InSandbox, Reexec, Input, Root, SetupNetwork, Parse,
// NewEnsemble, Ensemble.StartAll, Ensemble.Members, Member.Pod,
// Member.FourLetter, Run.

import (
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/backup/zkrun"
)

type (
	ensemble = zkrun.Ensemble
	member   = zkrun.Member
)

func inSandbox() bool { return zkrun.InSandbox() }

// reexec runs the calling test again in zkrun's sandbox with input.
func reexec(t *testing.T, root string, rendered []byte, input any) {
	t.Helper()
	zkrun.Reexec(t, root, zkrun.Parse(t, rendered).MountDirs(), input)
}

// start lays out and starts the rendered ensemble and waits for a quorum.
func start(t *testing.T, rendered []byte, bound time.Duration) *ensemble {
	t.Helper()
	work := zkrun.Input(t, &sandboxInput{})
	zkrun.SetupNetwork(t)
	e := zkrun.NewEnsemble(t, zkrun.Parse(t, rendered), zkrun.Root(), work+"/ensemble", work+"/claims", "zkp")
	e.StartAll(t, bound)
	return e
}

func input(t *testing.T, v any) { zkrun.Input(t, v) }

func run(bound time.Duration, name string, args ...string) (string, error) {
	out, _, err := zkrun.Run(bound, nil, nil, name, args...)
	return out, err
}
