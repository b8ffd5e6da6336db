//go:build e2e

package zkrun

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// Rendered is the function's output for one ensemble.
type Rendered struct {
	StatefulSet appsv1.StatefulSet
	ConfigMaps  map[string]corev1.ConfigMap
	Docs        []map[string]any
}

// Parse reads the function's output (a YAML stream) and finds its one
// StatefulSet and its ConfigMaps.
func Parse(t testing.TB, out []byte) *Rendered {
	t.Helper()
	r := &Rendered{ConfigMaps: map[string]corev1.ConfigMap{}}
	found := false
	for _, doc := range harness.SplitDocs(out) {
		js, err := yaml.YAMLToJSON([]byte(doc))
		must0(t, err)
		var m map[string]any
		must0(t, json.Unmarshal(js, &m))
		if m == nil {
			continue
		}
		r.Docs = append(r.Docs, m)
		switch m["kind"] {
		case "StatefulSet":
			must0(t, json.Unmarshal(js, &r.StatefulSet))
			found = true
		case "ConfigMap":
			var cm corev1.ConfigMap
			must0(t, json.Unmarshal(js, &cm))
			r.ConfigMaps[cm.Name] = cm
		}
	}
	if !found {
		t.Fatalf("the rendered output has no StatefulSet")
	}
	return r
}

// Kind returns the documents of one kind.
func (r *Rendered) Kind(kind string) []map[string]any {
	var out []map[string]any
	for _, d := range r.Docs {
		if d["kind"] == kind {
			out = append(out, d)
		}
	}
	return out
}

// MountDirs are the mount paths of every container and init container.
func (r *Rendered) MountDirs() []string {
	seen := map[string]bool{}
	spec := r.StatefulSet.Spec.Template.Spec
	for _, c := range append(append([]corev1.Container(nil), spec.InitContainers...), spec.Containers...) {
		for _, vm := range c.VolumeMounts {
			seen[filepath.Clean(vm.MountPath)] = true
		}
	}
	var out []string
	for d := range seen {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

// Container returns the named container or init container.
func (r *Rendered) Container(t testing.TB, name string) corev1.Container {
	t.Helper()
	spec := r.StatefulSet.Spec.Template.Spec
	for _, c := range append(append([]corev1.Container(nil), spec.InitContainers...), spec.Containers...) {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("the pod has no container %q", name)
	return corev1.Container{}
}

// Debian's ZooKeeper lacks the Prometheus provider the function renders:
// one later zoo.cfg line names the built-in provider (the last value of a
// key wins). Nothing else is added.
const metricsOverride = "metricsProvider.className=org.apache.zookeeper.metrics.impl.DefaultMetricsProvider\n"

// Ensemble is one rendered ensemble running here.
type Ensemble struct {
	R       *Rendered
	Root    string // repository root
	Dir     string // this ensemble's scratch directory
	Claims  string // where claims that outlive ensembles live (the backup target)
	Members []*Member
	Secrets map[string]map[string]string // Secret name -> key -> value, for secretKeyRef
	hosts   string
	cmDirs  map[string]string
	uid     int
	gid     int
	fsGroup int
	netns   []func()
}

// Member is one pod of the StatefulSet.
type Member struct {
	e     *Ensemble
	Ord   int
	Pod   string
	IP    string
	netns string
	procs []*Proc
}

// Proc is a running container.
type Proc struct {
	Name string
	Log  string
	cmd  *exec.Cmd
	done chan struct{}
}

// NewEnsemble lays out r's ConfigMaps, volumes and network namespaces
// (prefix names them) under dir. Claims of PVC volumes (not templates)
// live in claims, shared by every ensemble of the test.
func NewEnsemble(t *testing.T, r *Rendered, root, dir, claims, prefix string) *Ensemble {
	t.Helper()
	e := &Ensemble{R: r, Root: root, Dir: dir, Claims: claims, cmDirs: map[string]string{}, fsGroup: -1}
	must0(t, os.MkdirAll(dir, 0o755))
	ps := r.StatefulSet.Spec.Template.Spec.SecurityContext
	if ps == nil || ps.RunAsUser == nil || ps.RunAsGroup == nil {
		t.Fatalf("the pod's securityContext sets no runAsUser/runAsGroup")
	}
	e.uid, e.gid = int(*ps.RunAsUser), int(*ps.RunAsGroup)
	if ps.FSGroup != nil {
		e.fsGroup = int(*ps.FSGroup)
	}
	for _, v := range r.StatefulSet.Spec.Template.Spec.Volumes {
		if v.ConfigMap == nil {
			continue
		}
		cm, ok := r.ConfigMaps[v.ConfigMap.Name]
		if !ok {
			t.Fatalf("volume %s: ConfigMap %s is not in the output", v.Name, v.ConfigMap.Name)
		}
		d := filepath.Join(dir, "configmap", cm.Name)
		must0(t, os.MkdirAll(d, 0o755))
		for k, val := range cm.Data {
			if k == "zoo.cfg" && strings.Contains(val, "PrometheusMetricsProvider") {
				if !strings.HasSuffix(val, "\n") {
					val += "\n"
				}
				val += metricsOverride
			}
			must0(t, os.WriteFile(filepath.Join(d, k), []byte(val), 0o444))
		}
		e.cmDirs[v.Name] = d
	}
	var hosts strings.Builder
	hosts.WriteString("127.0.0.1 localhost\n")
	sts := r.StatefulSet
	n := int(*sts.Spec.Replicas)
	domain := "cluster.local"
	for i := 0; i < n; i++ {
		m := &Member{e: e, Ord: i, Pod: fmt.Sprintf("%s-%d", sts.Name, i), IP: memberAddr(i), netns: fmt.Sprintf("%s%d", prefix, i)}
		e.Members = append(e.Members, m)
		fmt.Fprintf(&hosts, "%s %s.%s.%s.svc.%s %s\n", m.IP, m.Pod, sts.Spec.ServiceName, sts.Namespace, domain, m.Pod)
		e.netns = append(e.netns, addNetns(t, m.netns, m.IP))
	}
	e.hosts = filepath.Join(dir, "hosts")
	must0(t, os.WriteFile(e.hosts, []byte(hosts.String()), 0o644))
	t.Cleanup(func() { e.Destroy() })
	return e
}

// Destroy kills every container of the ensemble and deletes its network
// namespaces; the volumes stay (Wipe removes them).
func (e *Ensemble) Destroy() {
	for _, m := range e.Members {
		for _, p := range m.procs {
			p.Kill()
		}
	}
	for _, del := range e.netns {
		del()
	}
	e.netns = nil
}

// volumeDir is the directory behind volume name for member m: claim
// templates per member, emptyDirs per member and container run, PVC
// volumes shared in Claims.
func (m *Member) volumeDir(t testing.TB, name string) string {
	t.Helper()
	e := m.e
	if d, ok := e.cmDirs[name]; ok {
		return d
	}
	var dir string
	for _, v := range e.R.StatefulSet.Spec.Template.Spec.Volumes {
		if v.Name != name {
			continue
		}
		switch {
		case v.EmptyDir != nil:
			dir = filepath.Join(e.Dir, "emptydir", m.Pod, name)
		case v.PersistentVolumeClaim != nil:
			dir = filepath.Join(e.Claims, v.PersistentVolumeClaim.ClaimName)
		default:
			t.Fatalf("volume %s: zkrun knows configMap, emptyDir and persistentVolumeClaim volumes", name)
		}
	}
	for _, c := range e.R.StatefulSet.Spec.VolumeClaimTemplates {
		if c.Name == name {
			dir = m.ClaimDir(name)
		}
	}
	if dir == "" {
		t.Fatalf("the pod mounts volume %s, which it does not define", name)
	}
	must0(t, os.MkdirAll(dir, 0o2775))
	if e.fsGroup >= 0 {
		Must(t, "chown", "-R", fmt.Sprintf("%d:%d", e.uid, e.fsGroup), dir)
	}
	return dir
}

// ClaimDir is where the PersistentVolume of claim template tmpl lives.
func (m *Member) ClaimDir(tmpl string) string {
	return filepath.Join(m.e.Dir, "pv", tmpl+"-"+m.Pod)
}

// Env is the container's environment: the official image's, the
// container's own (secretKeyRef from e.Secrets), and what this machine
// needs (the hosts file, Debian's logging, the stand-in zkServer.sh).
func (m *Member) Env(t testing.TB, c corev1.Container) []string {
	t.Helper()
	e := m.e
	env := []string{
		"PATH=" + filepath.Join(e.Root, "hack", "zookeeper", "bin") + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"ZOOCFGDIR=/conf", "HOSTNAME=" + m.Pod,
	}
	for _, ev := range c.Env {
		switch {
		case ev.ValueFrom == nil:
			env = append(env, ev.Name+"="+ev.Value)
		case ev.ValueFrom.SecretKeyRef != nil:
			ref := ev.ValueFrom.SecretKeyRef
			v, ok := e.Secrets[ref.Name][ref.Key]
			if !ok {
				t.Fatalf("env %s: the test has no Secret %s key %s", ev.Name, ref.Name, ref.Key)
			}
			env = append(env, ev.Name+"="+v)
		case ev.ValueFrom.FieldRef != nil && ev.ValueFrom.FieldRef.FieldPath == "metadata.name":
			env = append(env, ev.Name+"="+m.Pod)
		default:
			t.Fatalf("env %s: zkrun handles values, secretKeyRef and metadata.name", ev.Name)
		}
	}
	return append(env, "JVMFLAGS=-Djdk.net.hosts.file="+e.hosts,
		"ZKFN_ZK_LOG4J_DIR="+filepath.Join(e.Root, "hack", "zookeeper", "log4j"))
}

// args is the ip(8) command line that runs container c of member m.
func (m *Member) args(t testing.TB, c corev1.Container) []string {
	t.Helper()
	e := m.e
	user := []string{"--reuid=" + strconv.Itoa(e.uid), "--regid=" + strconv.Itoa(e.gid)}
	if e.fsGroup >= 0 {
		user = append(user, "--groups="+strconv.Itoa(e.fsGroup))
	} else {
		user = append(user, "--clear-groups")
	}
	roRoot := false
	if sc := c.SecurityContext; sc != nil {
		if sc.ReadOnlyRootFilesystem != nil {
			roRoot = *sc.ReadOnlyRootFilesystem
		}
		if sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation {
			user = append(user, "--no-new-privs")
		}
	}
	args := []string{"netns", "exec", m.netns, "unshare", "--mount", "--uts", "--propagation", "private", "--",
		filepath.Join(e.Root, "e2e", "backup", "zkrun", "container.sh"), m.Pod, strconv.FormatBool(roRoot), strings.Join(user, ",")}
	for _, vm := range c.VolumeMounts {
		mode := "rw"
		if vm.ReadOnly || e.cmDirs[vm.Name] != "" {
			mode = "ro"
		}
		args = append(args, m.volumeDir(t, vm.Name)+":"+filepath.Clean(vm.MountPath)+":"+mode)
	}
	if len(c.Command) == 0 {
		t.Fatalf("container %s has no command; zkrun runs the rendered command, not the image's entrypoint", c.Name)
	}
	args = append(args, "--")
	args = append(args, c.Command...)
	return append(args, c.Args...)
}

// Start runs container name in the background, output to a log file.
func (m *Member) Start(t testing.TB, name string) *Proc {
	t.Helper()
	c := m.e.R.Container(t, name)
	p := &Proc{Name: name, Log: m.LogPath(name), done: make(chan struct{})}
	log, err := os.OpenFile(p.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	must0(t, err)
	cmd := exec.Command("ip", m.args(t, c)...)
	cmd.Env = m.Env(t, c)
	cmd.Dir = "/"
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s/%s: %v", m.Pod, name, err)
	}
	p.cmd = cmd
	go func() {
		_ = cmd.Wait()
		log.Close()
		close(p.done)
	}()
	m.procs = append(m.procs, p)
	return p
}

// LogPath is where container name's output goes; it collects every run.
func (m *Member) LogPath(name string) string {
	return filepath.Join(m.e.Dir, m.Pod+"-"+name+".log")
}

// RunToEnd runs container name (an init container, or a one-shot run of
// a sidecar) in the foreground with a bound and returns its output.
func (m *Member) RunToEnd(t testing.TB, name string, bound time.Duration) (string, error) {
	t.Helper()
	c := m.e.R.Container(t, name)
	out, _, err := Run(bound, m.Env(t, c), nil, "ip", m.args(t, c)...)
	return out, err
}

// Kill SIGKILLs the container's process group and waits for it.
func (p *Proc) Kill() {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
	}
}

// Running reports whether the container still runs.
func (p *Proc) Running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// Tail is the end of the container's log.
func (p *Proc) Tail(lines int) string {
	b, _ := os.ReadFile(p.Log)
	all := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}
