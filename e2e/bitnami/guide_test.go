//go:build e2e

package bitnami

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
	"sigs.k8s.io/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

const guidePath = "docs/migrating-from-bitnami.md"

// valuesKeys are the top-level keys of the vendored chart's values.yaml,
// in file order.
func valuesKeys(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(chartDir(t), "values.yaml"))
	require.NoError(t, err)
	node, err := kyaml.Parse(string(b))
	require.NoError(t, err)
	keys, err := node.Fields()
	require.NoError(t, err)
	return keys
}

// guideRow is a table row whose first cell is one backticked key.
var guideRow = regexp.MustCompile("^\\| `([^`]+)` \\|([^|]*)\\|")

// TestGuideCoversEveryValuesKey: the guide has exactly one row per
// top-level key of the chart's values.yaml, each saying what the key
// becomes, and states the right number of keys.
func TestGuideCoversEveryValuesKey(t *testing.T) {
	text := readGuide(t)
	want := valuesKeys(t)
	rows := map[string]int{}
	for _, line := range strings.Split(text, "\n") {
		if m := guideRow.FindStringSubmatch(line); m != nil {
			rows[m[1]]++
			require.NotEmpty(t, strings.TrimSpace(m[2]), "row %s says nothing about the key", m[1])
			// A promise is not a mapping: once a feature lands its row
			// names the field, and until then the key has no equivalent.
			require.NotContains(t, strings.ToLower(line), "planned", "row %s promises a feature instead of naming a field or saying why there is none", m[1])
		}
	}
	var missing, extra, twice []string
	for _, k := range want {
		if rows[k] == 0 {
			missing = append(missing, k)
		}
	}
	for k, n := range rows {
		if !slices.Contains(want, k) {
			extra = append(extra, k)
		}
		if n > 1 {
			twice = append(twice, k)
		}
	}
	sort.Strings(extra)
	sort.Strings(twice)
	require.Empty(t, missing, "values.yaml keys without a row in %s", guidePath)
	require.Empty(t, extra, "rows in %s for keys values.yaml does not have", guidePath)
	require.Empty(t, twice, "keys with more than one row in %s", guidePath)
	require.Contains(t, text, "`values.yaml` has "+strconv.Itoa(len(want))+" top-level keys",
		"the guide states another number of keys than values.yaml has")
	t.Logf("%d top-level keys in values.yaml, one row each", len(want))
}

// specPath is a spec field path named in the guide; file names such as
// spec.yaml are not fields.
var specPath = regexp.MustCompile(`(?:^|[^/\w.])(spec\.[a-zA-Z][a-zA-Z0-9.]*[a-zA-Z0-9])`)

// TestGuideNamesOnlyExistingFields: every spec.* path in the guide
// resolves in the ZookeeperSpec schema (schema/), so the guide never
// promises a field the function does not have.
func TestGuideNamesOnlyExistingFields(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(harness.Root(t), "schema", "zookeeperspecs.zookeeper-fn.dev.yaml"))
	require.NoError(t, err)
	var crd struct {
		Spec struct {
			Versions []struct {
				Schema struct {
					OpenAPIV3Schema map[string]any `json:"openAPIV3Schema"`
				} `json:"schema"`
			} `json:"versions"`
		} `json:"spec"`
	}
	require.NoError(t, yaml.Unmarshal(b, &crd))
	require.Len(t, crd.Spec.Versions, 1)
	root := crd.Spec.Versions[0].Schema.OpenAPIV3Schema
	seen := map[string]bool{}
	for _, m := range specPath.FindAllStringSubmatch(readGuide(t), -1) {
		p := m[1]
		if strings.HasSuffix(p, ".yaml") || seen[p] {
			continue
		}
		seen[p] = true
		require.True(t, resolves(root, strings.Split(p, ".")), "%s names %s, which the ZookeeperSpec schema does not have", guidePath, p)
	}
	require.Greater(t, len(seen), 30, "spec paths found in the guide")
	t.Logf("%d spec paths in the guide, all in the schema", len(seen))
}

// resolves walks an OpenAPI schema along path; a map (additionalProperties)
// accepts any key, an array continues in its items.
func resolves(s map[string]any, path []string) bool {
	if len(path) == 0 {
		return true
	}
	if items, ok := s["items"].(map[string]any); ok {
		return resolves(items, path)
	}
	if props, ok := s["properties"].(map[string]any); ok {
		next, ok := props[path[0]].(map[string]any)
		return ok && resolves(next, path[1:])
	}
	_, isMap := s["additionalProperties"]
	return isMap && len(path) == 1
}

func readGuide(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(harness.Root(t), guidePath))
	require.NoError(t, err)
	return string(b)
}

// TestGuideExampleIsTheTestedOne: the guide's example values and spec
// are the ones the side-by-side test compares (same data, comments
// aside), so the example cannot drift from what is proven.
func TestGuideExampleIsTheTestedOne(t *testing.T) {
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(readGuide(t), 2)
	require.Len(t, blocks, 2)
	dir := filepath.Join(harness.Root(t), "e2e", "bitnami", "testdata")
	for i, file := range []string{"values.yaml", "spec.yaml"} {
		b, err := os.ReadFile(filepath.Join(dir, file))
		require.NoError(t, err)
		var want, got map[string]any
		require.NoError(t, yaml.Unmarshal(b, &want))
		require.NoError(t, yaml.Unmarshal([]byte(blocks[i][1]), &got))
		require.Equal(t, want, got, "the guide's example %d differs from e2e/bitnami/testdata/%s", i+1, file)
	}
}
