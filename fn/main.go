// Command zookeeper-fn is the KRM function that expands a ZookeeperSpec
// into a ZooKeeper ensemble. With no arguments it reads a ResourceList on
// stdin (kustomize, kpt); `zookeeper-fn SPEC.yaml [INPUT.yaml...]` prints
// plain YAML for debugging and for plugins that want manifests.
package main

import (
	"fmt"
	"os"

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
	if err := cmd.Execute(); err != nil {
		fmt.Fprintln(os.Stderr)
		os.Exit(1)
	}
}
