package processor_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/golden"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krmio"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krmtest"
	"github.com/zookeeper-fn/zookeeper-fn/internal/processor"
)

const hostileDir = "../../testdata/hostile"

// TestHostileInput runs the bad-input catalogue through the processor
// exactly as the binary does (stdin check, then framework.Execute). Every
// case must give its exact results, name the fix, exit non-zero on errors,
// and leave the items as they came: nothing generated, nothing lost.
func TestHostileInput(t *testing.T) {
	dirs, err := os.ReadDir(hostileDir)
	require.NoError(t, err)
	bad := 0
	for _, d := range dirs {
		dir := filepath.Join(hostileDir, d.Name())
		c := krmtest.ReadHostileCase(t, dir)
		if c.Exit != 0 {
			bad++
		}
		t.Run(d.Name(), func(t *testing.T) {
			input := hostileInput(t, dir, c.Generate)
			got := hostileRun(input)
			// The exact results, or the message on stderr.
			golden.File(t, filepath.Join(dir, "expected.txt"), []byte(got.expected()))
			assert.Equal(t, c.Exit, got.exit, "exit code")
			for _, words := range c.Fix {
				assert.Contains(t, got.expected(), words, "the message must name the fix")
			}
			got.assertOutput(t, input, c)
		})
	}
	doc, err := os.ReadFile("../../docs/errors.md")
	require.NoError(t, err)
	for _, d := range dirs {
		assert.Contains(t, string(doc), "`"+d.Name()+"`", "docs/errors.md lists case %s with its fix", d.Name())
	}
	t.Logf("%d bad inputs, %d risky-but-legal inputs", bad, len(dirs)-bad)
	require.GreaterOrEqual(t, bad, 50, "bad-input cases found")
}

// hostileResult is what the binary would do with an input.
type hostileResult struct {
	stdout, stderr string
	exit           int
	results        string // the ResourceList's results, as written
}

func (r hostileResult) expected() string {
	if r.results == "" && r.stderr != "" {
		return "stderr: " + r.stderr + "\n"
	}
	return r.results
}

// hostileRun mirrors fn/main.go: screen stdin, then execute the processor
// on the parsed stream.
func hostileRun(input []byte) hostileResult {
	var out hostileResult
	in, root, err := krmio.ReadResourceList(bytes.NewReader(input))
	if err != nil {
		out.stderr, out.exit = err.Error(), 1
		return out
	}
	var buf bytes.Buffer
	if err := krmio.Execute(processor.Processor{}, in, root, &buf); err != nil {
		out.stderr, out.exit = err.Error(), 1
	}
	out.stdout = buf.String()
	out.results = resultsOf(out.stdout)
	return out
}

// resultsOf extracts the results field of a ResourceList as YAML.
func resultsOf(rl string) string {
	n, err := yaml.Parse(rl)
	if err != nil {
		return "unparseable output: " + err.Error()
	}
	r := n.Field("results")
	if r == nil {
		return ""
	}
	s, err := r.Value.String()
	if err != nil {
		return err.Error()
	}
	return s
}

// assertOutput: on failure stdout holds the items exactly as an identity
// function would write them (or nothing, when the stream was refused); on
// success every input item is still there and the ensemble was rendered.
func (r hostileResult) assertOutput(t *testing.T, input []byte, c krmtest.HostileCase) {
	t.Helper()
	replaced := map[string]bool{}
	for _, id := range c.Replaces {
		replaced[id] = true
	}
	if c.Exit == 0 {
		require.Empty(t, r.stderr)
		got, count := map[string]bool{}, map[string]int{}
		for _, it := range itemNodes(t, r.stdout) {
			got[it.MustString()] = true
			count[it.GetKind()+"/"+it.GetName()]++
		}
		for id := range replaced {
			assert.Equal(t, 1, count[id], "%s is replaced, not duplicated", id)
		}
		for _, it := range itemNodes(t, krmtest.IdentityOutput(t, input)) {
			if it.GetKind() != "ZookeeperSpec" && !replaced[it.GetKind()+"/"+it.GetName()] { // the spec gains the local-config annotation
				assert.True(t, got[it.MustString()], "input item %s/%s was lost or changed", it.GetKind(), it.GetName())
			}
		}
		assert.Contains(t, r.stdout, "kind: StatefulSet", "the ensemble was rendered")
		return
	}
	if r.stdout == "" {
		return // refused stream: nothing written
	}
	want := krmtest.ItemsText(t, krmtest.IdentityOutput(t, input))
	assert.Equal(t, want, krmtest.ItemsText(t, r.stdout), "on error the items must come back unchanged, with nothing generated")
}

func itemNodes(t *testing.T, rl string) []*yaml.RNode {
	t.Helper()
	n, err := yaml.Parse(rl)
	require.NoError(t, err)
	f := n.Field("items")
	require.NotNil(t, f, "output has items")
	out, err := f.Value.Elements()
	require.NoError(t, err)
	return out
}

// hostileInput reads input.yaml or generates the inputs too big to keep.
func hostileInput(t testing.TB, dir, generate string) []byte {
	t.Helper()
	if generate == "" {
		b, err := os.ReadFile(filepath.Join(dir, "input.yaml"))
		require.NoError(t, err)
		return b
	}
	b, err := generateHostile(generate)
	require.NoError(t, err)
	return b
}

// generateHostile builds the inputs of the catalogue that are too large to
// keep in the repository.
func generateHostile(name string) ([]byte, error) {
	const head = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n"
	switch name {
	case "huge-spec":
		return []byte(head + "- apiVersion: zookeeper-fn.dev/v1alpha1\n  kind: ZookeeperSpec\n  metadata: {name: zk, namespace: payments}\n  spec:\n    jvm:\n      flags:\n" +
			strings.Repeat("      - -Dzookeeper.padding="+strings.Repeat("x", 1000)+"\n", 300)), nil
	case "huge-stdin":
		return []byte(head + "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: big}\n  data:\n    blob: " + strings.Repeat("x", krmio.MaxInputBytes) + "\n"), nil
	case "deep-nesting":
		return []byte(head + "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: deep}\n  data: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n"), nil
	}
	return nil, errors.New(fmt.Sprint("unknown generated input ", name))
}
