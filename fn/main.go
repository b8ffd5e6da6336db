// Command zookeeper-fn is the KRM function that expands a ZookeeperSpec
// into a ZooKeeper ensemble. With no arguments it reads a ResourceList on
// stdin (kustomize, kpt); `zookeeper-fn SPEC.yaml [INPUT.yaml...]` prints
// plain YAML for debugging and for plugins that want manifests.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"sigs.k8s.io/kustomize/kyaml/errors"
	"sigs.k8s.io/kustomize/kyaml/fn/framework/command"

	"github.com/zookeeper-fn/zookeeper-fn/internal/krmio"
	"github.com/zookeeper-fn/zookeeper-fn/internal/processor"
)

// version is stamped by the build (-ldflags -X main.version=...).
var version = "dev"

func main() {
	cmd := command.Build(processor.Processor{}, command.StandaloneEnabled, false)
	cmd.Use = "zookeeper-fn [SPEC.yaml [INPUT.yaml...]]"
	cmd.Short = "Render a ZooKeeper ensemble from a ZookeeperSpec"
	cmd.Version = version
	standalone := cmd.RunE // kyaml's: reads the files, prints plain YAML
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			return standalone(cmd, args)
		}
		return runResourceList(cmd)
	}
	if err := cmd.Execute(); err != nil {
		fmt.Fprintln(os.Stderr)
		os.Exit(1)
	}
}

// runResourceList is the function as kustomize and kpt run it. It checks
// the ResourceList on stdin first (size, UTF-8, one ResourceList document
// with a list of items): a stream that fails gets a message naming the fix
// on stderr and nothing on stdout. Then it runs the processor as kyaml's
// command would, with the same output and messages, on the stream it
// already parsed (krmio.Execute).
func runResourceList(cmd *cobra.Command) error {
	in, root, err := krmio.ReadResourceList(cmd.InOrStdin())
	if err != nil {
		fmt.Fprint(cmd.ErrOrStderr(), err)
		return err
	}
	err = krmio.Execute(processor.Processor{}, in, root, cmd.OutOrStdout())
	if err != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "%v", err)
		if stack, _ := cmd.Flags().GetBool("stack"); stack {
			if s := errors.GetStack(err); s != "" {
				fmt.Fprintln(cmd.ErrOrStderr(), s)
			}
		}
	}
	return err
}
