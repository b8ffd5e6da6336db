package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/zookeeper-fn/zookeeper-fn/docs"
)

// version and commit are stamped by `make build` and `make release`
// (-ldflags "-X main.version=v0.1.0 -X main.commit=<sha>"). Left empty,
// they come from the build information Go records: the module version for
// `go install github.com/zookeeper-fn/zookeeper-fn/fn/zookeeper-fn@v0.1.0`,
// the VCS revision for a plain `go build` in a clone.
var (
	version string
	commit  string
)

// describe gives the command its help, which is docs/usage.md (the kpt
// catalog's Overview, Usage, FunctionConfig and Examples; `kpt fn doc`
// runs the image with --help and shows it), and its --version line.
func describe(cmd *cobra.Command) {
	cmd.Use = "zookeeper-fn [SPEC.yaml [INPUT.yaml...]]"
	cmd.Short = "Render a ZooKeeper ensemble from a ZookeeperSpec"
	cmd.Long = docs.Usage
	// A help function and cobra's default version line, not templates:
	// a custom template links text/template's reflection, which keeps
	// every method in the binary (6 MB more).
	cmd.SetHelpFunc(func(c *cobra.Command, _ []string) {
		fmt.Fprintf(c.OutOrStdout(), "%s\nFlags:\n%s", c.Long, c.LocalFlags().FlagUsages())
	})
	v, c := buildVersion(version, commit, debug.ReadBuildInfo)
	cmd.Version = fmt.Sprintf("%s (commit %s)", v, c) // "zookeeper-fn version v0.1.0 (commit abc...)"
}

// buildVersion returns the version and commit: the stamped ones, else the
// build information's, else "dev" and "unknown".
func buildVersion(v, c string, read func() (*debug.BuildInfo, bool)) (string, string) {
	if info, ok := read(); ok {
		if v == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && c == "" {
				c = s.Value
			}
		}
	}
	if v == "" {
		v = "dev"
	}
	if c == "" {
		c = "unknown"
	}
	return v, c
}
