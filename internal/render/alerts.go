package render

import (
	"fmt"
	"strings"

	monv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/membership"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// ExternalMetrics are the series the rules and the dashboard read that
// ZooKeeper does not export, with who does. Every other metric name they
// use must be one ZooKeeper's Prometheus provider exports (the e2e suite
// checks them against a real member's mntr).
var ExternalMetrics = map[string]string{
	"up":                                   "Prometheus itself, one series per scrape target",
	"kubelet_volume_stats_available_bytes": "the kubelet (kube-prometheus' kubelet ServiceMonitor)",
	"kubelet_volume_stats_capacity_bytes":  "the kubelet (kube-prometheus' kubelet ServiceMonitor)",
}

// Alert severities.
const (
	SeverityCritical = "critical"
	SeverityWarning  = "warning"
)

// alert is one rule before it becomes a monv1.Rule.
type alert struct {
	name, expr, forDuration, severity string
	summary, description, runbook     string
}

// PrometheusRule holds the ensemble's alert rules in one group.
func PrometheusRule(z *api.ZookeeperSpec, m membership.Membership) *monv1.PrometheusRule {
	e := m.Ensemble
	pr := z.Spec.Monitoring.PrometheusRule
	meta := objectMeta(e, e.Name)
	meta.Labels = withLabels(e.Labels(), pr.Labels)
	return &monv1.PrometheusRule{
		TypeMeta:   typeMeta(monv1.SchemeGroupVersion.String(), monv1.PrometheusRuleKind),
		ObjectMeta: meta,
		Spec: monv1.PrometheusRuleSpec{Groups: []monv1.RuleGroup{{
			Name:  "zookeeper-" + e.NamespaceOrDefault() + "-" + e.Name,
			Rules: AlertRules(z, m),
		}}},
	}
}

// AlertRules are the alerts, in a fixed order.
func AlertRules(z *api.ZookeeperSpec, m membership.Membership) []monv1.Rule {
	e := m.Ensemble
	pr := z.Spec.Monitoring.PrometheusRule
	var rules []monv1.Rule
	for _, a := range alerts(z, m) {
		ann := map[string]string{
			"summary":     a.summary,
			"description": a.description,
			"runbook":     a.runbook,
		}
		if pr.RunbookURL != "" {
			ann["runbook_url"] = strings.TrimSuffix(pr.RunbookURL, "/") + "#" + strings.ToLower(a.name)
		}
		d := monv1.Duration(a.forDuration)
		rules = append(rules, monv1.Rule{
			Alert: a.name,
			Expr:  intstr.FromString(a.expr),
			For:   &d,
			Labels: map[string]string{
				"severity":          a.severity,
				names.LabelName:     names.AppName,
				names.LabelInstance: e.Name,
				"namespace":         e.NamespaceOrDefault(),
			},
			Annotations: ann,
		})
	}
	return rules
}

// alerts lists the rules. Metric names follow ZooKeeper's Prometheus
// provider (simpleclient 0.9): gauges and counters keep their ZooKeeper
// name (mntr shows them with a zk_ prefix), summaries add _count and
// _sum (mntr: zk_cnt_<name>, zk_sum_<name>).
//
// Every member answers scrapes (n); the quorum counts voters only.
func alerts(z *api.ZookeeperSpec, m membership.Membership) []alert {
	e := m.Ensemble
	t := z.Spec.Monitoring.PrometheusRule.Thresholds
	sel := promSelector(z, e)
	n := len(m.Members)
	majority := m.Majority()
	all := fmt.Sprintf(`(count(up{%s} == 1) or vector(0))`, sel)
	up := votersUp(m, sel)
	out := []alert{{
		name: "ZookeeperMemberDown", expr: fmt.Sprintf(`%s < %d`, all, n), forDuration: "5m", severity: SeverityWarning,
		summary:     fmt.Sprintf("ZooKeeper %s: {{ $value }} of %d members answer scrapes", e.Owner(), n),
		description: fmt.Sprintf("Fewer than %d members of %s are up. The ensemble tolerates %d member(s) down; one more failure may cost the quorum.", n, e.Owner(), m.FaultTolerance()),
		runbook: fmt.Sprintf("kubectl -n %s get pods -l %s=%s: find the member that is not Running/Ready; `kubectl describe pod` and its logs (previous container too) say why: "+
			"Pending (PVC not bound, anti-affinity has no node), CrashLoopBackOff (myid mismatch names the PVC to inspect, a corrupt log names the file), OOMKilled (raise the memory limit). Never delete a member's PVC to make it start.",
			e.NamespaceOrDefault(), names.LabelInstance, e.Name),
	}}
	if m.Voters() > 1 {
		out = append(out, alert{
			name: "ZookeeperQuorumLost", expr: fmt.Sprintf(`%s < %d`, up, majority), forDuration: "1m", severity: SeverityCritical,
			summary:     fmt.Sprintf("ZooKeeper %s has lost its quorum: {{ $value }} of %d members up, %d needed", e.Owner(), m.Voters(), majority),
			description: "Fewer than a majority of members run: the ensemble serves no writes and, unless read-only mode is on, no reads. Every client of it is down.",
			runbook:     "Restore members, not data: get the missing pods Running (see ZookeeperMemberDown). Do not wipe volumes or change replicas while the quorum is lost; the members with the newest data must rejoin. If the volumes of a majority are gone, restore from backup (docs/backup.md).",
		}, alert{
			name: "ZookeeperNoLeader", expr: fmt.Sprintf(`absent(synced_followers{%s}) and on() %s >= %d`, sel, up, majority), forDuration: "2m", severity: SeverityCritical,
			summary:     fmt.Sprintf("ZooKeeper %s has no leader although a majority of members is up", e.Owner()),
			description: "Only the leader exports synced_followers. Members run but do not agree on a leader: elections fail (network policy or DNS between members, initLimit too low for the snapshot size, or GC-paused members).",
			runbook:     "Check `echo srvr | nc <member> 2181` on each member (Mode: leader/follower/looking). Look in the logs for 'Cannot open channel to N' (quorum/election ports 2888/3888 blocked or DNS of <pod>.<name>-headless not resolving) and for initLimit timeouts while syncing a large snapshot (raise spec.zookeeper.initLimit).",
		}, alert{
			name: "ZookeeperMemberNotFollowing", expr: fmt.Sprintf(`max(synced_followers{%s}) < %d`, sel, m.Voters()-1), forDuration: "5m", severity: SeverityWarning,
			summary:     fmt.Sprintf("ZooKeeper %s: the leader has {{ $value }} synced followers of %d", e.Owner(), m.Voters()-1),
			description: "A member runs but is not following the leader (stuck syncing, partitioned, or on another server list after a bad scale). The quorum is thinner than it looks.",
			runbook:     "Find the member whose srvr Mode is not follower (readiness fails on it). Its log tells why it cannot sync: connection refused to the leader's 2888, 'Follower is ahead of the leader' after restoring an old volume, or a server.X list that differs from the others' (render and apply the ConfigMap and StatefulSet together).",
		}, alert{
			name: "ZookeeperFrequentElections", expr: fmt.Sprintf(`increase(looking_count{%s}[1h]) > %d`, sel, *t.ElectionsPerHour), forDuration: "5m", severity: SeverityWarning,
			summary:     "ZooKeeper {{ $labels.pod }} went into leader election {{ $value | humanize }} times in an hour",
			description: "Each election stops all writes for its duration. Frequent elections mean members lose the leader: long GC pauses, slow fsync (see ZookeeperFsyncSlow), CPU throttling or a flapping network.",
			runbook:     "Correlate with the member's GC logs and fsync time; check for CPU limits (the function sets none on purpose) and node pressure. Raising syncLimit/tickTime hides the symptom at the cost of slower failure detection.",
		})
	}
	return append(out, loadAlerts(sel, membersVolumes(m), t)...)
}

// membersVolumes matches the claims of every member: the voters', and the
// observers' (<template>-<name>-observer-<i>) when there are any.
func membersVolumes(m membership.Membership) string {
	if m.ObserverReplicas() == 0 {
		return volumeSelector(m.Ensemble)
	}
	e := m.Ensemble
	return fmt.Sprintf(`namespace=%q,persistentvolumeclaim=~"(%s|%s)-%s(%s)?-[0-9]+"`,
		e.NamespaceOrDefault(), names.DataVolume, names.DataLogVolume, e.StatefulSet(), names.ObserverSuffix)
}

// loadAlerts are the per-member load and resource rules; vol selects the
// members' volumes.
func loadAlerts(sel, vol string, t api.AlertThresholds) []alert {
	free := fmt.Sprintf(`100 * kubelet_volume_stats_available_bytes{%s} / kubelet_volume_stats_capacity_bytes{%s}`, vol, vol)
	return []alert{{
		name: "ZookeeperOutstandingRequestsHigh", expr: fmt.Sprintf(`outstanding_requests{%s} > %d`, sel, *t.OutstandingRequests), forDuration: "5m", severity: SeverityWarning,
		summary:     "ZooKeeper {{ $labels.pod }} has {{ $value }} requests queued",
		description: "Requests arrive faster than the member processes them; clients see latency and then timeouts.",
		runbook:     "Check fsync time (slow disk) and the leader's load; look for a client flooding the ensemble (`echo cons | nc <member> 2181`). Spread reads over more members or fix the client.",
	}, {
		name: "ZookeeperRequestLatencyHigh", expr: fmt.Sprintf(`rate(updatelatency_sum{%s}[5m]) / rate(updatelatency_count{%s}[5m]) > %d`, sel, sel, *t.AvgLatencyMillis), forDuration: "10m", severity: SeverityWarning,
		summary:     "ZooKeeper {{ $labels.pod }}: writes take {{ $value | humanize }} ms on average",
		description: "Writes wait for a quorum to log them; high write latency is usually the slowest disk of the majority or the network between members.",
		runbook:     "Compare ZookeeperFsyncSlow per member, the members' network, and the leader's CPU. A separate transaction-log volume on SSD (spec.storage.dataLog) is the main cure.",
	}, {
		name: "ZookeeperFsyncSlow", expr: fmt.Sprintf(`rate(fsynctime_sum{%s}[5m]) / rate(fsynctime_count{%s}[5m]) > %d`, sel, sel, *t.FsyncMillis), forDuration: "10m", severity: SeverityWarning,
		summary:     "ZooKeeper {{ $labels.pod }}: transaction-log fsync takes {{ $value | humanize }} ms on average",
		description: "Every write is fsynced to the transaction log before it is acknowledged; a slow disk stalls the whole ensemble and, past syncLimit, drops followers.",
		runbook:     "Move the transaction log to its own fast volume (spec.storage.dataLog with an SSD class); check the volume's IOPS limits and noisy neighbours on the node; never turn forceSync off in production.",
	}, {
		name: "ZookeeperTooManyConnections", expr: fmt.Sprintf(`num_alive_connections{%s} > %d`, sel, *t.Connections), forDuration: "5m", severity: SeverityWarning,
		summary:     "ZooKeeper {{ $labels.pod }} has {{ $value }} client connections",
		description: "Many connections cost memory and file descriptors; a client leaking sessions usually causes it.",
		runbook:     "List connections per client with `echo cons | nc <member> 2181`; fix the leaking client. spec.zookeeper.maxClientCnxns limits connections per client address.",
	}, {
		name: "ZookeeperConnectionsRejected", expr: fmt.Sprintf(`increase(connection_rejected{%s}[5m]) > 0`, sel), forDuration: "1m", severity: SeverityWarning,
		summary:     "ZooKeeper {{ $labels.pod }} rejected {{ $value | humanize }} connections in 5 minutes",
		description: "Clients hit maxClientCnxns (per address) or maxCnxns and were refused.",
		runbook:     "Find the client address with the most connections (`echo cons | nc <member> 2181`); raise spec.zookeeper.maxClientCnxns only when that client needs them.",
	}, {
		name: "ZookeeperFileDescriptorsHigh", expr: fmt.Sprintf(`open_file_descriptor_count{%s} / max_file_descriptor_count{%s} > 0.8`, sel, sel), forDuration: "10m", severity: SeverityWarning,
		summary:     "ZooKeeper {{ $labels.pod }} uses {{ $value | humanizePercentage }} of its file descriptors",
		description: "Out of descriptors, the member cannot accept connections or open log files.",
		runbook:     "Usually too many connections (see ZookeeperTooManyConnections); otherwise raise the container runtime's nofile limit.",
	}, {
		name: "ZookeeperVolumeFilling", expr: fmt.Sprintf(`%s < %d`, free, *t.DiskFreePercent), forDuration: "15m", severity: SeverityWarning,
		summary:     "ZooKeeper volume {{ $labels.persistentvolumeclaim }} has {{ $value | humanize }}% free",
		description: "A member whose data or transaction-log volume fills stops writing and leaves the quorum.",
		runbook:     "Check that autopurge runs (spec.zookeeper.autopurge.purgeInterval > 0, snapRetainCount small); expand the claim (allowVolumeExpansion) or delete old snapshots only after a backup.",
	}, {
		name: "ZookeeperVolumeFullSoon", expr: fmt.Sprintf(`(%s < 50) and predict_linear(kubelet_volume_stats_available_bytes{%s}[6h], 4 * 3600) < 0`, free, vol), forDuration: "30m", severity: SeverityCritical,
		summary:     "ZooKeeper volume {{ $labels.persistentvolumeclaim }} will be full within 4 hours",
		description: "At the current rate the volume fills within 4 hours; the member then stops.",
		runbook:     "Same as ZookeeperVolumeFilling, now: expand the claim first, then find out what grows (snapshots from a large znode tree, logs without purge).",
	}}
}

// votersUp counts the voters that answer scrapes. Observers (their own
// StatefulSet, pods <name>-observer-N) are scraped too but hold no
// quorum: with observers the count keeps to the voters' pods, by the pod
// label the Prometheus Operator puts on every target.
func votersUp(m membership.Membership, sel string) string {
	if m.ObserverReplicas() > 0 {
		sel += fmt.Sprintf(`,pod=~"%s-[0-9]+"`, m.StatefulSet())
	}
	return fmt.Sprintf(`(count(up{%s} == 1) or vector(0))`, sel)
}
