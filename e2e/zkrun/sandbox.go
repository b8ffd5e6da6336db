//go:build e2e

package zkrun

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// envSandbox is set only for the copy of the test binary that runs
// inside the sandbox; it names the scratch directory.
const envSandbox = "ZKFN_ZKRUN_SANDBOX"

// envKeep keeps the scratch directory (logs, volumes) after the run.
const envKeep = "ZKFN_ZKRUN_KEEP"

// scratchParent holds the scratch directories: not /tmp, which the
// rendered pods mount an emptyDir over (members would not see it).
const scratchParent = "/var/tmp"

// required is what the sandbox runs (hack/zookeeper/install.sh installs
// it; the backup suite's tools come from hack/monitoring/backup-deps.sh).
var required = []string{"unshare", "nsenter", "setpriv", "chroot", "ip", "awk", "cp", "java", "javac", "jcmd", "bash"}

// jars are Debian's jars the members and the client load.
var jars = []string{"zookeeper.jar", "zookeeper-jute.jar", "slf4j-api.jar", "slf4j-log4j12.jar", "log4j-1.2.jar", "servlet-api.jar"}

// sandboxFile is what the host run hands the sandboxed one.
type sandboxFile struct {
	Repo      string // the copy of hack/zookeeper's parent's parent
	ClientDir string // the compiled ZkClient
	Input     json.RawMessage
}

// InSandbox reports whether this is the copy of the test that Reexec
// started inside the sandbox.
func InSandbox() bool { return os.Getenv(envSandbox) != "" }

// Sandboxed is a real-ZooKeeper test's first line: inside the sandbox it
// runs inside (which calls Enter) and reports true, and the test returns;
// on the host it reports false, and the test renders and calls Reexec.
//
//	if zkrun.Sandboxed(t, inSandbox) {
//		return
//	}
func Sandboxed(t *testing.T, inside func(*testing.T)) bool {
	t.Helper()
	if !InSandbox() {
		return false
	}
	inside(t)
	return true
}

// Reexec runs the calling test again inside the sandbox and fails when
// that run fails. input (any JSON value) is what the sandboxed run gets
// from Enter; rendered are the outputs it will run, whose volume mount
// points the sandbox must create. A -run pattern's subtest part is kept,
// so `-run TestX/staging` runs only staging inside too.
func Reexec(t *testing.T, input any, rendered ...*Rendered) {
	t.Helper()
	reexec(t, os.Stdout, input, rendered)
}

// reexec is Reexec with the sandboxed run's output going to out.
func reexec(t *testing.T, out io.Writer, input any, rendered []*Rendered) {
	t.Helper()
	checkMachine(t)
	root := harness.Root(t)
	clientDir := buildClient(t, root)
	work, err := os.MkdirTemp(scratchParent, "zkrun-")
	must0(t, err)
	t.Cleanup(func() {
		if os.Getenv(envKeep) != "" {
			t.Logf("%s is set: logs and volumes stay in %s", envKeep, work)
			return
		}
		_ = os.RemoveAll(work)
	})
	must0(t, os.Chmod(work, 0o755))
	// The members run hack/zookeeper (container.sh, the zkServer.sh
	// stand-in, logging) from a copy: a clone under /tmp, as CI may make,
	// is hidden inside them by their /tmp volume.
	repo := filepath.Join(work, "repo")
	must0(t, os.MkdirAll(filepath.Join(repo, "hack"), 0o755))
	if out, _, err := Run(time.Minute, nil, nil, "cp", "-a", filepath.Join(root, "hack", "zookeeper"), filepath.Join(repo, "hack")); err != nil {
		t.Fatalf("copy hack/zookeeper into the scratch directory: %v\n%s", err, out)
	}
	layImage(t, work, repo)
	Must(t, "chmod", "-R", "a+rX", repo, filepath.Join(work, "image"))
	raw, err := json.Marshal(input)
	must0(t, err)
	b, err := json.Marshal(sandboxFile{Repo: repo, ClientDir: clientDir, Input: raw})
	must0(t, err)
	writeFile(t, filepath.Join(work, "input.json"), string(b), 0o644)
	sbRoot := filepath.Join(work, "root")
	must0(t, os.Mkdir(sbRoot, 0o755))

	// --kill-child and Pdeathsig: if this process dies (^C, go test's
	// timeout), unshare and the sandbox's pid 1 get SIGKILL, and the
	// kernel then kills every process in the sandbox.
	args := []string{"--net", "--mount", "--pid", "--fork", "--kill-child", "--propagation", "private", "--",
		"bash", filepath.Join(repo, "hack", "zookeeper", "sandbox.sh"), sbRoot, strings.Join(mountDirs(t, rendered), ","), "--",
		os.Args[0], "-test.run=" + runPattern(t), "-test.v=true", "-test.count=1", "-test.parallel=" + strconv.Itoa(Parallel())}
	ctx := context.Background()
	if dl, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, dl.Add(-30*time.Second))
		defer cancel()
		args = append(args, "-test.timeout="+time.Until(dl.Add(-45*time.Second)).Round(time.Second).String())
	}
	cmd := exec.CommandContext(ctx, "unshare", args...)
	cmd.Env = append(os.Environ(), envSandbox+"="+work)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	began := time.Now()
	err = cmd.Run()
	t.Logf("sandboxed run took %s", time.Since(began).Round(time.Second))
	if err != nil {
		t.Fatalf("the sandboxed run failed: %v (its output is above)", err)
	}
}

func checkMachine(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatalf("this suite needs root (network namespaces, mounts): run it through make as root")
	}
	for _, c := range required {
		if _, err := exec.LookPath(c); err != nil {
			t.Fatalf("%s not found: run hack/zookeeper/install.sh", c)
		}
	}
	for _, j := range jars {
		if _, err := os.Stat("/usr/share/java/" + j); err != nil {
			t.Fatalf("/usr/share/java/%s is missing: run hack/zookeeper/install.sh", j)
		}
	}
}

// mountDirs are the top-level directories of every path any container of
// the rendered outputs mounts a volume at: sandbox.sh makes each an empty
// directory, so a nested mount path (the Bitnami chart's
// /bitnami/zookeeper) gets its mount point there (Member.containerArgs).
func mountDirs(t *testing.T, rendered []*Rendered) []string {
	t.Helper()
	seen := map[string]bool{}
	for _, r := range rendered {
		for _, d := range r.MountDirs() {
			top := topLevel(d)
			if strings.HasPrefix(scratchParent+"/", top+"/") {
				t.Fatalf("a container mounts a volume at %s, which hides zkrun's scratch directory %s", d, scratchParent)
			}
			seen[top] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// topLevel is the top-level directory of the absolute path p.
func topLevel(p string) string { return "/" + strings.SplitN(strings.TrimPrefix(p, "/"), "/", 2)[0] }

// runPattern is ^<test>$ plus the subtest part of this run's -run.
func runPattern(t *testing.T) string {
	p := "^" + t.Name() + "$"
	if f := flag.Lookup("test.run"); f != nil {
		if _, sub, ok := strings.Cut(f.Value.String(), "/"); ok {
			p += "/" + sub
		}
	}
	return p
}

// Sandbox is the sandboxed run's machine: its scratch directory, the
// bridge every member's network namespace joins, and the Java client.
type Sandbox struct {
	// Dir is the scratch directory: logs and volumes live below it.
	Dir       string
	repo      string // the copy of hack/zookeeper's parent's parent
	clientDir string
	slots     slots
}

var (
	sbOnce sync.Once
	sb     *Sandbox
	sbIn   json.RawMessage
)

// Enter, inside the sandbox, decodes the input Reexec was given into in
// and returns the sandbox, with its network set up.
func Enter(t *testing.T, in any) *Sandbox {
	t.Helper()
	work := os.Getenv(envSandbox)
	if work == "" || os.Getpid() != 1 {
		t.Fatalf("zkrun.Enter outside the sandbox: call it only from the function given to zkrun.Sandboxed")
	}
	sbOnce.Do(func() {
		var f sandboxFile
		b, err := os.ReadFile(filepath.Join(work, "input.json"))
		must0(t, err)
		must0(t, json.Unmarshal(b, &f))
		s := &Sandbox{Dir: work, repo: f.Repo, clientDir: f.ClientDir}
		s.setupNetwork(t)
		sb, sbIn = s, f.Input
	})
	if sb == nil {
		t.Fatalf("the sandbox could not be set up (see the first test's failure)")
	}
	must0(t, json.Unmarshal(sbIn, in))
	return sb
}
