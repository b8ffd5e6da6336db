//go:build e2e

package scaling

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// maxMembers is the largest ensemble a step reaches; every slot gets its
// network namespace and hosts entry up front, as DNS would serve them.
const maxMembers = 7

// revision is one rendered StatefulSet (with its ConfigMaps) as the
// controller sees it: pods of another revision are out of date.
type revision struct {
	name     string
	r        *zkrun.Rendered
	replicas int
	cmDirs   map[string]string // volume name -> files
}

// pod is one member: a zookeeper container run as the kubelet would, its
// readiness as the rendered probe reports it.
type pod struct {
	ord         int
	rev         *revision
	cmd         *exec.Cmd
	done        chan struct{}
	ready       bool
	terminating bool
	log         string
}

// cluster is the StatefulSet controller, the kubelet and the network of
// one scaling run.
type cluster struct {
	t       *testing.T
	dir     string
	sb      *zkrun.Sandbox // its image home and container runner
	netns   [maxMembers]string
	secrets map[string]map[string]string
	mu      sync.Mutex
	want    *revision
	pods    map[int]*pod
	events  []string
	start   time.Time
	stop    chan struct{}
	wg      sync.WaitGroup
}

// addrs are the members' addresses, from zkrun's network slots (set
// once by newCluster; the monitor and the client reach members by them).
var addrs [maxMembers]string

func addr(i int) string { return addrs[i] }

func podName(i int) string { return fmt.Sprintf("zk-%d", i) }

func newCluster(t *testing.T, sb *zkrun.Sandbox, dir string, first *zkrun.Rendered, secrets map[string]map[string]string) *cluster {
	c := &cluster{t: t, dir: dir, sb: sb, pods: map[int]*pod{}, secrets: secrets, start: time.Now(), stop: make(chan struct{})}
	sts := first.StatefulSet
	var hosts strings.Builder
	hosts.WriteString("127.0.0.1 localhost\n")
	for i := 0; i < maxMembers; i++ {
		// zkrun's slots: one address, one MAC (a member re-created at
		// the same address is reachable at once, issue 18).
		name, a, release := sb.MemberNetns(t)
		t.Cleanup(release)
		c.netns[i], addrs[i] = name, a
		fmt.Fprintf(&hosts, "%s %s.%s.%s.svc.cluster.local %s\n", addr(i), podName(i), sts.Spec.ServiceName, sts.Namespace, podName(i))
	}
	h := filepath.Join(dir, "hosts")
	must(t, os.WriteFile(h, []byte(hosts.String()), 0o644))
	// The sandbox's own mount namespace: every process started from here
	// (members, probes, clients) resolves the pods' names as DNS would.
	zkrun.Must(t, "mount", "--bind", h, "/etc/hosts")
	t.Cleanup(c.shutdown)
	return c
}

// newRevision lays out a rendering's ConfigMaps; its name is the pod
// template's hash, as the controller's revisions are.
func (c *cluster) newRevision(r *zkrun.Rendered) *revision {
	b, err := json.Marshal(r.StatefulSet.Spec.Template)
	must(c.t, err)
	sum := sha256.Sum256(b)
	rev := &revision{name: hex.EncodeToString(sum[:6]), r: r, replicas: int(*r.StatefulSet.Spec.Replicas), cmDirs: map[string]string{}}
	for _, v := range r.StatefulSet.Spec.Template.Spec.Volumes {
		if v.ConfigMap == nil {
			continue
		}
		cm := r.ConfigMaps[v.ConfigMap.Name]
		d := filepath.Join(c.dir, "cm-"+rev.name, v.Name)
		must(c.t, os.MkdirAll(d, 0o755))
		for k, val := range cm.Data {
			if k == "zoo.cfg" {
				// Debian's ZooKeeper lacks the Prometheus provider.
				val = strings.ReplaceAll(val, "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider", "org.apache.zookeeper.metrics.impl.DefaultMetricsProvider")
			}
			must(c.t, os.WriteFile(filepath.Join(d, k), []byte(val), 0o444))
		}
		rev.cmDirs[v.Name] = d
	}
	return rev
}

// apply is `kubectl apply` of a new rendering: the controller works
// towards it from now on.
func (c *cluster) apply(r *zkrun.Rendered) {
	rev := c.newRevision(r)
	c.mu.Lock()
	c.want = rev
	c.mu.Unlock()
	c.event("apply: replicas %d, revision %s", rev.replicas, rev.name)
}

func (c *cluster) event(format string, a ...any) {
	msg := fmt.Sprintf("%7.2fs ", time.Since(c.start).Seconds()) + fmt.Sprintf(format, a...)
	c.mu.Lock()
	c.events = append(c.events, msg)
	c.mu.Unlock()
	c.t.Log(msg)
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// container finds the server container of a rendering.
func (rev *revision) container() corev1.Container {
	for _, c := range rev.r.StatefulSet.Spec.Template.Spec.Containers {
		if c.Name == "zookeeper" {
			return c
		}
	}
	panic("no zookeeper container")
}

// run is the command line that runs argv inside member i's container of
// revision rev (its mounts, user and environment).
func (c *cluster) run(rev *revision, i int, argv []string) *exec.Cmd {
	ct := rev.container()
	ps := rev.r.StatefulSet.Spec.Template.Spec.SecurityContext
	user := []string{fmt.Sprintf("--reuid=%d", *ps.RunAsUser), fmt.Sprintf("--regid=%d", *ps.RunAsGroup), fmt.Sprintf("--groups=%d", *ps.FSGroup), "--no-new-privs"}
	k := zkrun.Container{Netns: c.netns[i], Pod: podName(i), ReadOnlyRoot: true, User: user}
	for _, vm := range ct.VolumeMounts {
		k.Mounts = append(k.Mounts, c.volume(rev, i, vm.Name)+":"+filepath.Clean(vm.MountPath)+":"+map[bool]string{true: "ro", false: "rw"}[vm.ReadOnly])
	}
	cmd := exec.Command("ip", c.sb.ContainerArgs(k, argv...)...)
	cmd.Env = c.env(ct, i)
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

// volume is the directory behind a pod volume: ConfigMaps per revision,
// claims per ordinal (they outlive pods), emptyDirs per pod run,
// Secrets from the test's own values.
func (c *cluster) volume(rev *revision, i int, name string) string {
	if d, ok := rev.cmDirs[name]; ok {
		return d
	}
	var dir string
	for _, v := range rev.r.StatefulSet.Spec.Template.Spec.Volumes {
		if v.Name != name {
			continue
		}
		switch {
		case v.EmptyDir != nil:
			dir = filepath.Join(c.dir, "emptydir", podName(i), name)
		case v.Secret != nil:
			dir = filepath.Join(c.dir, "secret", v.Secret.SecretName)
			must(c.t, os.MkdirAll(dir, 0o755))
			for k, val := range c.secrets[v.Secret.SecretName] {
				must(c.t, os.WriteFile(filepath.Join(dir, k), []byte(val), 0o440))
			}
		}
	}
	if dir == "" {
		dir = filepath.Join(c.dir, "pv", name+"-"+podName(i))
	}
	must(c.t, os.MkdirAll(dir, 0o2775))
	chownTree(c.t, dir)
	return dir
}

// chownTree gives dir to the pods' user, as fsGroup does. A file may
// vanish between chown's listing and its chown (a killed member's last
// rename of zoo.cfg.dynamic.next.tmp, seen once in a loaded make test),
// which fails chown -R with nothing wrong: it is tried again.
func chownTree(t *testing.T, dir string) {
	var out string
	var err error
	for try := 0; try < 5; try++ {
		if out, _, err = zkrun.Run(30*time.Second, nil, nil, "chown", "-R", "1000:1000", dir); err == nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("chown -R 1000:1000 %s: %v\n%s", dir, err, out)
}

func (c *cluster) env(ct corev1.Container, i int) []string {
	env := append(c.sb.ContainerEnv(podName(i)), "ZK_SERVER_HEAP=128")
	for _, ev := range ct.Env {
		if ev.ValueFrom == nil && ev.Name != "ZK_SERVER_HEAP" {
			env = append(env, ev.Name+"="+ev.Value)
		}
	}
	return env
}

// ordinals are the pods that exist, in order.
func (c *cluster) ordinals() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []int
	for i := range c.pods {
		out = append(out, i)
	}
	sort.Ints(out)
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }
