//go:build e2e

// Package scaling resizes a real ZooKeeper ensemble the way a user does:
// render the spec with another replica count and apply it, while the
// StatefulSet controller's order is reproduced (controller_test.go) and a
// client writes continuously. After every step (1→3→5→7→5→3→1) every
// acknowledged write must be on every member, no two members may ever
// lead at once, and one must lead at the end.
package scaling

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// steps are the replica counts, in order; the first creates the ensemble.
var steps = []int{1, 3, 5, 7, 5, 3, 1}

type sandboxInput struct {
	Renders map[int]string // replicas -> rendered output
	clientInput
}

// specEnv names the spec the suite scales (testdata/<name>); the default
// is the dynamic-membership spec. ZKFN_SCALING_SPEC=static.yaml runs
// today's static procedure to show what it loses.
const specEnv = "ZKFN_SCALING_SPEC"

func TestScaling(t *testing.T) {
	if zkrun.Sandboxed(t, inSandbox) {
		return
	}
	spec := os.Getenv(specEnv)
	if spec == "" {
		spec = "dynamic.yaml"
	}
	in := sandboxInput{Renders: map[int]string{}, clientInput: newClientInput(t)}
	var rendered []*zkrun.Rendered
	for _, n := range steps {
		if _, ok := in.Renders[n]; ok {
			continue
		}
		out := renderReplicas(t, spec, n)
		in.Renders[n] = out
		rendered = append(rendered, zkrun.Parse(t, []byte(out)))
	}
	t.Logf("scaling %s through %v", spec, steps)
	zkrun.ReexecParallel(t, in, rendered...)
}

// stepResult is what one step measured.
type stepResult struct {
	label      string // instead of from -> to
	from, to   int
	acked      int
	lost       int
	errs       int
	noLeader   time.Duration
	maxLeaders int // reporting Mode: leader at once
	maxVoting  int // of those, leaders that may commit
	duration   time.Duration
}

func inSandbox(t *testing.T) {
	var in sandboxInput
	sb := zkrun.Enter(t, &in)
	prev := steps[0]
	c, cp, acked := startEnsemble(t, sb, in.clientInput, zkrun.Parse(t, []byte(in.Renders[prev])), fmt.Sprintf("first %d-member", prev))
	dir := c.dir
	var results []stepResult
	for k, n := range steps {
		if k == 0 {
			continue // the ensemble startEnsemble created
		}
		r := zkrun.Parse(t, []byte(in.Renders[n]))
		res := step(t, c, cp, dir, r, fmt.Sprintf("/step%d", k), acked)
		res.from, res.to = prev, n
		prev = n
		results = append(results, res)
		if res.from == 7 && res.to == 5 && strings.Contains(in.Renders[1], "reconfigEnabled=true") {
			// After 7 -> 5 (dynamic membership only): a whole-ensemble
			// crash and a replaced volume, each under writes.
			crash := disruption(t, c, cp, dir, "/crash", acked, c.crashAll)
			crash.label = "5: all members SIGKILLed at once"
			lost := disruption(t, c, cp, dir, "/volume", acked, func() { c.replaceVolume(t, 1) })
			lost.label = "5: zk-1's volume replaced by an empty one"
			results = append(results, crash, lost)
		}
	}
	report(t, results)
}

// step applies r while a client writes, waits until the controller is
// done, then checks every write acknowledged so far on every member.
func step(t *testing.T, c *cluster, cp, dir string, r *zkrun.Rendered, path string, acked map[string][]string) stepResult {
	w, err := startWriter(cp, dir, path)
	must(t, err)
	lw := watchLeaders()
	if !waitFor(60*time.Second, func() bool { return w.count() > 20 }) {
		t.Fatalf("%s: the writer got no acknowledgement before the step", path)
	}
	began := time.Now()
	c.apply(r)
	ok := waitSettled(c, 10*time.Minute)
	res := stepResult{duration: time.Since(began)}
	time.Sleep(3 * time.Second)
	acked[path] = w.end()
	lw.end()
	res.noLeader, res.maxLeaders, res.maxVoting = lw.noLeader, lw.maxLeaders, lw.committing(c.dir)
	res.errs = w.errs
	res.acked = len(acked[path])
	if len(lw.twoLeaders) > 0 {
		t.Logf("%s: two leaders at once: %v", path, lw.twoLeaders[:min(5, len(lw.twoLeaders))])
	}
	if !ok {
		dump(t, c)
		t.Fatalf("%s: the StatefulSet never settled at %d Ready members", path, *r.StatefulSet.Spec.Replicas)
	}
	res.lost = check(t, c, cp, acked, path)
	if l := finalLeaders(); l != 1 {
		t.Errorf("%s: %d members lead after the step, want exactly 1", path, l)
	}
	return res
}

// listSettled is list, tried up to three times: a member that is Ready
// may still refuse a session for a while when the step's last reconfig or
// a leader change makes it rejoin (seen once in CI under load: "not
// connected" within 15 s). A member that cannot be read is not a lost
// write; what it serves is checked once it answers.
func listSettled(t *testing.T, cp string, i int, path string) (map[string]bool, error) {
	var err error
	for try := 1; try <= 3; try++ {
		var got map[string]bool
		if got, err = list(cp, i, path); err == nil {
			return got, nil
		}
		msg, _, _ := strings.Cut(err.Error(), "\n")
		t.Logf("try %d: %s", try, msg)
		if try < 3 {
			time.Sleep(5 * time.Second)
		}
	}
	return nil, err
}

// check lists every path through every member (after sync) and returns
// how many of this step's acknowledged writes the worst member lacks;
// writes of earlier steps missing anywhere are errors too.
func check(t *testing.T, c *cluster, cp string, acked map[string][]string, current string) int {
	worst := 0
	for _, i := range c.ordinals() {
		for path, names := range acked {
			got, err := listSettled(t, cp, i, path)
			if err != nil {
				t.Errorf("%v", err)
				continue
			}
			missing := 0
			for _, n := range names {
				if !got[n] {
					missing++
				}
			}
			if missing > 0 {
				t.Logf("%s lacks %d of %d acknowledged writes under %s", podName(i), missing, len(names), path)
				if path != current {
					t.Errorf("%s lost %d writes of an earlier step (%s)", podName(i), missing, path)
				}
			}
			if path == current && missing > worst {
				worst = missing
			}
		}
	}
	return worst
}

func finalLeaders() int {
	n := 0
	for i := 0; i < maxMembers; i++ {
		if commits(i) {
			n++
		}
	}
	return n
}

// clientInput is what every test that writes while it scales carries
// into the sandbox besides its renderings: the Java client's source and
// the Secrets the pods mount (the dynamic-membership superuser's).
type clientInput struct {
	Java    string // ZkScale.java
	Secrets map[string]map[string]string
}

func newClientInput(t *testing.T) clientInput {
	java, err := os.ReadFile(filepath.Join(harness.Root(t), "e2e", "scaling", "ZkScale.java"))
	must(t, err)
	return clientInput{Java: string(java), Secrets: map[string]map[string]string{"zk-superuser": {"password": "e2e-superuser-password"}}}
}

// renderReplicas renders testdata/<spec> with n replicas (the specs say
// replicas: 1).
func renderReplicas(t *testing.T, spec string, n int) string {
	src, err := os.ReadFile(filepath.Join(harness.Root(t), "e2e", "scaling", "testdata", spec))
	must(t, err)
	f := filepath.Join(t.TempDir(), fmt.Sprintf("spec-%d.yaml", n))
	must(t, os.WriteFile(f, []byte(strings.Replace(string(src), "replicas: 1", fmt.Sprintf("replicas: %d", n), 1)), 0o644))
	return string(harness.Render(t, f))
}

// startEnsemble, inside the sandbox, compiles the client, creates the
// ensemble of first under the reproduced StatefulSet controller, waits
// until it is Ready, and writes /pre for 5 s: the cluster, the client's
// classpath and the acknowledged writes (path -> names) every later step
// must keep.
func startEnsemble(t *testing.T, sb *zkrun.Sandbox, in clientInput, first *zkrun.Rendered, what string) (*cluster, string, map[string][]string) {
	dir := filepath.Join(sb.Dir, "scaling")
	must(t, os.Mkdir(dir, 0o755))
	cp := compileClient(t, dir, in.Java)
	c := newCluster(t, sb, dir, first, in.Secrets)
	c.apply(first)
	c.wg.Add(1)
	go c.controllerLoop()
	if !waitSettled(c, 5*time.Minute) {
		dump(t, c)
		t.Fatalf("the %s ensemble never became Ready", what)
	}
	acked := map[string][]string{}
	w, err := startWriter(cp, dir, "/pre")
	must(t, err)
	time.Sleep(5 * time.Second)
	acked["/pre"] = w.end()
	return c, cp, acked
}

func waitSettled(c *cluster, bound time.Duration) bool {
	return zkrun.WaitFor(bound, c.settled)
}

func waitFor(bound time.Duration, cond func() bool) bool { return zkrun.WaitFor(bound, cond) }

func compileClient(t *testing.T, dir, src string) string {
	d := filepath.Join(dir, "client")
	must(t, os.MkdirAll(d, 0o755))
	f := filepath.Join(d, "ZkScale.java")
	must(t, os.WriteFile(f, []byte(src), 0o644))
	if out, _, err := zkrun.Run(120*time.Second, nil, nil, "javac", "-nowarn", "-d", d, "-cp", "/usr/share/java/zookeeper.jar", f); err != nil {
		t.Fatalf("javac ZkScale.java: %v\n%s", err, out)
	}
	return strings.Join([]string{d, "/usr/share/java/zookeeper.jar", "/usr/share/java/zookeeper-jute.jar", "/usr/share/java/slf4j-nop.jar"}, ":")
}

func dump(t *testing.T, c *cluster) {
	for i := 0; i < maxMembers; i++ {
		b, err := os.ReadFile(filepath.Join(c.dir, podName(i)+".log"))
		if err != nil {
			continue
		}
		lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
		t.Logf("---- %s (last 25 lines):\n%s", podName(i), strings.Join(lines[max(0, len(lines)-25):], "\n"))
	}
}

func (r stepResult) name() string {
	if r.label != "" {
		return r.label
	}
	return fmt.Sprintf("%d → %d", r.from, r.to)
}

// report fails every step that lost an acknowledged write or had two
// committing leaders at once, and logs the steps' table.
func report(t *testing.T, rs []stepResult) {
	for _, r := range rs {
		if r.lost > 0 || r.maxVoting > 1 {
			t.Errorf("%s: %d of %d acknowledged writes lost, at most %d committing leaders at once", r.name(), r.lost, r.acked, r.maxVoting)
		}
	}
	var b strings.Builder
	b.WriteString("\n| step | writes acknowledged | lost | client errors | time without a leader | most leaders at once (srvr) | most committing leaders at once | duration |\n|---|---|---|---|---|---|---|---|\n")
	for _, r := range rs {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %.1f s | %d | %d | %.1f s |\n", r.name(), r.acked, r.lost, r.errs, r.noLeader.Seconds(), r.maxLeaders, r.maxVoting, r.duration.Seconds())
	}
	t.Log(b.String())
}
