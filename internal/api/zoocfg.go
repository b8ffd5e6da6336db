package api

import (
	"fmt"
	"sort"
	"strings"
)

// Ports every member listens on. They are fixed because clients, probes,
// NetworkPolicy and server.X lines must agree on them.
const (
	ClientPort   = 2181
	QuorumPort   = 2888
	ElectionPort = 3888
)

// managedKeys are zoo.cfg properties the function renders itself; each
// maps to the spec field that sets it.
var managedKeys = map[string]string{
	"tickTime": "spec.zookeeper.tickTime", "initLimit": "spec.zookeeper.initLimit",
	"syncLimit": "spec.zookeeper.syncLimit", "maxClientCnxns": "spec.zookeeper.maxClientCnxns",
	"dataDir": "spec.storage", "dataLogDir": "spec.storage.dataLog", "clientPort": "(fixed at 2181)",
	"autopurge.snapRetainCount": "spec.zookeeper.autopurge.snapRetainCount",
	"autopurge.purgeInterval":   "spec.zookeeper.autopurge.purgeInterval",
	"4lw.commands.whitelist":    "spec.zookeeper.fourLetterWords",
	"admin.enableServer":        "spec.zookeeper.adminServer.enabled", "admin.serverPort": "spec.zookeeper.adminServer.port",
	"metricsProvider.className": "spec.zookeeper.metrics.enabled", "metricsProvider.httpPort": "spec.zookeeper.metrics.port",
	"localSessionsEnabled":          "spec.zookeeper.readOnlyMode",
	"localSessionsUpgradingEnabled": "spec.zookeeper.readOnlyMode",
	"standaloneEnabled":             "spec.replicas", "reconfigEnabled": "(static membership; see the README on scaling)",
	"dynamicConfigFile": "(static membership; see the README on scaling)",
}

// extraKeys are the zoo.cfg properties of the ZooKeeper 3.9 administrator's
// guide that users may set through spec.zookeeper.config.
var extraKeys = []string{
	"admin.commandURL", "admin.idleTimeout", "admin.serverAddress",
	"cnxTimeout", "commitLogCount", "connectToLearnerMasterLimit",
	"electionPortBindRetry", "enforceQuota", "fsync.warningthresholdms",
	"globalOutstandingLimit", "jute.maxbuffer", "learner.asyncSending",
	"leader.nodelay", "leaderServes", "largeRequestMaxBytes", "largeRequestThreshold",
	"maxCnxns", "maxSessionTimeout", "metricsProvider.exportJvmInfo",
	"minSessionTimeout", "multiAddress.enabled", "nettyTLS",
	"preAllocSize", "quorum.auth.enableSasl", "quorum.auth.learnerRequireSasl",
	"quorum.auth.serverRequireSasl", "quorumListenOnAllIPs", "requestThrottleLimit",
	"requestThrottleStallTime", "requestThrottledOpWaitTime", "serverCnxnFactory",
	"skipACL", "snapCount", "snapSizeLimitInKb", "snapshot.compression.method",
	"snapshot.trust.empty", "sslQuorum", "syncEnabled", "tcpKeepAlive",
	"txnLogSizeLimitInKb", "zookeeper.request_throttler.shutdownTimeout",
	"zookeeper.commitProcessor.maxReadBatchSize", "zookeeper.commitProcessor.maxWriteBatchSize",
	"zookeeper.connection_throttle_tokens", "zookeeper.connection_throttle_fill_time",
	"zookeeper.connection_throttle_fill_count", "zookeeper.flushDelay", "zookeeper.maxBatchSize",
	"zookeeper.snapshotSizeFactor", "zookeeper.forceSync",
}

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

func (zk *ZooKeeper) checkConfig(ps *Problems) {
	keys := make([]string, 0, len(zk.Config))
	for k := range zk.Config {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		path := fmt.Sprintf("spec.zookeeper.config[%s]", k)
		if field, managed := managedKeys[k]; managed || strings.HasPrefix(k, "server.") || strings.HasPrefix(k, "group.") || strings.HasPrefix(k, "weight.") {
			if !managed {
				field = "spec.replicas (server.X lines follow the StatefulSet's ordinals)"
			}
			ps.errorf(path, "%q is managed by the function; set %s instead", k, field)
			continue
		}
		if !contains(extraKeys, k) && !strings.HasPrefix(k, "ssl.") && !strings.HasPrefix(k, "ssl.quorum.") {
			msg := fmt.Sprintf("%q is not a zoo.cfg property this function knows", k)
			if s := closest(k, extraKeys); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			} else {
				msg += "; see the README for the accepted keys"
			}
			ps.errorf(path, "%s", msg)
			continue
		}
		if v := zk.Config[k]; strings.TrimSpace(v) == "" || strings.ContainsAny(v, "\n\r") {
			ps.errorf(path, "value %q must be a single non-empty line", v)
		}
	}
}

// closest returns the candidate nearest to s by edit distance, if close.
func closest(s string, candidates []string) string {
	best, bestD := "", len(s)/3+2
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// ExtraConfigKeys lists the keys accepted in spec.zookeeper.config, sorted.
func ExtraConfigKeys() []string {
	out := append([]string(nil), extraKeys...)
	sort.Strings(out)
	return out
}
