// Command zookeeper-fn is the KRM function that expands a ZookeeperSpec
// into a ZooKeeper ensemble. With no arguments it reads a ResourceList on
// stdin (kustomize, kpt); `zookeeper-fn SPEC.yaml [INPUT.yaml...]` prints
// plain YAML for debugging and for plugins that want manifests. Either way
// every error and warning is printed on stderr.
package main

import (
	"os"

	"github.com/zookeeper-fn/zookeeper-fn/internal/krmio"
	"github.com/zookeeper-fn/zookeeper-fn/internal/processor"
)

// version is stamped by the build (-ldflags -X main.version=...).
var version = "dev"

func main() {
	rec := &krmio.Recorder{Processor: processor.Processor{}}
	cmd := krmio.Command(rec)
	cmd.Use = "zookeeper-fn [SPEC.yaml [INPUT.yaml...]]"
	cmd.Short = "Render a ZooKeeper ensemble from a ZookeeperSpec"
	cmd.Version = version
	if err := cmd.Execute(); err != nil {
		os.Exit(1)
	}
}
