//go:build e2e

package tls

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// jaasRun runs the rendered start wrapper on a digest Secret and a quorum
// SASL Secret (files, as the kubelet mounts them) with start.sh stubbed,
// and returns the JAAS file it wrote ("" when it refused) and its output.
func jaasRun(t *testing.T, users, quorum map[string]string) (jaasFile, out string) {
	t.Helper()
	dir := t.TempDir()
	sub := func(name string, files map[string]string) string {
		d := filepath.Join(dir, name)
		must(t, os.MkdirAll(d, 0o755))
		for k, v := range files {
			must(t, os.WriteFile(filepath.Join(d, k), []byte(v), 0o600))
		}
		return d
	}
	env := append(os.Environ(),
		"ZKFN_SECURE_DIR="+sub("secure", nil), "ZKFN_TLS_DIR="+filepath.Join(dir, "no-tls"),
		"ZKFN_DIGEST_DIR="+sub("digest", users),
		"ZKFN_QUORUM_DIR="+sub("quorum", quorum),
		"ZOOCFGDIR="+sub("conf", map[string]string{"start.sh": "exit 0\n"}))
	script := filepath.Join(harness.Root(t), "internal", "render", "scripts", "secure-start.sh")
	out, _, err := zkrun.Run(time.Minute, env, nil, "bash", script)
	jaasFile = filepath.Join(dir, "secure", "jaas.conf")
	if err != nil {
		if _, statErr := os.Stat(jaasFile); statErr == nil {
			t.Fatalf("the wrapper failed but left a JAAS file: %v\n%s", err, out)
		}
		return "", out
	}
	return jaasFile, out
}

// jaasOptions parses file with the JDK's JAAS parser (java's single-file
// source launcher runs testdata/jaas/JaasDump.java) and returns
// "section option" -> value.
func jaasOptions(t *testing.T, file string) map[string]string {
	t.Helper()
	src := filepath.Join(harness.Root(t), "e2e", "tls", "testdata", "jaas", "JaasDump.java")
	out, _, err := zkrun.Run(2*time.Minute, nil, nil, "java", src, file, "Server", "QuorumServer", "QuorumLearner")
	if err != nil {
		t.Fatalf("java JaasDump (needs a JDK 17; a parse error means the wrapper wrote a broken JAAS file): %v\n%s", err, out)
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			t.Fatalf("JaasDump: %q (a section is missing?)\n%s", line, out)
		}
		v, err := hex.DecodeString(f[2])
		must(t, err)
		got[f[0]+" "+f[1]] = string(v)
	}
	return got
}

// TestJAASPasswordsReachJavaIntact feeds the wrapper hostile passwords
// and checks, with the JDK's own parser, that each option Java reads is
// byte for byte the Secret's value (one trailing newline dropped), or
// that the wrapper refuses it with a reason and writes no JAAS file.
func TestJAASPasswordsReachJavaIntact(t *testing.T) {
	hostile := map[string]string{
		"quote":     `s3cr"et\pw`,
		"backslash": `\\server\share\"\`,
		"newline":   "line1\nline2",
		"crlf":      "a\r\nb\r",
		"shell":     "$HOME $(id) `id` ' ; }; {",
		"octal":     `\101\n\t`,
		"comments":  "// not a comment /* nor this */ # nor this",
		"utf8":      "pässwörd ✓ 🔑",
		"spaces":    "  leading and trailing  ",
		"trailing":  "echoed\n",
	}
	// accept.<user> keys: users a member accepts during a password rotation.
	file, out := jaasRun(t, hostile, map[string]string{"username": "zk_quorum", "password": "qu\"o\\rum\npw$",
		"accept.zk_old": "old\\pw\"", "accept.zk_next": "next pw\n"})
	if file == "" {
		t.Fatalf("the wrapper refused passwords it can carry:\n%s", out)
	}
	got := jaasOptions(t, file)
	for user, pw := range hostile {
		want := strings.TrimSuffix(pw, "\n")
		if g := got["Server user_"+user]; g != want {
			t.Errorf("digest user %s: Java reads %q, the Secret holds %q", user, g, want)
		}
	}
	for k, want := range map[string]string{"QuorumServer user_zk_quorum": "qu\"o\\rum\npw$",
		"QuorumServer user_zk_old": "old\\pw\"", "QuorumServer user_zk_next": "next pw",
		"QuorumLearner username": "zk_quorum", "QuorumLearner password": "qu\"o\\rum\npw$"} {
		if got[k] != want {
			t.Errorf("%s: Java reads %q, want %q", k, got[k], want)
		}
	}

	if file, out := jaasRun(t, map[string]string{}, quorum("zk", "pw")); file != "" || !strings.Contains(out, "has no keys") {
		t.Fatalf("an empty digest Secret: want a refusal saying it has no keys, got file %q:\n%s", file, out)
	}
	refused := map[string]struct {
		user   string
		quorum map[string]string
		why    string
	}{
		"property expansion": {"alice", quorum("zk", "pre${java.home}post"), "expands"},
		"NUL byte":           {"alice", quorum("zk", "a\x00b"), "NUL"},
		"empty password":     {"alice", quorum("zk", "\n"), "is empty"},
		"bad quorum user":    {"alice", quorum("zk-quorum", "pw"), "letters, digits"},
		"bad digest user":    {"bob.smith", quorum("zk", "pw"), "letters, digits"},
		"accept bad user":    {"alice", quorum("zk", "pw", "accept.zk-old", "pw0"), "accept.zk-old"},
		"accept no user":     {"alice", quorum("zk", "pw", "accept.", "pw0"), "letters, digits"},
		"accept own user":    {"alice", quorum("zk", "pw", "accept.zk", "pw0"), "rotate to a new username"},
		"accept expansion":   {"alice", quorum("zk", "pw", "accept.zk_old", "${x}"), "accept.zk_old contains ${"},
	}
	for name, c := range refused {
		t.Run(name, func(t *testing.T) {
			file, out := jaasRun(t, map[string]string{c.user: "pw"}, c.quorum)
			if file != "" || !strings.Contains(out, c.why) {
				t.Fatalf("want a refusal saying %q, got file %q:\n%s", c.why, file, out)
			}
		})
	}
}

// quorum is a quorum SASL Secret's data: username, password, then more
// key-value pairs.
func quorum(user, password string, more ...string) map[string]string {
	m := map[string]string{"username": user, "password": password}
	for i := 0; i+1 < len(more); i += 2 {
		m[more[i]] = more[i+1]
	}
	return m
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
