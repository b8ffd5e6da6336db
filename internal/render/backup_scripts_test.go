package render

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The e2e-backup suite runs these scripts against real ZooKeeper; these
// tests pin which files a backup takes and where a restore puts them.

type zkDirs struct{ conf, data, datalog, target, scratch string }

func newZKDirs(t *testing.T) zkDirs {
	t.Helper()
	root := t.TempDir()
	d := zkDirs{filepath.Join(root, "conf"), filepath.Join(root, "data"), filepath.Join(root, "datalog"), filepath.Join(root, "backup"), filepath.Join(root, "scratch")}
	for _, p := range []string{d.conf, d.data, d.datalog, d.target, d.scratch} {
		require.NoError(t, os.MkdirAll(p, 0o755))
	}
	// The last dataDir line wins, as in ZooKeeper.
	cfg := "dataDir=/data\ndataLogDir=/datalog\nserver.1=a:2888:3888;2181\ndataDir=" + d.data + "\ndataLogDir=" + d.datalog + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(d.conf, "zoo.cfg"), []byte(cfg), 0o644))
	for k, v := range map[string]string{KeyBackup: backupScript, KeyRestore: restoreScript, KeyBackupLib: backupLib, KeyBackupSTS: backupSTS} {
		require.NoError(t, os.WriteFile(filepath.Join(d.conf, k), []byte(v), 0o644))
	}
	return d
}

func (d zkDirs) run(t *testing.T, script, pod string, env ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("bash", filepath.Join(d.conf, script), "once")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "ZOOCFGDIR=" + d.conf, "HOSTNAME=" + pod,
		"BACKUP_DIR=" + d.target, "BACKUP_SCRATCH=" + d.scratch, "TMPDIR=" + d.scratch, "BACKUP_RETAIN=2"}, env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func write(t *testing.T, path string, content []byte) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, content, 0o644))
}

// snapshot content: a complete one ends in the int 1 and '/'.
func snapshot(complete bool) []byte {
	b := []byte("ZKSN fake snapshot body")
	if complete {
		return append(b, 0, 0, 0, 1, '/')
	}
	return append(b, 0, 0, 0, 0, 0)
}

func tarList(t *testing.T, archive string) []string {
	t.Helper()
	out, err := exec.Command("tar", "-tzf", archive).CombinedOutput()
	require.NoError(t, err, string(out))
	var files []string
	for _, l := range strings.Fields(string(out)) {
		if !strings.HasSuffix(l, "/") {
			files = append(files, l)
		}
	}
	sort.Strings(files)
	return files
}

func dirList(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

func TestBackupTakesNewestCompleteSnapshotAndItsLogs(t *testing.T) {
	d := newZKDirs(t)
	snaps, logs := filepath.Join(d.data, "version-2"), filepath.Join(d.datalog, "version-2")
	write(t, filepath.Join(snaps, "snapshot.0"), snapshot(true))
	write(t, filepath.Join(snaps, "snapshot.50"), snapshot(true))
	write(t, filepath.Join(snaps, "snapshot.80"), snapshot(false)) // being written
	write(t, filepath.Join(snaps, "myid"), []byte("1\n"))
	for _, l := range []string{"log.1", "log.40", "log.60", "log.90"} {
		write(t, filepath.Join(logs, l), []byte("txns of "+l))
	}
	out, err := d.run(t, KeyBackup, "zk-0")
	require.NoError(t, err, out)
	assert.Contains(t, out, "skipping incomplete snapshot snapshot.80")
	archives := dirList(t, filepath.Join(d.target, "zk-0"))
	require.Len(t, archives, 1, out)
	assert.Regexp(t, `^[0-9]{8}T[0-9]{6}Z-0000000000000050\.tar\.gz$`, archives[0])
	assert.Equal(t, []string{"MANIFEST", "version-2/log.40", "version-2/log.60", "version-2/log.90", "version-2/snapshot.50"},
		tarList(t, filepath.Join(d.target, "zk-0", archives[0])),
		"log.40 holds the txns right after snapshot 0x50; log.1 is older than it")
	assert.Empty(t, dirList(t, d.scratch), "nothing left in scratch")

	// Restore into empty volumes of another member: snapshots to dataDir,
	// logs to dataLogDir; "latest" is the highest zxid of any member.
	write(t, filepath.Join(d.target, "zk-2", "20990101T000000Z-0000000000000010.tar.gz"), []byte("older, never read"))
	r := newZKDirs(t)
	r.target = d.target
	out, err = r.run(t, KeyRestore, "zk-1", "RESTORE_FROM=latest")
	require.NoError(t, err, out)
	assert.Contains(t, out, "restored 4 file(s) from zk-0/"+archives[0])
	assert.Equal(t, []string{"snapshot.50"}, dirList(t, filepath.Join(r.data, "version-2")))
	assert.Equal(t, []string{"log.40", "log.60", "log.90"}, dirList(t, filepath.Join(r.datalog, "version-2")))
	assert.NoFileExists(t, filepath.Join(r.data, "myid"), "myid is start.sh's job")

	out, err = r.run(t, KeyRestore, "zk-1", "RESTORE_FROM=latest")
	require.NoError(t, err, out)
	assert.Contains(t, out, "nothing to restore", "a volume with data is never touched")
}

func TestRestoreRefusesATamperedArchive(t *testing.T) {
	d := newZKDirs(t)
	write(t, filepath.Join(d.data, "version-2", "snapshot.5"), snapshot(true))
	write(t, filepath.Join(d.datalog, "version-2", "log.6"), []byte("txns"))
	out, err := d.run(t, KeyBackup, "zk-0")
	require.NoError(t, err, out)
	name := dirList(t, filepath.Join(d.target, "zk-0"))[0]
	archive := filepath.Join(d.target, "zk-0", name)
	x := t.TempDir()
	require.NoError(t, exec.Command("tar", "-C", x, "-xzf", archive).Run())
	write(t, filepath.Join(x, "version-2", "log.6"), []byte("txnz"))
	require.NoError(t, exec.Command("tar", "-C", x, "-czf", archive, "MANIFEST", "version-2").Run())

	r := newZKDirs(t)
	r.target = d.target
	out, err = r.run(t, KeyRestore, "zk-0", "RESTORE_FROM=zk-0/"+name)
	require.Error(t, err)
	assert.Contains(t, out, "does not match its MANIFEST")
	assert.NoDirExists(t, filepath.Join(r.data, "version-2"), "nothing placed from a bad archive")
}

func TestBackupWithoutSnapshotFails(t *testing.T) {
	d := newZKDirs(t)
	write(t, filepath.Join(d.data, "version-2", "snapshot.9"), snapshot(false))
	out, err := d.run(t, KeyBackup, "zk-0")
	require.Error(t, err)
	assert.Contains(t, out, "no complete snapshot")
	assert.NoDirExists(t, filepath.Join(d.target, "zk-0"))
}

// TestS3SignatureMatchesAWSExample signs the "GET Object" example of
// Amazon S3's Signature Version 4 documentation (header-based
// authentication) and must get its published signature.
func TestS3SignatureMatchesAWSExample(t *testing.T) {
	d := newZKDirs(t)
	script := `. "$LIB"; secret_key=$AWS_SECRET_ACCESS_KEY; s3_signature GET /test.txt "" "$(printf 'host:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\nx-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-amz-date:20130524T000000Z')" "host;range;x-amz-content-sha256;x-amz-date" e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 20130524T000000Z`
	cmd := exec.Command("bash", "-c", script)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "LIB=" + filepath.Join(d.conf, KeyBackupLib),
		"S3_REGION=us-east-1", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Equal(t, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41", strings.TrimSpace(string(out)))
}

// TestTargetListStripsPrefixLiterally: S3 keys under a prefix with regex
// characters (every character spec.backup.s3.prefix accepts) are listed
// as <pod>/<archive>, so restore "latest" finds them.
func TestTargetListStripsPrefixLiterally(t *testing.T) {
	d := newZKDirs(t)
	prefix := "a*b.(c)!'_-/x"
	script := `set -eu; . "$ZOOCFGDIR/` + KeyBackupLib + `"
s3_list() { printf '%s\n' "$S3_PREFIX/zk-0/20260101T000000Z-0000000100000002.tar.gz" "$S3_PREFIX/zk-1/note.txt"; }
target_list`
	cmd := exec.Command("bash", "-c", script)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "ZOOCFGDIR=" + d.conf, "S3_PREFIX=" + prefix}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Equal(t, "zk-0/20260101T000000Z-0000000100000002.tar.gz\n", string(out))
}
