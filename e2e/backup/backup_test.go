//go:build e2e

// Package backup proves the rendered backup and restore on real
// ZooKeeper: a 3-member ensemble gets a known tree of znodes spread over
// several snapshots and transaction logs; each member's backup sidecar
// runs exactly as rendered (its command, environment, user and mounts);
// the ensemble and its volumes are destroyed; a fresh ensemble rendered
// with spec.backup.restore runs its restore init containers exactly as
// rendered, starts, and must hold the same tree, down to every znode's
// Stat (zxids, versions, times), ACL and data.
package backup

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

type sandboxInput struct {
	Backup, Restore  string // rendered outputs
	BackupClaim      string // the volume target's claim, or "" for S3
	S3               *s3Input
	Retain           int
	TreeNodes        int
	SnapshotsAtLeast int
}

// s3Input is the S3 target: the real S3 server (SeaweedFS, Weed) on the
// sandbox bridge at the address the testdata specs name, the static key
// the pods read from their Secret, or, keyless, the role they assume
// with their ServiceAccount tokens at the server's STS; Pad unrelated
// objects under the prefix that list before the archives.
type s3Input struct {
	Weed, Addr, Bucket, Prefix, Region, Secret, AccessKey, SecretKey string
	Pad                                                              int
	Keyless                                                          *keylessInput
}

func TestBackupRestore(t *testing.T) {
	if zkrun.Sandboxed(t, inSandbox) {
		return
	}
	reexec(t, "backup.yaml", "restore.yaml", "zk-backups", nil)
}

func TestBackupRestoreS3(t *testing.T) {
	if zkrun.Sandboxed(t, inSandbox) {
		return
	}
	reexec(t, "backup-s3.yaml", "restore-s3.yaml", "", &s3Input{
		Weed: weedBinary(t), Addr: zkrun.TestAddr + ":9000", Bucket: "zk-backups", Prefix: "e2e/zk", Region: "eu-west-1",
		Secret: "zk-backup-s3", AccessKey: "AKIAZKFNE2ETEST", SecretKey: "zkfn/e2e+secret/not-a-real-key", Pad: 1001,
	})
}

// TestBackupRestoreS3Keyless: no static key anywhere; each pod's
// ServiceAccount token, from a real kube-apiserver, buys temporary
// credentials from the S3 server's own STS.
func TestBackupRestoreS3Keyless(t *testing.T) {
	if zkrun.InSandbox() {
		inSandbox(t)
		return
	}
	spec := filepath.Join(harness.Root(t), "e2e", "backup", "testdata", "backup-s3-keyless.yaml")
	reexec(t, "backup-s3-keyless.yaml", "restore-s3-keyless.yaml", "", &s3Input{
		Weed: weedBinary(t), Addr: zkrun.TestAddr + ":9000", Bucket: "zk-backups", Prefix: "e2e/keyless", Region: "eu-west-1",
		Keyless: newKeylessInput(t, string(harness.Render(t, spec))),
	})
}

func reexec(t *testing.T, backup, restore, claim string, s3 *s3Input) {
	root := harness.Root(t)
	render := func(file string) string {
		return string(harness.Render(t, filepath.Join(root, "e2e", "backup", "testdata", file)))
	}
	in := sandboxInput{Backup: render(backup), Restore: render(restore),
		BackupClaim: claim, S3: s3, Retain: 2, TreeNodes: 240, SnapshotsAtLeast: 2}
	b := zkrun.Parse(t, []byte(in.Backup))
	r := zkrun.Parse(t, []byte(in.Restore))
	if s3 != nil && s3.Keyless != nil {
		for _, c := range []corev1.Container{b.Container(t, "backup"), r.Container(t, "restore")} {
			for _, ev := range c.Env {
				if ev.ValueFrom != nil || strings.HasPrefix(ev.Name, "AWS_ACCESS") || strings.HasPrefix(ev.Name, "AWS_SECRET") {
					t.Fatalf("the keyless %s container still reads a static key: %s", c.Name, ev.Name)
				}
			}
		}
	}
	b.Container(t, "backup")
	r.Container(t, "restore")
	zkrun.Reexec(t, in, b, r)
}

func inSandbox(t *testing.T) {
	var in sandboxInput
	sb := zkrun.Enter(t, &in)
	work := sb.Dir
	claims := filepath.Join(work, "claims")
	var tg target = volumeTarget(filepath.Join(claims, in.BackupClaim))
	secrets := map[string]map[string]string{}
	var kl *keyless
	var tokens func(pod, audience string, exp int64) string
	if in.S3 != nil {
		var s3 *seaweed
		if in.S3.Keyless != nil {
			kl = startKeyless(t, work, in.S3, zkrun.Parse(t, []byte(in.Backup)))
			s3, tokens = kl.s3, kl.token
		} else {
			key := credential{id: in.S3.AccessKey, secret: in.S3.SecretKey}
			// The sidecar's key may do what it needs in its bucket only.
			s3 = startSeaweed(t, filepath.Join(work, "s3"), in.S3,
				[]identity{keyIdentity("zk-backup", key, "Read:"+in.S3.Bucket, "List:"+in.S3.Bucket, "Write:"+in.S3.Bucket)}, nil)
			secrets[in.S3.Secret] = map[string]string{"AWS_ACCESS_KEY_ID": in.S3.AccessKey, "AWS_SECRET_ACCESS_KEY": in.S3.SecretKey}
		}
		if in.S3.Pad > 0 {
			s3.pad(t, in.S3.Prefix, in.S3.Pad)
		}
		tg = s3Target{s3, in.S3.Prefix}
	}

	// 1. The original ensemble and a known tree, long enough to span
	// several snapshots (snapCount 40), ending after the newest snapshot
	// so that only the transaction logs hold the last writes.
	a := sb.NewEnsemble(t, zkrun.Parse(t, []byte(in.Backup)), zkrun.Options{Name: "original", Claims: claims, Secrets: secrets, Tokens: tokens})
	a.StartAll(t, formationBound)
	a.Load(t, zkrun.Tree("/backup-e2e", in.TreeNodes))
	lastZxid, want := tailAfterSnapshots(t, a, in.SnapshotsAtLeast)
	must(t, os.WriteFile(filepath.Join(work, "original.dump"), []byte(want), 0o644))
	if n := strings.Count(want, "\n"); n < in.TreeNodes {
		t.Fatalf("the dump holds %d znodes, want at least %d", n, in.TreeNodes)
	}

	// 2. Every member's backup sidecar, as rendered; member 0's three
	// times, to see retention keep the newest two.
	for _, m := range a.Members {
		runSidecar(t, m)
	}
	m0 := a.Members[0]
	for i := 0; i < in.Retain; i++ {
		time.Sleep(1100 * time.Millisecond) // archive names carry the second
		runSidecar(t, m0)
	}
	if kl != nil {
		kl.checkRefresh(t, a)
	}
	if got := podArchives(t, tg, m0.Pod); len(got) != in.Retain {
		t.Errorf("%s keeps %d archives after %d backups, want %d (retain): %v", m0.Pod, len(got), in.Retain+1, in.Retain, got)
	}
	latest := latestArchive(t, tg)
	manifest := readManifest(t, work, tg.read(t, latest))
	snapZxid := hexValue(t, manifest["snapshot_zxid"])
	logs, _ := strconv.Atoi(manifest["logs"])
	t.Logf("newest archive %s: snapshot 0x%x, %d transaction log(s); last zxid written 0x%x", latest, snapZxid, logs, lastZxid)
	// The premise of the test: the last writes are newer than the newest
	// archived snapshot, so only its transaction logs can bring them back
	// (whether they do is for the tree comparison below to say).
	if snapZxid >= lastZxid {
		t.Fatalf("the newest archive's snapshot (0x%x) already holds the last write (0x%x): the test would not prove that the logs are restored", snapZxid, lastZxid)
	}

	// 3. Destroy the ensemble and every member's volumes.
	a.Destroy()
	a.DeleteVolumes(t)

	// 4. A fresh ensemble: the restore init containers, then the servers.
	b := sb.NewEnsemble(t, zkrun.Parse(t, []byte(in.Restore)), zkrun.Options{Name: "restored", Claims: claims, Secrets: secrets, Tokens: tokens})
	for _, m := range b.Members {
		out, err := runInit(t, m, "restore", 120*time.Second)
		if err != nil {
			t.Fatalf("restore init container of %s: %v\n%s", m.Pod, err, out)
		}
		if !strings.Contains(out, "restored") || !strings.Contains(out, latest) {
			t.Fatalf("restore of %s did not restore %s:\n%s", m.Pod, latest, out)
		}
		t.Logf("%s: %s", m.Pod, lastLine(out))
	}
	// On a volume with data it must do nothing.
	if out, err := runInit(t, b.Members[0], "restore", 60*time.Second); err != nil || !strings.Contains(out, "nothing to restore") {
		t.Fatalf("a second restore on a filled volume: %v\n%s", err, out)
	}
	b.StartAll(t, formationBound)
	got := b.DumpText(t)
	must(t, os.WriteFile(filepath.Join(work, "restored.dump"), []byte(got), 0o644))
	if got != want {
		t.Fatalf("the restored tree differs from the original:\n%s", zkrun.DumpDiff(want, got))
	}
	t.Logf("restored ensemble holds the whole tree: %d znodes, identical Stat, ACL and data", strings.Count(got, "\n"))
	if in.S3 != nil {
		var allowed []string
		if kl != nil {
			allowed = kl.refusals
		}
		noRefusals(t, allowed, a, b)
	}
	if kl != nil {
		kl.checkRestored(t, b)
	}
}

// formationBound bounds an ensemble's start, JVM start-up included, on
// a busy 2-core machine.
const formationBound = 240 * time.Second

func lastLine(s string) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	return l[len(l)-1]
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
