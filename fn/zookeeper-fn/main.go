// Command zookeeper-fn is the KRM function that expands a ZookeeperSpec
// into a ZooKeeper ensemble. With no arguments it reads a ResourceList on
// stdin (kustomize, kpt); `zookeeper-fn SPEC.yaml [INPUT.yaml...]` prints
// plain YAML for debugging and for plugins that want manifests. Either way
// every error and warning is printed on stderr.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/zookeeper-fn/zookeeper-fn/internal/krmio"
	"github.com/zookeeper-fn/zookeeper-fn/internal/processor"
)

func main() {
	cmd := krmio.Command(&krmio.Recorder{Processor: processor.Processor{}})
	describe(cmd) // --help is docs/usage.md; --version adds the commit
	run := cmd.RunE
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if len(args) == 0 { // a ResourceList on stdin: pace the collector by its size
			c.SetIn(paceGC(c.InOrStdin()))
		} else if err := oneConfig(args); err != nil {
			fmt.Fprintln(c.ErrOrStderr(), "zookeeper-fn:", err) // kyaml's command prints no errors
			return err
		}
		return run(c, args)
	}
	if err := cmd.Execute(); err != nil {
		os.Exit(1)
	}
}
