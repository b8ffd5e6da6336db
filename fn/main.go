// Command zookeeper-fn is the KRM function that expands a ZookeeperSpec
// into a ZooKeeper ensemble. With no arguments it reads a ResourceList on
// stdin (kustomize, kpt); `zookeeper-fn SPEC.yaml [INPUT.yaml...]` prints
// plain YAML for debugging and for plugins that want manifests.
package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"sigs.k8s.io/kustomize/kyaml/fn/framework/command"

	"github.com/zookeeper-fn/zookeeper-fn/internal/processor"
)

// version is stamped by the build (-ldflags -X main.version=...).
var version = "dev"

func main() {
	cmd := command.Build(processor.Processor{}, command.StandaloneEnabled, false)
	cmd.Use = "zookeeper-fn [SPEC.yaml [INPUT.yaml...]]"
	cmd.Short = "Render a ZooKeeper ensemble from a ZookeeperSpec"
	cmd.Version = version
	cmd.PreRunE = screenStdin
	if err := cmd.Execute(); err != nil {
		fmt.Fprintln(os.Stderr)
		os.Exit(1)
	}
}

// screenStdin checks the ResourceList on stdin before kyaml reads it
// (size, UTF-8, one ResourceList document with a list of items): a stream
// that fails gets a message naming the fix on stderr and nothing on stdout.
func screenStdin(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return nil // standalone mode reads files
	}
	in, err := processor.ReadInput(cmd.InOrStdin())
	if err != nil {
		fmt.Fprint(cmd.ErrOrStderr(), err)
		return err
	}
	cmd.SetIn(bytes.NewReader(in))
	return nil
}
