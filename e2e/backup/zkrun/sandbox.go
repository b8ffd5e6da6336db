//go:build e2e

// Package zkrun runs what the function renders for a ZooKeeper ensemble
// on this machine: Debian's ZooKeeper, one member per network namespace
// with the real ports and hostnames, each container of the StatefulSet's
// pod (server, sidecars, init containers) with its own command,
// environment, user and volume mounts, inside a sandbox (unshare --net
// --mount --pid) that keeps the host untouched and kills every process
// with the test. It is the e2e-monitoring and e2e-backup suites' own
// small harness, after e2e/zookeeper's.
package zkrun

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

const envSandbox = "ZKFN_ZKRUN_SANDBOX"

// ScratchParent holds the scratch directories: not /tmp, which the pods
// mount an emptyDir over.
const ScratchParent = "/var/tmp"

// Required lists what the sandbox needs from the machine (installed by
// hack/zookeeper/install.sh and hack/monitoring/backup-deps.sh).
var Required = []string{"unshare", "setpriv", "chroot", "mountpoint", "ip", "java", "javac", "bash", "tar", "gzip", "cmp", "curl", "openssl"}

// InSandbox reports whether this is the re-executed copy of the test.
func InSandbox() bool { return os.Getenv(envSandbox) != "" }

// Reexec runs the calling test again inside the sandbox, with input
// (JSON) in a fresh scratch directory and mount points for mountDirs,
// and fails when that run fails. Inside, Input returns the scratch
// directory and input.
func Reexec(t *testing.T, root string, mountDirs []string, input any) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatalf("this suite needs root (network namespaces, mounts): run it through make as root")
	}
	for _, c := range Required {
		if _, err := exec.LookPath(c); err != nil {
			t.Fatalf("%s not found: run hack/zookeeper/install.sh and hack/monitoring/backup-deps.sh", c)
		}
	}
	work, err := os.MkdirTemp(ScratchParent, "zkrun-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if os.Getenv("ZKFN_ZKRUN_KEEP") != "" {
			t.Logf("ZKFN_ZKRUN_KEEP is set: logs and volumes stay in %s", work)
			return
		}
		_ = os.RemoveAll(work)
	})
	must0(t, os.Chmod(work, 0o755))
	b, err := json.Marshal(input)
	must0(t, err)
	must0(t, os.WriteFile(filepath.Join(work, "input.json"), b, 0o644))
	// The test binary lives under /tmp, which the pods' mounts hide in
	// the sandbox: run a copy from the scratch directory.
	self := filepath.Join(work, "test.bin")
	if out, _, err := Run(60*time.Second, nil, nil, "cp", os.Args[0], self); err != nil {
		t.Fatalf("copy the test binary: %v\n%s", err, out)
	}
	// The repository may be under a directory the pods mount over (a
	// clone in /tmp): the sandbox gets a copy of the files it runs.
	for _, d := range sandboxFiles {
		dst := filepath.Join(work, "repo", d)
		must0(t, os.MkdirAll(filepath.Dir(dst), 0o755))
		if out, _, err := Run(60*time.Second, nil, nil, "cp", "-a", filepath.Join(root, d), dst); err != nil {
			t.Fatalf("copy %s into the sandbox: %v\n%s", d, err, out)
		}
	}
	must0(t, os.Chmod(filepath.Join(work, "repo"), 0o755))
	sbRoot := filepath.Join(work, "root")
	must0(t, os.Mkdir(sbRoot, 0o755))
	dirs := append([]string(nil), mountDirs...)
	sort.Strings(dirs)
	pattern := "^" + t.Name() + "$"
	if f := flag.Lookup("test.run"); f != nil && f.Value.String() != "" {
		pattern = f.Value.String()
	}
	args := []string{"--net", "--mount", "--pid", "--fork", "--propagation", "private", "--",
		"bash", filepath.Join(work, "repo", "e2e", "backup", "zkrun", "sandbox.sh"), sbRoot, strings.Join(dirs, ","), "--",
		self, "-test.run=" + pattern, "-test.v=true", "-test.count=1"}
	ctx := context.Background()
	if dl, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, dl.Add(-30*time.Second))
		defer cancel()
		args = append(args, "-test.timeout="+time.Until(dl.Add(-45*time.Second)).Round(time.Second).String())
	}
	cmd := exec.CommandContext(ctx, "unshare", args...)
	cmd.Dir = work
	cmd.Env = append(os.Environ(), envSandbox+"="+work)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Run(); err != nil {
		t.Fatalf("the sandboxed run failed: %v (its output is above)", err)
	}
}

// sandboxFiles are the repository's files the sandboxed run uses.
var sandboxFiles = []string{"e2e/backup/zkrun", "hack/zookeeper/bin", "hack/zookeeper/log4j"}

// Root is, inside the sandbox, the copy of the repository's files the
// sandboxed run uses (sandboxFiles), laid out as in the repository.
func Root() string { return filepath.Join(os.Getenv(envSandbox), "repo") }

// Input reads the input Reexec passed and returns the scratch directory.
func Input(t *testing.T, v any) string {
	t.Helper()
	work := os.Getenv(envSandbox)
	if os.Getpid() != 1 {
		t.Fatalf("%s is set but this is not the sandbox's pid 1", envSandbox)
	}
	b, err := os.ReadFile(filepath.Join(work, "input.json"))
	must0(t, err)
	must0(t, json.Unmarshal(b, v))
	return work
}

// The sandbox network: a bridge with the test's own address, one network
// namespace per member joined to it by a veth pair.
const (
	bridge = "zkrunbr0"
	subnet = "10.219.0"
	// TestAddr is the test process's address on the bridge.
	TestAddr = subnet + ".1"
)

// SetupNetwork creates the bridge; call it once inside the sandbox.
func SetupNetwork(t testing.TB) {
	t.Helper()
	Must(t, "ip", "link", "add", bridge, "type", "bridge")
	Must(t, "ip", "addr", "add", TestAddr+"/24", "dev", bridge)
	Must(t, "ip", "link", "set", bridge, "up")
}

// memberAddr is member ordinal i's address.
func memberAddr(i int) string { return fmt.Sprintf("%s.%d", subnet, 10+i) }

// addNetns creates namespace name with eth0 at addr on the bridge and
// returns a function that deletes it.
func addNetns(t testing.TB, name, addr string) func() {
	t.Helper()
	host := "v" + name
	Must(t, "ip", "netns", "add", name)
	// A MAC address that follows from the IP address: namespaces that
	// outlive an ensemble keep neighbour (ARP) entries per address, which
	// a reused address on a random MAC would leave pointing nowhere for
	// tens of seconds (issue 18). The flush is a second guard.
	ip := net.ParseIP(addr).To4()
	mac := fmt.Sprintf("02:00:%02x:%02x:%02x:%02x", ip[0], ip[1], ip[2], ip[3])
	Must(t, "ip", "link", "add", host, "type", "veth", "peer", "name", "eth0", "address", mac, "netns", name)
	Must(t, "ip", "link", "set", host, "master", bridge, "up")
	_, _, _ = Run(10*time.Second, nil, nil, "ip", "neigh", "flush", "to", addr)
	Must(t, "ip", "-n", name, "link", "set", "lo", "up")
	Must(t, "ip", "-n", name, "addr", "add", addr+"/24", "dev", "eth0")
	Must(t, "ip", "-n", name, "link", "set", "eth0", "up")
	return func() { _, _, _ = Run(10*time.Second, nil, nil, "ip", "netns", "del", name) }
}

// Run runs a command with a bound (killing its process group after it),
// stdin from in, and returns its combined output and exit code.
func Run(timeout time.Duration, env []string, in []byte, name string, args ...string) (string, int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 2 * time.Second
	if env != nil {
		cmd.Env = env
	}
	if in != nil {
		cmd.Stdin = bytes.NewReader(in)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := -1
	if cmd.ProcessState != nil {
		code = cmd.ProcessState.ExitCode()
	}
	if ctx.Err() != nil {
		return out.String(), code, fmt.Errorf("%s %s: timed out after %s", name, strings.Join(args, " "), timeout)
	}
	return out.String(), code, err
}

// Must runs a command that has to succeed within 30 s.
func Must(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, _, err := Run(30*time.Second, nil, nil, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

func must0(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// WaitFor polls cond every 100 ms until it holds or bound passes.
func WaitFor(bound time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(bound)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}
