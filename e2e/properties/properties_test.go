//go:build e2e

// Package properties proves on a real ZooKeeper server (Debian's 3.8.0)
// that every property spec.zookeeper.config accepts takes effect: a
// 3-member ensemble is rendered by the built binary with every accepted
// property set to its example (non-default) value, runs with the rendered
// zoo.cfg and SERVER_JVMFLAGS, and each member must show each value where
// ZooKeeper keeps it: zoo.cfg keys in the conf four-letter word, system
// properties in the JVM (jcmd VM.system_properties). Every class that
// names a property set through zoo.cfg must load after zoo.cfg is parsed
// (the JVM's class loading log), or a static initializer would read it
// too early. A separate test checks that the server's classes read every
// such name, so a property that reaches the JVM under a name nothing
// reads fails too.
package properties

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/zkprops"
)

type sandboxInput struct {
	Rendered string
	// Readers maps each system property of a zoo.cfg key to the server
	// classes that name it (read outside the sandbox, from the jars).
	Readers map[string][]string
}

// everyProperty is a spec that sets every accepted property to its
// example, on the smallest heap the function allows.
func everyProperty() string {
	var b strings.Builder
	fmt.Fprintf(&b, `apiVersion: zookeeper-fn.dev/v1alpha1
kind: ZookeeperSpec
metadata: {name: zkp, namespace: props}
spec:
  replicas: 3
  resources: {requests: {cpu: 100m, memory: 256Mi}, limits: {memory: 256Mi}}
  jvm:
    heap: %dMi
    # The class loading order: a class that reads a property from zoo.cfg
    # must load after zoo.cfg is parsed.
    flags: ["-Xlog:class+load=info:file=/tmp/classes.log"]
  zookeeper:
    config:
`, api.MinHeapMiB)
	for _, p := range zkprops.Accepted() {
		fmt.Fprintf(&b, "      %q: %q\n", p.Name, p.Example)
	}
	return b.String()
}

// render runs the built binary on a spec and returns its output.
func render(t *testing.T, spec string) []byte {
	t.Helper()
	file := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(file, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	return harness.Render(t, file)
}

func TestEveryPropertyTakesEffect(t *testing.T) {
	if sandboxed(t, inSandboxRun) {
		return
	}
	if _, err := exec.LookPath("jcmd"); err != nil {
		t.Fatalf("jcmd not found: install openjdk-17-jdk-headless (hack/zookeeper/install.sh)")
	}
	out := render(t, everyProperty())
	reexec(t, out, sandboxInput{Rendered: string(out), Readers: readers(t)})
}

func inSandboxRun(t *testing.T) {
	var in sandboxInput
	sb := enter(t, &in)
	e := start(t, sb, []byte(in.Rendered), 3*time.Minute)
	proven := map[string]int{}
	for _, m := range e.Members {
		checkLoadOrder(t, m, in.Readers)
		conf := confOf(t, m)
		sys := systemProperties(t, m)
		for _, p := range zkprops.Accepted() {
			where, got := "system property "+p.System, sys[p.System]
			if p.Place == zkprops.Config {
				where, got = "conf "+p.Key(), conf[p.Key()]
			}
			if got != p.Example {
				t.Errorf("%s: %s: %s is %q, want %q", m.Pod, p.Name, where, got, p.Example)
				continue
			}
			proven[p.Name]++
		}
	}
	n := 0
	for _, c := range proven {
		if c == len(e.Members) {
			n++
		}
	}
	t.Logf("%d of %d accepted properties proven on all %d members", n, len(zkprops.Accepted()), len(e.Members))
}

// confOf is the member's conf four-letter word as key=value pairs.
func confOf(t *testing.T, m *member) map[string]string {
	t.Helper()
	out, err := m.FourLetter("conf")
	if err != nil {
		t.Fatalf("%s: conf: %v", m.Pod, err)
	}
	kv := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			kv[k] = v
		}
	}
	return kv
}

// systemProperties reads the member's JVM's system properties with jcmd,
// parsed as the Properties file that VM.system_properties prints.
func systemProperties(t *testing.T, m *member) map[string]string {
	t.Helper()
	pid := serverPID(t, m.Pod)
	// jcmd finds the JVM's attach socket under /tmp only in the JVM's own
	// mount namespace and root (the pod's /tmp is an emptyDir inside the
	// sandbox's chroot): run it there.
	out, err := run(60*time.Second, "nsenter", "--target", pid, "--mount", "--root", "--wd", "--", "jcmd", pid, "VM.system_properties")
	if err != nil {
		t.Fatalf("%s: jcmd %s VM.system_properties: %v\n%s", m.Pod, pid, err, out)
	}
	entries, err := zkprops.Load([]byte(out))
	if err != nil {
		t.Fatalf("%s: jcmd output: %v", m.Pod, err)
	}
	kv := map[string]string{}
	for _, e := range entries {
		kv[e.Key] = e.Value
	}
	if kv["java.version"] == "" {
		t.Fatalf("%s: jcmd printed no system properties:\n%s", m.Pod, out)
	}
	return kv
}

// serverPID finds the member's ZooKeeper JVM: a java process with
// QuorumPeerMain on its command line and the pod's HOSTNAME in its
// environment (the shells that start it carry both too).
func serverPID(t *testing.T, pod string) string {
	t.Helper()
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		comm, _ := os.ReadFile(d + "/comm")
		cmd, _ := os.ReadFile(d + "/cmdline")
		env, _ := os.ReadFile(d + "/environ")
		if strings.TrimSpace(string(comm)) == "java" && strings.Contains(string(cmd), "QuorumPeerMain") && strings.Contains("\x00"+string(env), "\x00HOSTNAME="+pod+"\x00") {
			return filepath.Base(d)
		}
	}
	t.Fatalf("%s: no ZooKeeper JVM found in /proc", pod)
	return ""
}

// readers maps the system property of each zoo.cfg key (ConfigSystem) to
// the server classes whose constants name it.
func readers(t *testing.T) map[string][]string {
	out := map[string][]string{}
	classes := serverClasses(t)
	for _, p := range zkprops.Accepted() {
		if p.Place != zkprops.ConfigSystem {
			continue
		}
		for c, strs := range classes {
			if strs[p.System] {
				out[p.System] = append(out[p.System], c)
			}
		}
	}
	return out
}

// parsedMark is the first class QuorumPeerMain.initializeAndRun loads
// after QuorumPeerConfig.parse returns: every zoo.cfg key is a system
// property by then.
const parsedMark = "org.apache.zookeeper.server.DatadirCleanupManager"

// checkLoadOrder: a property that zoo.cfg sets is only seen by a class
// that reads it in a static initializer if that class loads after
// zoo.cfg is parsed. Each class that names a zoo.cfg property must load
// after parsedMark (or not at all).
func checkLoadOrder(t *testing.T, m *member, readers map[string][]string) {
	t.Helper()
	pid := serverPID(t, m.Pod)
	out, err := run(30*time.Second, "nsenter", "--target", pid, "--mount", "--root", "--", "cat", "/tmp/classes.log")
	if err != nil {
		t.Fatalf("%s: the class loading log: %v\n%s", m.Pod, err, out)
	}
	order := map[string]int{}
	for i, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) >= 2 && strings.HasPrefix(f[0], "[") {
			if _, seen := order[f[1]]; !seen {
				order[f[1]] = i
			}
		}
	}
	mark, ok := order[parsedMark]
	if !ok {
		t.Fatalf("%s: %s never loaded: is -Xlog:class+load in SERVER_JVMFLAGS?", m.Pod, parsedMark)
	}
	for sys, classes := range readers {
		for _, c := range classes {
			if i, loaded := order[c]; loaded && i < mark {
				t.Errorf("%s: %s names %s and loaded before zoo.cfg was parsed: a zoo.cfg key cannot reach it; make it a JVM flag", m.Pod, c, sys)
			}
		}
	}
}
