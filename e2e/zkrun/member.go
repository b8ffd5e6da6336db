//go:build e2e

package zkrun

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// Member is one pod of the StatefulSet: its own network namespace and
// address; each container run in its own mount and UTS namespace with
// the pod's hostname, volumes, user and environment.
type Member struct {
	Ord  int
	Pod  string // <sts>-<ordinal>
	FQDN string // its DNS name in the cluster
	IP   string

	e       *Ensemble
	netns   string
	release func()
	volumes map[string]string // volume name -> directory on this machine
	procs   map[string]*Proc  // container -> its latest run
	starts  int
}

// VolumeDir is the directory behind the pod's volume name: one per claim
// template and member (it outlives the member's processes, as a
// PersistentVolume outlives its pod), one per member for an emptyDir, one
// per claim in Options.Claims for a persistentVolumeClaim, the files of a
// ConfigMap or of a Secret (from Options.Secrets). It is created with the ownership the pod's fsGroup gives it.
func (m *Member) VolumeDir(t testing.TB, name string) string {
	t.Helper()
	if d, ok := m.volumes[name]; ok {
		return d
	}
	e := m.e
	if d, ok := e.cmDirs[name]; ok {
		return d
	}
	v, ok := e.R.volume(name)
	var dir string
	switch {
	case !ok:
		t.Fatalf("%s mounts volume %s, which the pod does not define", m.Pod, name)
	case e.R.isClaimTemplate(name):
		dir = filepath.Join(e.Dir, "pv", name+"-"+m.Pod)
	case v.PersistentVolumeClaim != nil:
		dir = filepath.Join(e.opts.Claims, v.PersistentVolumeClaim.ClaimName)
	case v.EmptyDir != nil:
		dir = filepath.Join(e.Dir, "emptydir", m.Pod, name)
	case v.Secret != nil:
		return e.writeSecret(t, v)
	case v.Projected != nil:
		return m.writeProjected(t, v)
	default:
		t.Fatalf("volume %s: zkrun knows configMap, secret, projected token, emptyDir, persistentVolumeClaim volumes and claim templates", name)
	}
	must0(t, os.MkdirAll(dir, 0o755))
	// The kubelet's fsGroup ownership: group-owned, group-writable, setgid.
	if fs := e.fsGroup(); fs >= 0 {
		must0(t, os.Chown(dir, 0, fs))
		must0(t, os.Chmod(dir, 0o2775))
	}
	m.volumes[name] = dir
	return dir
}

// SetVolume puts dir behind the pod's volume name from the next start on
// (a claim bound to another volume); "" restores the member's own.
func (m *Member) SetVolume(name, dir string) {
	if dir == "" {
		delete(m.volumes, name)
		return
	}
	m.volumes[name] = dir
}

// HostPath maps a path inside container (zoo.cfg's dataDir, say) to the
// file on this machine, through the container's volume mounts.
func (m *Member) HostPath(t testing.TB, container, p string) string {
	t.Helper()
	p = filepath.Clean(p)
	for _, vm := range m.e.R.Container(t, container).VolumeMounts {
		mp := filepath.Clean(vm.MountPath)
		if p == mp || strings.HasPrefix(p, mp+"/") {
			return filepath.Join(m.VolumeDir(t, vm.Name), strings.TrimPrefix(p, mp))
		}
	}
	t.Fatalf("%s is not on any volume of container %s: data written there is lost with the pod", p, container)
	return ""
}

// containerArgs is the ip(8) command line that runs container c as the
// kubelet would: hack/zookeeper/container.sh in the member's network
// namespace and a mount and UTS namespace of its own.
func (m *Member) containerArgs(t testing.TB, c corev1.Container) []string {
	t.Helper()
	if len(c.Command) == 0 {
		t.Fatalf("container %s has no command; zkrun runs the rendered command, not the image's entrypoint", c.Name)
	}
	e := m.e
	u := e.user(c)
	ct := Container{Netns: m.netns, Pod: m.Pod, ReadOnlyRoot: u.roRoot, User: u.setpriv()}
	for _, vm := range c.VolumeMounts {
		if vm.SubPath != "" {
			t.Fatalf("volumeMount %s of %s uses subPath, which zkrun does not handle", vm.Name, c.Name)
		}
		if mp := filepath.Clean(vm.MountPath); mp != topLevel(mp) {
			// A nested mount point, below a directory sandbox.sh made
			// empty (mountDirs): create it, as the image would have it.
			must0(t, os.MkdirAll(mp, 0o755))
		}
		mode := "rw"
		if vm.ReadOnly || e.readOnlyVolume(vm.Name) {
			mode = "ro"
		}
		ct.Mounts = append(ct.Mounts, m.VolumeDir(t, vm.Name)+":"+filepath.Clean(vm.MountPath)+":"+mode)
	}
	return e.sb.ContainerArgs(ct, append(append([]string{}, c.Command...), c.Args...)...)
}

// Start runs container name in the background; its output goes to
// LogPath(name), which collects every run.
func (m *Member) Start(t testing.TB, name string) *Proc {
	t.Helper()
	c := m.e.R.Container(t, name)
	args := m.containerArgs(t, c)
	cmd := exec.Command("ip", args...)
	cmd.Env = m.Env(t, name)
	cmd.Dir = "/"
	if c.WorkingDir != "" {
		cmd.Dir = c.WorkingDir
	}
	m.starts++
	head := fmt.Sprintf("\n===== start %d of %s/%s: %s =====\n", m.starts, m.Pod, name, strings.Join(append(append([]string{}, c.Command...), c.Args...), " "))
	hp, err := harness.StartProc(cmd, m.LogPath(name), head)
	if err != nil {
		t.Fatalf("start %s/%s: %v", m.Pod, name, err)
	}
	p := &Proc{Proc: hp, Name: name}
	m.procs[name] = p
	return p
}

// RunToEnd runs container name (an init container, or one run of a
// sidecar) in the foreground with a bound and returns its output.
func (m *Member) RunToEnd(t testing.TB, name string, bound time.Duration) (string, error) {
	t.Helper()
	c := m.e.R.Container(t, name)
	out, _, err := Run(bound, m.Env(t, name), nil, "ip", m.containerArgs(t, c)...)
	return out, err
}

// LogPath is where container name's output goes.
func (m *Member) LogPath(name string) string {
	return filepath.Join(m.e.Dir, m.Pod+"-"+name+".log")
}

// Proc is the latest run of container name, or nil.
func (m *Member) Proc(name string) *Proc { return m.procs[name] }

// Running reports whether the member's server runs.
func (m *Member) Running() bool {
	p := m.procs[ServerContainer]
	return p != nil && p.Running()
}

// Kill SIGKILLs the server (a node or container crash) and waits for it.
func (m *Member) Kill(t testing.TB) {
	t.Helper()
	if p := m.procs[ServerContainer]; p != nil && !p.Kill() {
		t.Fatalf("%s did not exit within 15s of SIGKILL", m.Pod)
	}
}

// Stop is a pod deletion: SIGTERM to the server, SIGKILL after the pod's
// grace period.
func (m *Member) Stop(t testing.TB) {
	t.Helper()
	grace := 30 * time.Second
	if g := m.e.R.StatefulSet.Spec.Template.Spec.TerminationGracePeriodSeconds; g != nil && *g < 30 {
		grace = time.Duration(*g) * time.Second
	}
	if p := m.procs[ServerContainer]; p != nil && !p.Stop(grace) {
		t.Fatalf("%s still runs after SIGTERM and SIGKILL", m.Pod)
	}
}

// readOnlyVolume reports whether the kubelet mounts volume name read-only
// whatever the volumeMount says: ConfigMaps, Secrets, projected volumes.
func (e *Ensemble) readOnlyVolume(name string) bool {
	v, ok := e.R.volume(name)
	return ok && (v.ConfigMap != nil || v.Secret != nil || v.Projected != nil)
}

// writeSecret writes a Secret volume's keys from Options.Secrets and
// returns its directory.
func (e *Ensemble) writeSecret(t testing.TB, v corev1.Volume) string {
	t.Helper()
	data, ok := e.opts.Secrets[v.Secret.SecretName]
	if !ok {
		t.Fatalf("volume %s: Options.Secrets has no Secret %s", v.Name, v.Secret.SecretName)
	}
	dir := filepath.Join(e.Dir, "secret", v.Secret.SecretName)
	writeVolumeFiles(t, dir, data, v.Secret.DefaultMode)
	// A key gone from the Secret is gone from the volume. Entries named
	// "..*" are the kubelet's own layout (a test may lay one out).
	entries, err := os.ReadDir(dir)
	must0(t, err)
	for _, en := range entries {
		if _, ok := data[en.Name()]; !ok && !strings.HasPrefix(en.Name(), "..") {
			must0(t, os.RemoveAll(filepath.Join(dir, en.Name())))
		}
	}
	// The kubelet's fsGroup ownership of a read-only volume: group
	// fsGroup, group-readable (volume.SetVolumeOwnership).
	if fs := e.fsGroup(); fs >= 0 {
		for k := range data {
			f := filepath.Join(dir, k)
			must0(t, os.Chown(f, 0, fs))
			st, err := os.Stat(f)
			must0(t, err)
			must0(t, os.Chmod(f, st.Mode().Perm()|0o440))
		}
	}
	return dir
}
