//go:build e2e

package scaling

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// word sends a four-letter word to member i ("" when it does not answer).
func word(i int, w string) string {
	conn, err := net.DialTimeout("tcp", addr(i)+":2181", 500*time.Millisecond)
	if err != nil {
		return ""
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := conn.Write([]byte(w)); err != nil {
		return ""
	}
	var b bytes.Buffer
	if _, err := b.ReadFrom(conn); err != nil && !errors.Is(err, syscall.ECONNRESET) {
		return ""
	}
	return b.String()
}

// mode is member i's srvr Mode ("" when it does not answer).
func mode(i int) string {
	for _, l := range strings.Split(word(i, "srvr"), "\n") {
		if v, ok := strings.CutPrefix(l, "Mode: "); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// commits: member i leads and is a voter of the membership it serves. A
// leader that a reconfig removed reports "leader" until the designated
// leader has taken over, but ZooKeeper stops it from committing the
// moment the reconfig commits (Leader.allowedToCommit), so it is not a
// second leader. With static membership every member is a voter.
func commits(i int) bool {
	m := mode(i)
	if m == "standalone" {
		return true
	}
	if m != "leader" {
		return false
	}
	conf := word(i, "conf")
	if !strings.Contains(conf, "membership:") {
		return true // static membership without the conf word's list
	}
	for _, l := range strings.Split(conf, "\n") {
		if strings.HasPrefix(l, fmt.Sprintf("server.%d=", i+1)) {
			return !strings.Contains(l, ":observer")
		}
	}
	return false
}

// leaderWatch polls srvr on every slot continuously and records how
// often two members lead at once and how long none does.
type leaderWatch struct {
	mu          sync.Mutex
	maxLeaders  int      // members reporting Mode: leader at once
	maxVoting   int      // of those, leaders that may commit (commits)
	twoLeaders  []string // when and who
	events      []twoLeaders
	noLeader    time.Duration
	lastLeaders string
	stop        chan struct{}
	done        chan struct{}
}

func watchLeaders() *leaderWatch {
	w := &leaderWatch{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		last := time.Now()
		for {
			select {
			case <-w.stop:
				return
			default:
			}
			var leaders, voting []string
			var wg sync.WaitGroup
			var mu sync.Mutex
			for i := 0; i < maxMembers; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					if m := mode(i); m == "leader" || m == "standalone" {
						c := commits(i)
						mu.Lock()
						leaders = append(leaders, podName(i))
						if c {
							voting = append(voting, podName(i))
						}
						mu.Unlock()
					}
				}(i)
			}
			wg.Wait()
			now := time.Now()
			w.mu.Lock()
			if len(leaders) > w.maxLeaders {
				w.maxLeaders = len(leaders)
			}
			if len(voting) > w.maxVoting {
				w.maxVoting = len(voting)
			}
			if len(voting) > 1 {
				w.twoLeaders = append(w.twoLeaders, fmt.Sprintf("%s %v", now.Format("15:04:05.000"), leaders))
				w.events = append(w.events, twoLeaders{at: now, pods: voting})
			}
			if len(leaders) == 0 {
				w.noLeader += now.Sub(last)
			}
			w.lastLeaders = strings.Join(leaders, ",")
			w.mu.Unlock()
			last = now
			time.Sleep(100 * time.Millisecond)
		}
	}()
	return w
}

func (w *leaderWatch) end() {
	close(w.stop)
	<-w.done
}

// writer is ZkScale write: a client writing continuously through every
// member slot, as through the client Service.
type writer struct {
	cmd   *exec.Cmd
	stop  string
	mu    sync.Mutex
	acked []string
	errs  int
	done  chan struct{}
}

func startWriter(classpath, dir, path string) (*writer, error) {
	var hosts []string
	for i := 0; i < maxMembers; i++ {
		hosts = append(hosts, addr(i)+":2181")
	}
	w := &writer{stop: filepath.Join(dir, "stop-"+strings.ReplaceAll(path, "/", "_")), done: make(chan struct{})}
	_ = os.Remove(w.stop)
	w.cmd = exec.Command("java", "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", classpath, "ZkScale", "write", strings.Join(hosts, ","), path, w.stop)
	out, err := w.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	w.cmd.Stderr = nil
	if err := w.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		defer close(w.done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			l := sc.Text()
			w.mu.Lock()
			if name, ok := strings.CutPrefix(l, "ack "); ok {
				w.acked = append(w.acked, name)
			} else if strings.HasPrefix(l, "err ") {
				w.errs++
			}
			w.mu.Unlock()
		}
		_ = w.cmd.Wait()
	}()
	return w, nil
}

func (w *writer) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.acked)
}

// end stops the writer and returns every acknowledged name.
func (w *writer) end() []string {
	_ = os.WriteFile(w.stop, nil, 0o644)
	select {
	case <-w.done:
	case <-time.After(60 * time.Second):
		_ = w.cmd.Process.Kill()
		<-w.done
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.acked...)
}

// list syncs path through member i alone and returns its children.
func list(classpath string, i int, path string) (map[string]bool, error) {
	cmd := exec.Command("java", "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", classpath, "ZkScale", "list", addr(i)+":2181", path)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := runBounded(cmd, 60*time.Second); err != nil {
		return nil, fmt.Errorf("list %s through %s: %v\n%s", path, podName(i), err, out.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) == 0 || lines[len(lines)-1] != "end" {
		return nil, fmt.Errorf("list %s through %s: no end line\n%s", path, podName(i), out.String())
	}
	got := map[string]bool{}
	for _, l := range lines[:len(lines)-1] {
		got[l] = true
	}
	return got, nil
}

// twoLeaders is one poll in which two voters answered leader.
type twoLeaders struct {
	at   time.Time
	pods []string
}

// handoffMark is what a leader logs when a committed reconfig makes
// another member the designated leader: from then on it commits nothing
// (Leader.tryToCommit sets allowedToCommit=false) while it still answers
// "leader" until it shuts its leadership down.
const handoffMark = "this leader is not the designated leader anymore, setting allowedToCommit=false"

// handedOver reports whether one of the pods logged handoffMark within
// 5 s before the poll: then only the other one could commit.
func handedOver(dir string, ev twoLeaders) bool {
	for _, p := range ev.pods {
		b, err := os.ReadFile(filepath.Join(dir, p+".log"))
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(b), "\n") {
			if !strings.Contains(l, handoffMark) || len(l) < 23 {
				continue
			}
			t, err := time.ParseInLocation("2006-01-02 15:04:05,000", l[:23], time.Local)
			if err == nil && !t.After(ev.at) && ev.at.Sub(t) < 5*time.Second {
				return true
			}
		}
	}
	return false
}

// committing is the largest number of leaders that could commit at once:
// polls where one of two leaders had handed over count one.
func (w *leaderWatch) committing(dir string) int {
	most := min(w.maxVoting, 1)
	for _, ev := range w.events {
		n := len(ev.pods)
		if handedOver(dir, ev) {
			n--
		}
		most = max(most, n)
	}
	return most
}
