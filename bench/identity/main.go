// Command identity is the benchmark's baseline: a kyaml framework function
// that changes nothing, as issue 13 defines it. It is built from the same
// module, so with the same kyaml, cobra and Go versions and the same build
// flags as zookeeper-fn: whatever it costs is the price of reading and
// writing a ResourceList with kyaml's framework. zookeeper-fn no longer
// links the framework (internal/krm), so its start-up can go below this
// one's; the rest of a run cannot.
package main

import (
	"fmt"
	"os"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/fn/framework/command"
)

func main() {
	noop := framework.ResourceListProcessorFunc(func(*framework.ResourceList) error { return nil })
	cmd := command.Build(noop, command.StandaloneEnabled, false)
	if err := cmd.Execute(); err != nil {
		fmt.Fprintln(os.Stderr)
		os.Exit(1)
	}
}
