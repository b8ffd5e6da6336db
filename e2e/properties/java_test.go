//go:build e2e

package properties

import (
	"encoding/hex"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
	"github.com/zookeeper-fn/zookeeper-fn/internal/zkprops"
)

// TestWriterMatchesJava: what zkprops.Write renders, the JDK's own
// Properties.load reads back exactly, for keys and values built to break
// a naive writer (newlines, '=', ':', spaces, '\', a trailing '\',
// "\u0041", '#', '!', non-ASCII) and for the zoo.cfg of the suite's spec;
// and zkprops.Load, the port the unit tests use, agrees with the JDK.
func TestWriterMatchesJava(t *testing.T) {
	if _, err := exec.LookPath("java"); err != nil {
		t.Fatalf("java not found: run hack/zookeeper/install.sh")
	}
	var entries []zkprops.Entry
	for _, kv := range [][2]string{
		{"new\nline", "dataDir=/evil\nserver.9=x:1:2"}, {"eq=uals", "a=b"}, {"co:lon", "c:d"},
		{"sp ace", "  leading and trailing  "}, {"back\\slash", `C:\dir\`}, {"trailing", `ends in \`},
		{"escape", `\u0041 is not A`}, {"#comment", "#not a comment"}, {"!bang", "!x"},
		{"tab\tkey", "\tv\f"}, {"cr\rkey", "v\r\n"}, {"unicode ü", "snow ☃ and 😀"}, {"ctl\x01", "\x00\x7f"},
	} {
		entries = append(entries, zkprops.Entry{Key: kv[0], Value: kv[1]})
	}
	rng := rand.New(rand.NewSource(12))
	alphabet := []rune("ab=: \t\n\r\f\\#!u0041é😀")
	for i := 0; i < 300; i++ {
		entries = append(entries, zkprops.Entry{Key: randomString(rng, alphabet, i), Value: randomString(rng, alphabet, i+1)})
	}
	want := map[string]string{}
	for _, e := range entries {
		want[e.Key] = e.Value
	}
	assertJavaReads(t, zkprops.Write(entries), want)

	cfg := zooCfg(t, render(t, everyProperty()))
	loaded, err := zkprops.Load([]byte(cfg))
	if err != nil {
		t.Fatal(err)
	}
	want = map[string]string{}
	for _, e := range loaded {
		want[e.Key] = e.Value
	}
	assertJavaReads(t, cfg, want)
}

func randomString(rng *rand.Rand, alphabet []rune, salt int) string {
	var b strings.Builder
	b.WriteRune(rune('A' + salt%26)) // distinct keys
	for n := rng.Intn(12); n > 0; n-- {
		b.WriteRune(alphabet[rng.Intn(len(alphabet))])
	}
	return b.String()
}

// assertJavaReads loads file with the JDK and compares with want.
func assertJavaReads(t *testing.T, file string, want map[string]string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "zoo.cfg")
	if err := os.WriteFile(path, []byte(file), 0o644); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(harness.Root(t), "e2e", "properties", "testdata", "Load.java")
	out, err := exec.Command("java", "-Xshare:auto", "-XX:TieredStopAtLevel=1", src, path).CombinedOutput()
	if err != nil {
		t.Fatalf("java Load.java: %v\n%s", err, out)
	}
	got := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		k, v, _ := strings.Cut(l, " ")
		got[fromHex(t, k)] = fromHex(t, v)
	}
	if len(got) != len(want) {
		t.Errorf("Java read %d entries, want %d", len(got), len(want))
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("key %q: Java read %q (present %v), want %q", k, g, ok, v)
		}
	}
}

func fromHex(t *testing.T, s string) string {
	t.Helper()
	b, err := hex.DecodeString(strings.TrimPrefix(s, "x"))
	if err != nil {
		t.Fatalf("Load.java printed %q: %v", s, err)
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return string(utf16.Decode(u))
}

// zooCfg is the zoo.cfg of the rendered ConfigMap.
func zooCfg(t *testing.T, rendered []byte) string {
	t.Helper()
	for _, doc := range harness.SplitDocs(rendered) {
		if _, after, ok := strings.Cut(doc, "zoo.cfg: |"); ok {
			var lines []string
			for _, l := range strings.Split(after, "\n")[1:] {
				if !strings.HasPrefix(l, "    ") {
					break
				}
				lines = append(lines, strings.TrimPrefix(l, "    "))
			}
			return strings.Join(lines, "\n") + "\n"
		}
	}
	t.Fatalf("the rendered output has no zoo.cfg")
	return ""
}
