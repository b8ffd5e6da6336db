package zkprops_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zookeeper-fn/zookeeper-fn/internal/zkprops"
)

// hostile are keys and values that inject or swallow lines when written
// as plain text.
var hostile = []zkprops.Entry{
	{"plain", "value"},
	{"new\nline", "dataDir=/evil\nserver.9=x:1:2"},
	{"eq=uals", "a=b"},
	{"co:lon", "c:d"},
	{"sp ace", "  leading and trailing  "},
	{"back\\slash", `C:\dir\`},
	{"trailing", `ends in \`},
	{"escape", `\u0041 is not A`},
	{"#comment", "#not a comment"},
	{"!bang", "!x"},
	{"tab\tkey", "\tv\f"},
	{"cr\rkey", "v\r\n"},
	{"unicode ü", "snow ☃ and 😀"},
	{"ctl\x01", "\x00\x7f"},
	{"", "empty key"},
	{"empty", ""},
}

func TestWriteRoundTrip(t *testing.T) {
	got, err := zkprops.Load([]byte(zkprops.Write(hostile)))
	require.NoError(t, err)
	assert.Equal(t, hostile, got)
}

func TestWriteOneLinePerEntry(t *testing.T) {
	out := zkprops.Write(hostile)
	for i, c := range []byte(out) {
		if c == '\r' || c > 0x7e || c < 0x20 && c != '\n' {
			t.Fatalf("byte %d is %#x: zoo.cfg must be printable ASCII", i, c)
		}
	}
	assert.Equal(t, len(hostile), countLines(out))
}

func countLines(s string) int {
	n := 0
	for _, c := range s {
		if c == '\n' {
			n++
		}
	}
	return n
}

// TestLoad pins the port to java.util.Properties.load's documented
// behaviour; e2e/properties checks the writer against the real JDK.
func TestLoad(t *testing.T) {
	for name, tc := range map[string]struct {
		in   string
		want []zkprops.Entry
	}{
		"separators":     {"a=1\nb:2\nc 3\nd = 4\ne\t:\t5\n", []zkprops.Entry{{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}, {"e", "5"}}},
		"comments":       {"# x=1\n  ! y=2\nz=#3\n", []zkprops.Entry{{"z", "#3"}}},
		"continuation":   {"a=1\\\n   2\\\n3\n", []zkprops.Entry{{"a", "123"}}},
		"even backslash": {"a=1\\\\\nb=2\n", []zkprops.Entry{{"a", `1\`}, {"b", "2"}}},
		"crlf":           {"a=1\\\r\n  2\r\nb=3\r", []zkprops.Entry{{"a", "12"}, {"b", "3"}}},
		"escapes":        {`k\=\:\ =\u0041\t\q` + "\n", []zkprops.Entry{{"k=: ", "A\tq"}}},
		"latin1":         {"k=\xe9\n", []zkprops.Entry{{"k", "é"}}},
		"last wins":      {"a=1\nb=2\na=3\n", []zkprops.Entry{{"a", "3"}, {"b", "2"}}},
		"no value":       {"a\nb=\n", []zkprops.Entry{{"a", ""}, {"b", ""}}},
		"eof backslash":  {"a=1\\", []zkprops.Entry{{"a", "1"}}},
		"comment cont":   {"# c \\\na=1\n", []zkprops.Entry{{"a", "1"}}},
		"blank cont":     {"a=1\\\n\nb=2\n", []zkprops.Entry{{"a", "1"}, {"b", "2"}}},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := zkprops.Load([]byte(tc.in))
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	_, err := zkprops.Load([]byte(`a=\u00G1`))
	assert.Error(t, err, "a malformed \\uxxxx is an error, as in Java")
}

func TestJVMFlags(t *testing.T) {
	flags := zkprops.JVMFlags(map[string]string{"jute.maxbuffer": "4194304", "forceSync": "no", "digest.enabled": "false"})
	assert.Equal(t, []string{"-Dzookeeper.digest.enabled=false", "-Djute.maxbuffer=4194304"}, flags)
	for _, bad := range []string{"1 -Xmx9g", "1;rm", "$(id)", ""} {
		assert.Empty(t, zkprops.JVMFlags(map[string]string{"jute.maxbuffer": bad}), bad)
	}
}

func TestConfigEntries(t *testing.T) {
	got := zkprops.ConfigEntries(map[string]string{"requestThrottleLimit": "5", "forceSync": "no", "jute.maxbuffer": "1", "snapCount": "x\ndataDir=/", "dataDir": "/x"})
	assert.Equal(t, []zkprops.Entry{{"forceSync", "no"}, {"request_throttle_max_requests", "5"}}, got)
}
