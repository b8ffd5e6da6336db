package render

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/membership"
	"github.com/zookeeper-fn/zookeeper-fn/internal/zkprops"
)

// Paths inside the container.
const (
	ConfDir    = "/conf"
	DataDir    = "/data"
	DataLogDir = "/datalog"
	LogDir     = "/logs"
	TmpDir     = "/tmp"
)

// PrometheusProvider is the metrics provider class of the official
// distribution (zookeeper-metrics-providers).
const PrometheusProvider = "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider"

// ZooCfg renders zoo.cfg: the properties sorted by key, then one server.X
// line per member in ordinal order, so the file is stable and reviewable.
// Properties are written with java.util.Properties escaping
// (zkprops.Write), so no value can add, end or continue a line.
func ZooCfg(z *api.ZookeeperSpec, m membership.Membership) string {
	return zooCfg(z, m, memberProperties(z, m))
}

// ObserverZooCfg is the observers' zoo.cfg: ZooCfg plus peerType=observer.
func ObserverZooCfg(z *api.ZookeeperSpec, m membership.Membership) string {
	p := memberProperties(z, m)
	p["peerType"] = string(membership.Observer)
	return zooCfg(z, m, p)
}

// memberProperties are the properties of the spec for the membership m.
// With observers a single voter must not run standalone: ZooKeeper 3.8
// refuses observers next to a standalone server ("Observers w/o quorum is
// an invalid configuration", seen on e2e/observers), so the voter leads a
// quorum of one instead, as with dynamic membership.
func memberProperties(z *api.ZookeeperSpec, m membership.Membership) map[string]string {
	p := zooProperties(z)
	if m.ObserverReplicas() > 0 {
		p["standaloneEnabled"] = "false"
	}
	return p
}

func zooCfg(z *api.ZookeeperSpec, m membership.Membership, props map[string]string) string {
	entries := make([]zkprops.Entry, 0, len(props))
	for k, v := range props {
		entries = append(entries, zkprops.Entry{Key: k, Value: v})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Key < entries[j].Key })

	var b strings.Builder
	fmt.Fprintf(&b, "# Rendered by zookeeper-fn from ZookeeperSpec %s: edit the spec, not this file.\n", m.Owner())
	b.WriteString(zkprops.Write(entries))
	if !z.Spec.Membership.Dynamic() {
		b.WriteString(ServerLines(z, m))
	}
	return b.String()
}

// ServerLine is a member's server.X entry: quorum and election ports, the
// role when it does not vote (a participant is ZooKeeper's default), then
// the client port after the semicolon.
func ServerLine(x membership.Member) string {
	role := ""
	if !x.Voting() {
		role = ":" + string(x.Role)
	}
	return fmt.Sprintf("server.%d=%s:%d:%d%s;%d", x.MyID, x.Host, api.QuorumPort, api.ElectionPort, role, api.ClientPort)
}

func zooProperties(z *api.ZookeeperSpec) map[string]string {
	zk := z.Spec.ZooKeeper
	itoa := func(v *int32) string { return strconv.Itoa(int(*v)) }
	p := map[string]string{
		"tickTime":                  itoa(zk.TickTime),
		"initLimit":                 itoa(zk.InitLimit),
		"syncLimit":                 itoa(zk.SyncLimit),
		"maxClientCnxns":            itoa(zk.MaxClientCnxns),
		"dataDir":                   DataDir,
		"autopurge.snapRetainCount": itoa(zk.Autopurge.SnapRetainCount),
		"autopurge.purgeInterval":   itoa(zk.Autopurge.PurgeInterval),
		"4lw.commands.whitelist":    strings.Join(zk.FourLetterWords, ","),
		"admin.enableServer":        strconv.FormatBool(*zk.AdminServer.Enabled),
		// One server line means standalone mode; the membership is static.
		"standaloneEnabled": "true",
		"reconfigEnabled":   "false",
		// Bind quorum and election ports on all addresses: a member must
		// not fail to start because its own DNS record is not served yet.
		"quorumListenOnAllIPs": "true",
	}
	if *zk.AdminServer.Enabled {
		p["admin.serverPort"] = itoa(zk.AdminServer.Port)
	}
	if z.Spec.Storage.DataLog != nil {
		p["dataLogDir"] = DataLogDir
	}
	if *zk.Metrics.Enabled {
		p["metricsProvider.className"] = PrometheusProvider
		p["metricsProvider.httpPort"] = itoa(zk.Metrics.Port)
		p["metricsProvider.exportJvmInfo"] = "true"
	}
	if *zk.ReadOnlyMode {
		// ZooKeeper only admits read-only clients to a partitioned member
		// when sessions start local: without these two it reports
		// "read-only" mode but drops every client.
		p["localSessionsEnabled"] = "true"
		p["localSessionsUpgradingEnabled"] = "true"
	}
	membershipProperties(z, p)
	securityProperties(z, p)
	// spec.zookeeper.config: the zoo.cfg keys of its properties (which are
	// not always the names users write); JVM-flag properties go to env().
	for _, e := range zkprops.ConfigEntries(zk.Config) {
		p[e.Key] = e.Value
	}
	return p
}
