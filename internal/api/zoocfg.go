package api

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/zookeeper-fn/zookeeper-fn/internal/zkprops"
)

// Ports every member listens on. They are fixed because clients, probes,
// NetworkPolicy and server.X lines must agree on them.
const (
	ClientPort   = 2181
	QuorumPort   = 2888
	ElectionPort = 3888
)

// fourLetterWords are the commands ZooKeeper 3.9 knows, plus "*".
var fourLetterWords = []string{
	"*", "conf", "cons", "crst", "dirs", "dump", "envi", "gtmk", "hash", "isro",
	"mntr", "ruok", "srst", "srvr", "stat", "stmk", "wchc", "wchp", "wchs",
}

func (zk *ZooKeeper) check(ps *Problems) {
	positive := []struct {
		path string
		v    int32
		min  int32
		fix  string
	}{
		{"spec.zookeeper.tickTime", *zk.TickTime, 1, "2000 (milliseconds)"},
		{"spec.zookeeper.initLimit", *zk.InitLimit, 1, "10 (ticks)"},
		{"spec.zookeeper.syncLimit", *zk.SyncLimit, 1, "5 (ticks)"},
		{"spec.zookeeper.maxClientCnxns", *zk.MaxClientCnxns, 0, "60 (0 means unlimited)"},
		{"spec.zookeeper.autopurge.snapRetainCount", *zk.Autopurge.SnapRetainCount, 3, "5 (ZooKeeper keeps at least 3)"},
		{"spec.zookeeper.autopurge.purgeInterval", *zk.Autopurge.PurgeInterval, 0, "1 (hours; 0 disables purging)"},
	}
	for _, f := range positive {
		if f.v < f.min {
			ps.errorf(f.path, "is %d; it must be at least %d: use e.g. %s", f.v, f.min, f.fix)
		}
	}
	if *zk.Autopurge.PurgeInterval == 0 {
		ps.warnf("spec.zookeeper.autopurge.purgeInterval", "is 0: snapshots and transaction logs are never purged and the data volume fills up; use e.g. 1 (every hour)")
	}
	for i, w := range zk.FourLetterWords {
		if !contains(fourLetterWords, w) {
			ps.errorf(fmt.Sprintf("spec.zookeeper.fourLetterWords[%d]", i), "%q is not a four-letter word ZooKeeper knows; use some of %s", w, strings.Join(fourLetterWords[1:], ", "))
		}
	}
	ports := map[int32]string{ClientPort: "the client port", QuorumPort: "the quorum port", ElectionPort: "the election port"}
	for _, p := range []struct {
		path string
		port int32
	}{{"spec.zookeeper.adminServer.port", *zk.AdminServer.Port}, {"spec.zookeeper.metrics.port", *zk.Metrics.Port}} {
		if p.port < 1 || p.port > 65535 {
			ps.errorf(p.path, "%d is not a port number (1-65535)", p.port)
		} else if other, taken := ports[p.port]; taken {
			ps.errorf(p.path, "%d is already %s; choose another port", p.port, other)
		} else {
			ports[p.port] = p.path
		}
	}
	zk.checkConfig(ps)
}

// checkConfig checks spec.zookeeper.config against the property model:
// only properties ZooKeeper reads and the function does not manage, with
// values of their type (docs/zookeeper-properties.md lists them).
func (zk *ZooKeeper) checkConfig(ps *Problems) {
	keys := make([]string, 0, len(zk.Config))
	for k := range zk.Config {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := zkprops.Check(k, zk.Config[k]); err != nil {
			ps.errorf(configPath(k), "%v", err)
		}
	}
	zk.checkSessionTimeouts(ps)
}

// configPath is the field path of a config key, with control characters
// escaped so that a hostile key cannot break the message.
func configPath(k string) string {
	q := strconv.Quote(k)
	return "spec.zookeeper.config[" + q[1:len(q)-1] + "]"
}

// checkSessionTimeouts: ZooKeeper refuses to start when the minimum
// session timeout (default 2 ticks) is above the maximum (default 20).
func (zk *ZooKeeper) checkSessionTimeouts(ps *Problems) {
	lo, hi := int64(*zk.TickTime)*2, int64(*zk.TickTime)*20
	for k, dst := range map[string]*int64{"minSessionTimeout": &lo, "maxSessionTimeout": &hi} {
		if n, err := strconv.ParseInt(zk.Config[k], 10, 64); err == nil {
			*dst = n
		}
	}
	if lo > hi {
		ps.errorf("spec.zookeeper.config[minSessionTimeout]", "the minimum session timeout %d ms is above the maximum %d ms (defaults: 2 and 20 ticks); ZooKeeper would refuse to start: lower minSessionTimeout or raise maxSessionTimeout", lo, hi)
	}
}
