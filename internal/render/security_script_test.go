package render

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// kubeletVersion writes a Secret version the way the kubelet's atomic
// writer does: files in a fresh ..<version> directory, then ..data
// swapped to it by rename, each key a symlink through ..data.
func kubeletVersion(t *testing.T, dir, version string, files map[string]string) {
	t.Helper()
	if files != nil {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, version), 0o755))
		for k, v := range files {
			require.NoError(t, os.WriteFile(filepath.Join(dir, version, k), []byte(v), 0o440))
		}
	}
	require.NoError(t, os.Symlink(version, filepath.Join(dir, "..data_tmp")))
	require.NoError(t, os.Rename(filepath.Join(dir, "..data_tmp"), filepath.Join(dir, "..data")))
	for _, k := range []string{"tls.crt", "tls.key", "ca.crt"} {
		_ = os.Symlink(filepath.Join("..data", k), filepath.Join(dir, k))
	}
}

func tlsFiles(v string) map[string]string {
	return map[string]string{"tls.key": "key " + v + "\n", "tls.crt": "cert " + v + "\n", "ca.crt": "ca " + v + "\n"}
}

// TestSecureStartRejoinsRotatedSecret: the start wrapper joins the stores,
// then re-joins them when the Secret's ..data swaps, and its watcher
// survives a version that vanishes under it (the kubelet removing it).
func TestSecureStartRejoinsRotatedSecret(t *testing.T) {
	dir := t.TempDir()
	tls, secure, conf := filepath.Join(dir, "tls"), filepath.Join(dir, "secure"), filepath.Join(dir, "conf")
	for _, d := range []string{tls, secure, conf} {
		require.NoError(t, os.MkdirAll(d, 0o755))
	}
	require.NoError(t, os.WriteFile(filepath.Join(conf, "start.sh"), []byte("sleep 20\n"), 0o644))
	kubeletVersion(t, tls, "..v1", tlsFiles("v1"))
	logFile := filepath.Join(dir, "out.log")
	logW, err := os.Create(logFile)
	require.NoError(t, err)
	defer logW.Close()
	out := func() string { b, _ := os.ReadFile(logFile); return string(b) }
	cmd := exec.Command("bash", "-c", secureStartScript)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "ZKFN_SECURE_DIR=" + secure, "ZKFN_TLS_DIR=" + tls, "ZOOCFGDIR=" + conf,
		"ZKFN_DIGEST_DIR=" + filepath.Join(dir, "none"), "ZKFN_QUORUM_DIR=" + filepath.Join(dir, "none"), "ZKFN_TLS_POLL_SECONDS=1", "ZKFN_TLS_SETTLE_SECONDS=2"}
	cmd.Stdout, cmd.Stderr = logW, logW
	// Its own process group: the watcher outlives the exec of start.sh,
	// as it does in the container, and must go with the test.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); _ = cmd.Wait() })
	read := func(name string) string { b, _ := os.ReadFile(filepath.Join(secure, name)); return string(b) }
	keystore := func() string { return read("keystore.pem") }
	// waitFile polls name until it holds want and returns when it saw it.
	waitFile := func(name, want string) (time.Time, bool) {
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if read(name) == want {
				return time.Now(), true
			}
		}
		return time.Time{}, false
	}
	waitFor := func(want string) bool { _, ok := waitFile("keystore.pem", want); return ok }
	require.True(t, waitFor("key v1\ncert v1\n"), "joined at start: %q\n%s", keystore(), out())

	kubeletVersion(t, tls, "..v2", nil) // ..data points at nothing for a while
	require.NoError(t, os.RemoveAll(filepath.Join(tls, "..v1")))
	time.Sleep(2500 * time.Millisecond)
	assert.Equal(t, "key v1\ncert v1\n", keystore(), "a half-gone version is never joined")

	// A new CA and key: the trust store moves first, the key store the
	// settle time later, so that ZooKeeper's key-store rebuild ends last.
	kubeletVersion(t, tls, "..v3", tlsFiles("v3"))
	trustAt, ok := waitFile("truststore.pem", "ca v3\n")
	require.True(t, ok, "trust store re-joined: %q\n%s", read("truststore.pem"), out())
	keyAt, ok := waitFile("keystore.pem", "key v3\ncert v3\n")
	require.True(t, ok, "re-joined after the swap: %q\n%s", keystore(), out())
	assert.GreaterOrEqual(t, keyAt.Sub(trustAt), 1500*time.Millisecond, "the key store moved too soon after the trust store")
	assert.True(t, strings.Contains(out(), "the TLS Secret changed"), out())

	// A renewal under the same CA leaves the trust store's file alone: one
	// store changes, one rebuild, nothing to race.
	before, err := os.Stat(filepath.Join(secure, "truststore.pem"))
	require.NoError(t, err)
	renewal := tlsFiles("v4")
	renewal["ca.crt"] = "ca v3\n"
	kubeletVersion(t, tls, "..v4", renewal)
	require.True(t, waitFor("key v4\ncert v4\n"), "re-joined after the renewal: %q\n%s", keystore(), out())
	after, err := os.Stat(filepath.Join(secure, "truststore.pem"))
	require.NoError(t, err)
	assert.True(t, os.SameFile(before, after), "the unchanged trust store was replaced")
	entries, err := os.ReadDir(secure)
	require.NoError(t, err)
	assert.Len(t, entries, 2, "only the two stores are left in %s", secure)
}
