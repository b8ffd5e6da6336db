package main

import (
	"bytes"
	"os"
	"regexp"
	"runtime/debug"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// run executes a command wired like main's with args and returns stdout.
func run(t *testing.T, args ...string) string {
	t.Helper()
	cmd := &cobra.Command{RunE: func(*cobra.Command, []string) error { return nil }}
	cmd.Flags().Bool("stack", false, "print the stack trace on failure")
	describe(cmd)
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetArgs(args)
	require.NoError(t, cmd.Execute())
	return out.String()
}

// --help (what `kpt fn doc` shows) is docs/usage.md as it is on disk, with
// the kpt catalog's sections in their order, then the flags.
func TestHelpIsTheUsageDoc(t *testing.T) {
	doc, err := os.ReadFile("../../docs/usage.md")
	require.NoError(t, err)
	help := run(t, "--help")
	require.True(t, bytes.HasPrefix([]byte(help), doc), "--help must start with docs/usage.md:\n%s", help)
	assert.Contains(t, help[len(doc):], "--version")
	sections := regexp.MustCompile(`(?m)^## (.+)$`).FindAllStringSubmatch(string(doc), -1)
	var got []string
	for _, s := range sections {
		got = append(got, s[1])
	}
	assert.Equal(t, []string{"Overview", "Usage", "FunctionConfig", "Examples"}, got)
}

func TestVersion(t *testing.T) {
	info := func(v string, settings ...debug.BuildSetting) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			return &debug.BuildInfo{Main: debug.Module{Version: v}, Settings: settings}, true
		}
	}
	rev := debug.BuildSetting{Key: "vcs.revision", Value: "abc123"}
	for name, tc := range map[string]struct {
		v, c         string
		read         func() (*debug.BuildInfo, bool)
		wantV, wantC string
	}{
		"stamped wins":         {"v0.2.0", "def456", info("v0.1.0", rev), "v0.2.0", "def456"},
		"go install module@v":  {"", "", info("v0.1.0"), "v0.1.0", "unknown"},
		"go build in a clone":  {"", "", info("(devel)", rev), "dev", "abc123"},
		"no build information": {"", "", func() (*debug.BuildInfo, bool) { return nil, false }, "dev", "unknown"},
	} {
		t.Run(name, func(t *testing.T) {
			v, c := buildVersion(tc.v, tc.c, tc.read)
			assert.Equal(t, tc.wantV, v)
			assert.Equal(t, tc.wantC, c)
		})
	}
	version, commit = "v9.8.7", "0123abc"
	defer func() { version, commit = "", "" }()
	assert.Equal(t, "zookeeper-fn version v9.8.7 (commit 0123abc)\n", run(t, "--version"))
}
