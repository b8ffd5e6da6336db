package render

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
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
func ZooCfg(z *api.ZookeeperSpec, e names.Ensemble) string {
	props := zooProperties(z)
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	var b strings.Builder
	fmt.Fprintf(&b, "# Rendered by zookeeper-fn from ZookeeperSpec %s: edit the spec, not this file.\n", e.Owner())
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%s\n", k, props[k])
	}
	for i := 0; i < int(e.Replicas); i++ {
		b.WriteString(securedServerLine(z, ServerLine(e, i)) + "\n")
	}
	return b.String()
}

// ServerLine is member i's server.X entry: quorum and election ports, then
// the client port after the semicolon.
func ServerLine(e names.Ensemble, i int) string {
	return fmt.Sprintf("server.%d=%s:%d:%d;%d", e.MyID(i), e.Host(i), api.QuorumPort, api.ElectionPort, api.ClientPort)
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
	securityProperties(z, p)
	for k, v := range zk.Config {
		p[k] = v
	}
	return p
}
