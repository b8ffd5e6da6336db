//go:build e2e

package backup

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// envWeed names SeaweedFS's weed binary (hack/s3/build.sh, cached).
const envWeed = "ZKFN_WEED"

// weedBinary is the binary make e2e-backup built, or a failure that
// says how to get it: the S3 tests never fall back to anything else.
func weedBinary(t *testing.T) string {
	w := os.Getenv(envWeed)
	if w == "" {
		t.Fatalf("$%s is not set: run the suite through `make e2e-backup`, or set it to the output of hack/s3/build.sh", envWeed)
	}
	if _, err := os.Stat(w); err != nil {
		t.Fatalf("$%s: %v (hack/s3/build.sh builds it)", envWeed, err)
	}
	return w
}

// seaweed is the real S3 server: SeaweedFS's `weed mini` (master,
// volume server, filer and S3 gateway in one process) on the sandbox
// bridge, where the members reach it at the address the specs name. It
// authenticates every request with AWS signature version 4 against the
// identities of its S3 config and, keyless, the temporary credentials of
// its own STS; the suite inspects the bucket with a key of its own.
type seaweed struct {
	proc    *harness.Proc
	inspect s3Client // the suite's own Admin key
}

// inspectorKey is the suite's own key: a fresh secret each run.
func inspectorKey() credential {
	return credential{id: "ZKFNE2EINSPECTOR", secret: randHex(20)}
}

// identity is an entry of SeaweedFS's S3 config (-s3.config): a name, its
// keys and the actions it may take (Action or Action:bucket).
type identity struct {
	Name        string           `json:"name"`
	Credentials []map[string]any `json:"credentials"`
	Actions     []string         `json:"actions"`
}

func keyIdentity(name string, c credential, actions ...string) identity {
	return identity{Name: name, Credentials: []map[string]any{{"accessKey": c.id, "secretKey": c.secret}}, Actions: actions}
}

// startSeaweed starts the server with the given identities and, if iam
// is not nil, the advanced IAM config (STS, OIDC providers, roles,
// policies); it returns once the bucket answers the suite's listing.
func startSeaweed(t *testing.T, dir string, in *s3Input, ids []identity, iam any) *seaweed {
	t.Helper()
	admin := inspectorKey()
	ids = append([]identity{keyIdentity("zkfn-e2e-inspector", admin, "Admin", "Read", "List", "Write", "Tagging")}, ids...)
	must(t, os.MkdirAll(filepath.Join(dir, "data"), 0o700))
	args := weedArgs(t, dir, in, writeJSON(t, filepath.Join(dir, "s3.json"), map[string]any{"identities": ids}))
	if iam != nil {
		args = append(args, "-s3.iam.config="+writeJSON(t, filepath.Join(dir, "iam.json"), iam))
	}
	cmd := exec.Command(in.Weed, args...)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	log := filepath.Join(dir, "weed.log")
	p, err := harness.StartProc(cmd, log, "===== "+strings.Join(cmd.Args, " ")+"\n")
	must(t, err)
	s := &seaweed{proc: p, inspect: s3Client{endpoint: "http://" + in.Addr, bucket: in.Bucket, region: in.Region, key: admin}}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("SeaweedFS log (%s):\n%s", log, harness.Tail(log, 40))
		}
		t.Logf("SeaweedFS: %s", peakMemory(p.Pid()))
		p.Stop(10 * time.Second)
	})
	s.waitReady(t, in)
	return s
}

// weedArgs: `weed mini` with the S3 gateway at in.Addr and its config.
func weedArgs(t *testing.T, dir string, in *s3Input, cfg string) []string {
	host, port, err := net.SplitHostPort(in.Addr)
	must(t, err)
	return []string{"mini", "-dir=" + filepath.Join(dir, "data"), "-ip=" + host, "-ip.bind=" + host,
		"-s3.port=" + port, "-s3.config=" + cfg, "-bucket=" + in.Bucket,
		// Only the S3 gateway: no WebDAV, admin UI, Iceberg or Lance
		// endpoints, and no telemetry (nothing leaves the sandbox anyway).
		"-webdav=false", "-admin.ui=false", "-s3.port.iceberg=0", "-s3.port.lance=0", "-master.telemetry=false"}
}

// waitReady waits until the bucket answers the suite's listing.
func (s *seaweed) waitReady(t *testing.T, in *s3Input) {
	p, log := s.proc, s.proc.Log
	began := time.Now()
	var last s3Answer
	ready := zkrun.WaitFor(3*time.Minute, func() bool {
		if !p.Running() {
			return true
		}
		last = s.tryList(in.Prefix)
		return last.ok()
	})
	if !ready || !p.Running() {
		t.Fatalf("SeaweedFS's S3 gateway at %s did not list bucket %s within 3m (last answer: %s):\n%s", in.Addr, in.Bucket, last, harness.Tail(log, 40))
	}
	t.Logf("SeaweedFS S3 gateway ready at %s in %s (bucket %s)", in.Addr, time.Since(began).Round(100*time.Millisecond), in.Bucket)
}

// tryList is one listing; the server may not answer yet.
func (s *seaweed) tryList(prefix string) s3Answer {
	a, err := s.inspect.send("GET", "/"+s.inspect.bucket, "list-type=2&max-keys=1&prefix="+awsEscape(prefix), nil)
	if err != nil {
		return s3Answer{code: "(no answer)", message: err.Error()}
	}
	return a
}

// pad puts n objects under prefix/a-unrelated/, keys that sort before
// every member's archives: with more than 1000 (ListObjectsV2's page),
// the archives are on a later page, so the sidecar and the restore find
// them only by following continuation tokens.
func (s *seaweed) pad(t *testing.T, prefix string, n int) {
	began := time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed []string
	work := make(chan int)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				key := fmt.Sprintf("%s/a-unrelated/%04d.txt", prefix, i)
				a, err := s.inspect.send("PUT", "/"+s.inspect.bucket+"/"+awsPath(key), "", []byte("not an archive\n"))
				if err != nil || !a.ok() {
					mu.Lock()
					failed = append(failed, fmt.Sprintf("PUT %s: %v %s", key, err, a))
					mu.Unlock()
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
	if len(failed) > 0 {
		t.Fatalf("%d of %d PUTs failed, first: %s", len(failed), n, failed[0])
	}
	if got := len(s.inspect.list(t, prefix+"/")); got != n {
		t.Fatalf("the bucket lists %d keys under %s/ after %d PUTs", got, prefix, n)
	}
	t.Logf("put %d unrelated objects under %s/ in %s: the archives are on ListObjectsV2's second page", n, prefix, time.Since(began).Round(100*time.Millisecond))
}

// s3Target is the bucket as the test inspects it, through the server.
type s3Target struct {
	s      *seaweed
	prefix string
}

func (s s3Target) all(t *testing.T) []string {
	var out []string
	for _, k := range s.s.inspect.list(t, s.prefix+"/") {
		rest := strings.TrimPrefix(k, s.prefix+"/")
		if pod, name, ok := strings.Cut(rest, "/"); ok && !strings.Contains(name, "/") && strings.HasSuffix(name, ".tar.gz") {
			out = append(out, pod+"/"+name)
		}
	}
	return out
}

func (s s3Target) read(t *testing.T, path string) []byte {
	return s.s.inspect.get(t, s.prefix+"/"+path)
}

func writeJSON(t *testing.T, path string, v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	must(t, err)
	must(t, os.WriteFile(path, b, 0o600))
	return path
}

// peakMemory is the process's peak resident memory and CPU time so far.
func peakMemory(pid int) string {
	st := readFile(fmt.Sprintf("/proc/%d/status", pid))
	var hwm string
	for _, l := range strings.Split(st, "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			hwm = strings.TrimSpace(v)
		}
	}
	f := strings.Fields(readFile(fmt.Sprintf("/proc/%d/stat", pid)))
	if len(f) < 15 {
		return "peak memory " + hwm
	}
	ut, _ := strconv.Atoi(f[13])
	stt, _ := strconv.Atoi(f[14])
	return fmt.Sprintf("peak memory %s, CPU %.1fs", hwm, float64(ut+stt)/100)
}
