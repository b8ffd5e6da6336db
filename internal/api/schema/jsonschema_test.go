package schema_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

const root = "../../.."

// compile loads one of the generated schemas in schema/.
func compile(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	s, err := c.Compile(filepath.Join(root, "schema", name))
	require.NoError(t, err)
	return s
}

// instance reads a YAML document as the JSON value a validator sees.
func instance(t *testing.T, y []byte) any {
	t.Helper()
	j, err := yaml.YAMLToJSON(y)
	require.NoError(t, err)
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	require.NoError(t, err)
	return v
}

// modelined lists the repository's YAML files whose first line is a
// yaml-language-server modeline naming schema, and checks the relative
// path resolves to it.
func modelined(t *testing.T, schema string) []string {
	t.Helper()
	var out []string
	for _, pattern := range []string{"base/*.yaml", "base/*/*.yaml", "overlays/*/*.yaml", "examples/*/*.yaml", "examples/*/*/*.yaml"} {
		files, err := filepath.Glob(filepath.Join(root, pattern))
		require.NoError(t, err)
		for _, f := range files {
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			first, _, _ := strings.Cut(string(b), "\n")
			ref, ok := strings.CutPrefix(first, "# yaml-language-server: $schema=")
			if !ok || filepath.Base(ref) != schema {
				continue
			}
			_, err = os.Stat(filepath.Join(filepath.Dir(f), ref))
			require.NoError(t, err, "%s: the modeline's path does not resolve", f)
			out = append(out, f)
		}
	}
	return out
}

// The specs users start from (base/, every overlay's patch, the examples)
// are valid under the schema their modeline names.
func TestJSONSchemaAcceptsTheRepositorysSpecs(t *testing.T) {
	for schema, atLeast := range map[string][]string{
		"zookeeperspec.json":     {"base/zookeeper.yaml", "overlays/prod/zookeeper.yaml", "examples/kpt/exec/zookeeper.yaml"},
		"zookeeperfunction.json": {"base/function/function.yaml", "examples/validator/validator.yaml"},
	} {
		s := compile(t, schema)
		files := modelined(t, schema)
		for _, want := range atLeast {
			assert.Contains(t, files, filepath.Join(root, want), "%s has no modeline for %s", want, schema)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			assert.NoError(t, s.Validate(instance(t, b)), f)
		}
	}
}

// An editor flags a typo or a size the function refuses as it is typed.
func TestJSONSchemaRejects(t *testing.T) {
	base, err := os.ReadFile(filepath.Join(root, "base/zookeeper.yaml"))
	require.NoError(t, err)
	for name, tc := range map[string]struct {
		schema, doc, want string
	}{
		"unknown spec field": {"zookeeperspec.json", strings.Replace(string(base), "replicas:", "replicaz:", 1), "replicaz"},
		"even replicas":      {"zookeeperspec.json", strings.Replace(string(base), "replicas: 3", "replicas: 4", 1), "replicas"},
		"too many replicas":  {"zookeeperspec.json", strings.Replace(string(base), "replicas: 3", "replicas: 13", 1), "replicas"},
		"unknown nested":     {"zookeeperspec.json", strings.Replace(string(base), "size: 10Gi", "size: 10Gi\n    sise: 1Gi", 1), "sise"},
		"bad quantity":       {"zookeeperspec.json", strings.Replace(string(base), "size: 10Gi", "size: ten", 1), "size"},
		"bad enum":           {"zookeeperspec.json", strings.Replace(string(base), "antiAffinity: preferred", "antiAffinity: maybe", 1), "antiAffinity"},
		"unknown top level":  {"zookeeperspec.json", string(base) + "specs: {}\n", "specs"},
		"other kind":         {"zookeeperspec.json", strings.Replace(string(base), "kind: ZookeeperSpec", "kind: ZooKeeperSpec", 1), "kind"},
		"unknown mode":       {"zookeeperfunction.json", "apiVersion: zookeeper-fn.dev/v1alpha1\nkind: ZookeeperFunction\nspec: {mode: validat}\n", "mode"},
		"unknown fn field":   {"zookeeperfunction.json", "apiVersion: zookeeper-fn.dev/v1alpha1\nkind: ZookeeperFunction\nspec: {mode: render, modes: x}\n", "modes"},
	} {
		t.Run(name, func(t *testing.T) {
			require.NotEqual(t, string(base), tc.doc, "the case changed nothing")
			err := compile(t, tc.schema).Validate(instance(t, []byte(tc.doc)))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
