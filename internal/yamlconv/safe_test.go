package yamlconv_test

import (
	"math/rand/v2"
	"regexp"
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

// yaml11 is the regular expression Ambiguous implements by hand.
var yaml11 = regexp.MustCompile(`^(?:` +
	`|~|null|Null|NULL` +
	`|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF` +
	`|[-+]?0b[01_]+|[-+]?0o?[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+` +
	`|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?` +
	`|[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?` +
	`|[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+` +
	`|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)` +
	`|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?` +
	`|<<|=` +
	`)$`)

// TestAmbiguousMatchesRegexp compares the matcher with the expression on
// every string of up to four characters from an alphabet of the
// characters the expression cares about, on dates and words, and on
// random longer strings.
func TestAmbiguousMatchesRegexp(t *testing.T) {
	const alphabet = "0159_:.-+eEbxoTt \n~aAfFnNiIlsyY<=\xff"
	check := func(s string) {
		if got, want := yamlconv.Ambiguous(s), yaml11.MatchString(s); got != want {
			t.Fatalf("Ambiguous(%q) = %v, the expression says %v", s, got, want)
		}
	}
	var walk func(prefix string, n int)
	walk = func(prefix string, n int) {
		check(prefix)
		if n == 0 {
			return
		}
		for i := range len(alphabet) {
			walk(prefix+alphabet[i:i+1], n-1)
		}
	}
	walk("", 4)
	for _, s := range []string{".inf", "-.Inf", "+.INF", "-.nan", ".NaN", "yes", "NULL", "2024-01-02", "2024-1-2", "2024-01-022",
		"2024-01-02T10:00", "2024-01-02 x", "2024-01-02\tx", "2024-01-02T\n", "12:30:59.5", "1:60", "1:5:7", "190:20:30.15",
		"0b", "0x", "0o", "0o8", "09", "0_7", "1e", "1e+", "1.e5", ".e5", "1__2", "-0x_", "+0b1"} {
		check(s)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		b := make([]byte, 5+r.IntN(8))
		for i := range b {
			b[i] = "0123456789:.-_eT"[r.IntN(16)]
		}
		check(string(b))
	}
}
