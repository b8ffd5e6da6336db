//go:build e2e

package zookeeper

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// member is one ZooKeeper server, run as pod <sts>-<ordinal> would be:
// its own network namespace and address, its own mount and UTS namespace
// with the ConfigMap at /conf and its volumes mounted where the
// StatefulSet says, the container's user, environment and command.
type member struct {
	e       *ensemble
	ord     int
	pod     string // <sts>-<ordinal>
	fqdn    string // its DNS name in the cluster
	ip      string
	netns   string
	volumes map[string]string // mountPath -> directory on this machine
	logPath string

	cmd    *exec.Cmd
	done   chan struct{}
	exit   int
	starts int
	// up: the suite started the member and has not stopped it, so an exit
	// is a crash.
	up bool
}

// claimDir is where the PersistentVolume behind claim <tmpl>-<pod> lives;
// it outlives the member's process, as a PV outlives its pod.
func (m *member) claimDir(tmpl string) string {
	return filepath.Join(m.e.dir, "pv", tmpl+"-"+m.pod)
}

// prepareVolumes creates the member's volume directories with the
// ownership the pod's fsGroup gives them.
func (m *member) prepareVolumes(t testing.TB) {
	t.Helper()
	m.volumes = map[string]string{}
	r := m.e.r
	for _, vm := range r.container.VolumeMounts {
		v := r.volume(t, vm.Name)
		var dir string
		switch {
		case v.ConfigMap != nil:
			dir = m.e.confDir
		case v.PersistentVolumeClaim != nil:
			dir = m.claimDir(v.Name)
		case v.EmptyDir != nil:
			dir = filepath.Join(m.e.dir, "emptydir", m.pod, v.Name)
		default:
			t.Fatalf("volume %s: the suite knows configMap, emptyDir and claim templates only", v.Name)
		}
		if vm.SubPath != "" {
			t.Fatalf("volumeMount %s uses subPath; the suite does not handle it", vm.Name)
		}
		if v.ConfigMap == nil {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			m.e.chownVolume(t, dir)
		}
		m.volumes[filepath.Clean(vm.MountPath)] = dir
	}
}

// hostDir maps a path inside the container (e.g. zoo.cfg's dataDir) to
// the directory on this machine.
func (m *member) hostDir(t testing.TB, p string) string {
	t.Helper()
	p = filepath.Clean(p)
	for mp, dir := range m.volumes {
		if p == mp || strings.HasPrefix(p, mp+"/") {
			return filepath.Join(dir, strings.TrimPrefix(p, mp))
		}
	}
	t.Fatalf("%s is not on any volume of the container: data written there is lost with the pod", p)
	return ""
}

// env is the container's environment: the image's, then the pod's, with
// Kubernetes' $(VAR) expansion and the downward API fields the suite
// knows; then what the suite needs on this machine (see zkServer.sh).
func (m *member) env(t testing.TB) []string {
	t.Helper()
	e := m.e
	vars := map[string]string{}
	var order []string
	set := func(k, v string) {
		if _, ok := vars[k]; !ok {
			order = append(order, k)
		}
		vars[k] = v
	}
	// What the official image sets (its Dockerfile's ENV), with the
	// stand-in zkServer.sh where the image has the real one.
	set("PATH", filepath.Join(e.root, "hack", "zookeeper", "bin")+":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
	set("ZOO_CONF_DIR", "/conf")
	set("ZOO_DATA_DIR", "/data")
	set("ZOO_DATA_LOG_DIR", "/datalog")
	set("ZOO_LOG_DIR", "/logs")
	set("ZOOCFGDIR", "/conf")
	set("HOSTNAME", m.pod)
	for _, ev := range e.r.container.Env {
		switch {
		case ev.ValueFrom == nil:
			set(ev.Name, expandK8s(ev.Value, vars))
		case ev.ValueFrom.FieldRef != nil:
			switch ev.ValueFrom.FieldRef.FieldPath {
			case "metadata.name":
				set(ev.Name, m.pod)
			case "metadata.namespace":
				set(ev.Name, e.r.sts.Namespace)
			case "status.podIP", "status.hostIP":
				set(ev.Name, m.ip)
			case "spec.nodeName":
				set(ev.Name, "node-"+strconv.Itoa(m.ord))
			default:
				t.Fatalf("env %s: fieldRef %s is not handled by the suite", ev.Name, ev.ValueFrom.FieldRef.FieldPath)
			}
		default:
			t.Fatalf("env %s: valueFrom other than fieldRef is not handled by the suite", ev.Name)
		}
	}
	if len(e.r.container.EnvFrom) > 0 {
		t.Fatalf("the container uses envFrom, which the suite does not handle")
	}
	// Test-only: name resolution (the pod's DNS) and logging (Debian's
	// ZooKeeper logs through log4j). JVMFLAGS is the image's user knob,
	// appended after SERVER_JVMFLAGS by zkServer.sh.
	set("JVMFLAGS", strings.TrimSpace("-Djdk.net.hosts.file="+e.hostsFile+" "+vars["JVMFLAGS"]))
	set("ZKFN_ZK_LOG4J_DIR", filepath.Join(e.root, "hack", "zookeeper", "log4j"))
	env := make([]string, 0, len(order))
	for _, k := range order {
		env = append(env, k+"="+vars[k])
	}
	return env
}

// expandK8s does Kubernetes' $(VAR) expansion of env values: $(NAME) of a
// variable defined before is replaced, $$ is a literal $, anything else is
// kept as written.
func expandK8s(s string, vars map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '(':
			if j := strings.IndexByte(s[i:], ')'); j > 0 {
				name := s[i+2 : i+j]
				if v, ok := vars[name]; ok {
					b.WriteString(v)
					i += j
					continue
				}
			}
			b.WriteByte('$')
		default:
			b.WriteByte('$')
		}
	}
	return b.String()
}

// userArgs are the setpriv arguments for the pod's user and fsGroup.
func (e *ensemble) userArgs() []string {
	a := []string{"--reuid=" + strconv.Itoa(e.uid), "--regid=" + strconv.Itoa(e.gid)}
	if e.noNewPrivs {
		a = append(a, "--no-new-privs")
	}
	if e.fsGroup >= 0 {
		return append(a, "--groups="+strconv.Itoa(e.fsGroup))
	}
	return append(a, "--clear-groups")
}

// start runs the container's command (the rendered `bash /conf/start.sh`)
// in the member's namespaces. The member's output goes to its log file.
func (m *member) start(t testing.TB) {
	t.Helper()
	e := m.e
	args := []string{"netns", "exec", m.netns, "unshare", "--mount", "--uts", "--propagation", "private", "--",
		filepath.Join(e.root, "hack", "zookeeper", "container.sh"), m.pod, strconv.FormatBool(e.roRoot), strings.Join(e.userArgs(), ",")}
	for _, vm := range e.r.container.VolumeMounts {
		mode := "rw"
		if vm.ReadOnly || e.r.volume(t, vm.Name).ConfigMap != nil {
			mode = "ro"
		}
		args = append(args, m.volumes[filepath.Clean(vm.MountPath)]+":"+filepath.Clean(vm.MountPath)+":"+mode)
	}
	args = append(args, "--")
	args = append(args, e.r.container.Command...)
	args = append(args, e.r.container.Args...)
	if len(e.r.container.Command) == 0 {
		t.Fatalf("the zookeeper container has no command; the suite runs the rendered command, not the image's entrypoint")
	}

	log, err := os.OpenFile(m.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	m.starts++
	fmt.Fprintf(log, "\n===== start %d of %s: %s =====\n", m.starts, m.pod, strings.Join(append(e.r.container.Command, e.r.container.Args...), " "))
	cmd := exec.Command("ip", args...)
	cmd.Env = m.env(t)
	cmd.Dir = "/"
	if e.r.container.WorkingDir != "" {
		cmd.Dir = e.r.container.WorkingDir
	}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		log.Close()
		t.Fatalf("start %s: %v", m.pod, err)
	}
	m.cmd, m.done, m.up = cmd, make(chan struct{}), true
	done := m.done
	go func() {
		_ = cmd.Wait()
		m.exit = cmd.ProcessState.ExitCode()
		log.Close()
		close(done)
	}()
	t.Cleanup(func() { m.signal(syscall.SIGKILL, 15*time.Second) })
}

func (m *member) running() bool {
	if m.done == nil {
		return false
	}
	select {
	case <-m.done:
		return false
	default:
		return true
	}
}

// signal sends sig to the member's process group and, for SIGKILL and
// SIGTERM, waits up to bound for it to exit; it reports whether it exited.
func (m *member) signal(sig syscall.Signal, bound time.Duration) bool {
	if sig == syscall.SIGKILL || sig == syscall.SIGTERM {
		m.up = false
	}
	if !m.running() {
		return true
	}
	_ = syscall.Kill(-m.cmd.Process.Pid, sig)
	if sig != syscall.SIGKILL && sig != syscall.SIGTERM {
		return true
	}
	select {
	case <-m.done:
		return true
	case <-time.After(bound):
		if sig == syscall.SIGTERM {
			_ = syscall.Kill(-m.cmd.Process.Pid, syscall.SIGKILL)
			select {
			case <-m.done:
			case <-time.After(bound):
			}
		}
		return false
	}
}

// kill SIGKILLs the member (a node or container crash) and waits for it.
func (m *member) kill(t testing.TB) {
	t.Helper()
	if !m.signal(syscall.SIGKILL, 15*time.Second) {
		t.Fatalf("%s did not exit within 15s of SIGKILL", m.pod)
	}
}

// stop is a pod deletion: SIGTERM, then SIGKILL after the grace period.
func (m *member) stop(t testing.TB) {
	t.Helper()
	grace := 30 * time.Second
	if g := m.e.r.sts.Spec.Template.Spec.TerminationGracePeriodSeconds; g != nil && *g < 30 {
		grace = time.Duration(*g) * time.Second
	}
	m.signal(syscall.SIGTERM, grace)
	if m.running() {
		t.Fatalf("%s still runs after SIGTERM and SIGKILL", m.pod)
	}
}

// mode is the member's srvr Mode, or "" when it does not serve.
func (m *member) mode() string {
	if !m.running() {
		return ""
	}
	return srvrMode(m.ip, m.e.port)
}

// probe runs a probe's exec command in the member's namespaces as the
// container's user, with the container's environment, bounded by the
// probe's timeoutSeconds as the kubelet does. It returns whether the probe
// succeeded and the command's output.
func (m *member) probe(t testing.TB, name string, p *corev1.Probe) (bool, string) {
	t.Helper()
	if p == nil {
		t.Fatalf("the zookeeper container has no %s probe", name)
	}
	if p.Exec == nil || len(p.Exec.Command) == 0 {
		t.Fatalf("the %s probe is not an exec probe; the suite runs exec probes", name)
	}
	if !m.running() {
		t.Fatalf("%s probe on %s: the member is not running", name, m.pod)
	}
	timeout := time.Second
	if p.TimeoutSeconds > 0 {
		timeout = time.Duration(p.TimeoutSeconds) * time.Second
	}
	// --root and --wd without a value: the member's own root (the
	// sandbox's chroot) and working directory, as an exec into the
	// container has.
	args := []string{"--target", strconv.Itoa(m.cmd.Process.Pid), "--net", "--mount", "--uts", "--root", "--wd", "--", "setpriv"}
	args = append(args, m.e.userArgs()...)
	args = append(args, "--")
	args = append(args, p.Exec.Command...)
	out, code, err := run(timeout, m.env(t), "nsenter", args...)
	if err != nil && code < 0 {
		return false, fmt.Sprintf("%v\n%s", err, out)
	}
	return code == 0, out
}

// myid reads the myid file start.sh wrote into the data volume.
func (m *member) myid(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(m.hostDir(t, m.e.r.cfg["dataDir"]), "myid"))
	if err != nil {
		t.Fatalf("%s: %v", m.pod, err)
	}
	return strings.TrimSpace(string(b))
}

// logTail is the end of the member's log, for failure messages.
func (m *member) logTail(lines int) string {
	b, _ := os.ReadFile(m.logPath)
	all := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}

// currentLog is the member's log since its last start.
func (m *member) currentLog() string {
	b, _ := os.ReadFile(m.logPath)
	s := string(b)
	if i := strings.LastIndex(s, "\n===== start "); i >= 0 {
		return s[i:]
	}
	return s
}
