//go:build e2e

package migrate

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// The kubelet's volume ownership step, as k8s.io/kubernetes v1.37
// pkg/volume/volume_linux.go does it for a pod with fsGroup on a
// read-write volume: with OnRootMismatch it does nothing when the
// volume root already has the group, rwx for the group and setgid;
// otherwise (and always with Always) it walks the volume, gives every
// entry the group (owners stay), adds group read/write, and for
// directories also group execute and setgid. The migration depends on
// exactly this, so the test does it the same way instead of a chown.
const (
	rwMask   = os.FileMode(0o660)
	execMask = os.FileMode(0o110)
)

// applyFSGroup reports whether it walked the volume.
func applyFSGroup(t *testing.T, root string, fsGroup int64, policy *corev1.PodFSGroupChangePolicy) bool {
	t.Helper()
	if policy != nil && *policy == corev1.FSGroupChangeOnRootMismatch && !requiresChange(t, root, fsGroup) {
		return false
	}
	must(t, walkDeep(root, func(path string, info os.FileInfo) error {
		if err := os.Lchown(path, -1, int(fsGroup)); err != nil {
			return err
		}
		if info.Mode()&os.ModeSymlink != 0 {
			return nil
		}
		mask := rwMask
		if info.IsDir() {
			mask |= os.ModeSetgid | execMask
		}
		return os.Chmod(path, info.Mode()|mask)
	}))
	return true
}

func requiresChange(t *testing.T, root string, fsGroup int64) bool {
	t.Helper()
	fi, err := os.Stat(root)
	must(t, err)
	st := fi.Sys().(*syscall.Stat_t)
	if int64(st.Gid) != fsGroup || !fi.IsDir() {
		return true
	}
	want := rwMask | execMask
	return fi.Mode().Perm()&want != want || fi.Mode()&os.ModeSetgid == 0
}

// walkDeep visits children before their directory, like the kubelet's.
func walkDeep(path string, fn func(string, os.FileInfo) error) error {
	info, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if info.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if err := walkDeep(filepath.Join(path, e.Name()), fn); err != nil {
				return err
			}
		}
	}
	return fn(path, info)
}

// freshVolume is a newly provisioned volume's root: root:root 0755, as
// mkfs leaves it.
func freshVolume(t *testing.T, dir string) {
	t.Helper()
	must(t, os.MkdirAll(dir, 0o755))
	must(t, os.Chown(dir, 0, 0))
	must(t, os.Chmod(dir, 0o755))
}

// emptyDirs gives member m fresh emptyDir volumes made as the kubelet
// makes them (mode 0777), so any pod user can write them.
func emptyDirs(t *testing.T, e *zkrun.Ensemble, m *zkrun.Member, names ...string) {
	t.Helper()
	for _, n := range names {
		d := filepath.Join(e.Dir, "emptydir", m.Pod, n)
		must(t, os.RemoveAll(d))
		must(t, os.MkdirAll(d, 0o777))
		must(t, os.Chmod(d, 0o777))
		m.SetVolume(n, d)
	}
}
