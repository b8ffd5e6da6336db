package yamlconv_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yamlv2 "go.yaml.in/yaml/v2"

	"github.com/zookeeper-fn/zookeeper-fn/internal/yamlconv"
)

// TestYAML11Safe writes strings through FromObject and reads them back
// with go-yaml v2, the YAML 1.1 reader behind sigs.k8s.io/yaml (kubectl,
// the API machinery): every one must come back as the same string.
func TestYAML11Safe(t *testing.T) {
	values := []string{
		"yes", "no", "on", "off", "y", "n", "Y", "N", "YES", "Off", "true", "False", "TRUE",
		"~", "null", "Null", "", "010", "0x10", "0b101", "0o17", "1e3", "1E3", "1_000", "-1_000",
		"12:30", "1:20:30", "190:20:30.15", ".inf", "-.Inf", ".nan", "1.5", ".5", "3.", "+12",
		"2024-01-02", "2001-12-14t21:59:43.10-05:00", "<<", "=",
		// strings a reader must keep as they are, quoted or not
		"3.9.6", "zk", "3.9.6_", "0.0.0.0", "1.2.3-rc1", "a:b", "http://x:1", "yes please",
	}
	obj := map[string]any{"data": map[string]string{}}
	for i, v := range values {
		obj["data"].(map[string]string)["k"+strings.Repeat("x", i)] = v
		obj["data"].(map[string]string)[v] = "key"
	}
	n, err := yamlconv.FromObject(obj)
	require.NoError(t, err)
	text := n.MustString()
	var back map[string]map[any]any
	require.NoError(t, yamlv2.Unmarshal([]byte(text), &back), text)
	for i, v := range values {
		assert.Equal(t, v, back["data"]["k"+strings.Repeat("x", i)], "value %q read back by YAML 1.1 from\n%s", v, text)
		assert.Equal(t, "key", back["data"][v], "key %q read back by YAML 1.1", v)
	}
	assert.Contains(t, text, "k: \"yes\"")
	assert.Contains(t, text, "\n  3.9.6: key\n", "unambiguous strings stay plain")
}

// TestStatusKeptInData: only the object's own status and empty status
// objects are dropped; a key named status inside data is data.
func TestStatusKeptInData(t *testing.T) {
	obj := map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap", "status": map[string]any{"x": 1},
		"data": map[string]any{"status": "green", "nested": map[string]any{"status": map[string]any{}}},
	}
	n, err := yamlconv.FromObject(obj)
	require.NoError(t, err)
	assert.Equal(t, "apiVersion: v1\ndata:\n  nested: {}\n  status: green\nkind: ConfigMap\n", n.MustString())
}
