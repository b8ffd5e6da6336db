package render

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// DashboardKey is the ConfigMap key of the dashboard JSON.
const DashboardKey = "zookeeper.json"

// Grafana dashboard model, the subset the dashboard uses. Struct fields
// keep the JSON in a fixed order.
type (
	dashboardJSON struct {
		Title         string         `json:"title"`
		UID           string         `json:"uid"`
		Tags          []string       `json:"tags"`
		Timezone      string         `json:"timezone"`
		SchemaVersion int            `json:"schemaVersion"`
		Refresh       string         `json:"refresh"`
		Time          dashboardRange `json:"time"`
		Templating    templating     `json:"templating"`
		Panels        []panel        `json:"panels"`
	}
	dashboardRange struct {
		From string `json:"from"`
		To   string `json:"to"`
	}
	templating struct {
		List []variable `json:"list"`
	}
	variable struct {
		Name  string `json:"name"`
		Label string `json:"label"`
		Type  string `json:"type"`
		Query string `json:"query"`
	}
	panel struct {
		ID          int         `json:"id"`
		Title       string      `json:"title"`
		Type        string      `json:"type"`
		Datasource  datasource  `json:"datasource"`
		GridPos     gridPos     `json:"gridPos"`
		FieldConfig fieldConfig `json:"fieldConfig"`
		Targets     []target    `json:"targets"`
	}
	datasource struct {
		Type string `json:"type"`
		UID  string `json:"uid"`
	}
	gridPos struct {
		H int `json:"h"`
		W int `json:"w"`
		X int `json:"x"`
		Y int `json:"y"`
	}
	fieldConfig struct {
		Defaults fieldDefaults `json:"defaults"`
	}
	fieldDefaults struct {
		Unit string `json:"unit"`
	}
	target struct {
		RefID        string `json:"refId"`
		Expr         string `json:"expr"`
		LegendFormat string `json:"legendFormat"`
	}
)

// DashboardPanel is one panel's title and PromQL queries, exported so the
// e2e suite checks the queries' metric names like the alerts'.
type DashboardPanel struct {
	Title, Type, Unit string
	Queries           []string
	Legend            string
}

// DashboardPanels are the dashboard's panels: ensemble state, latency,
// requests, znodes, watches, fsync time, disk.
func DashboardPanels(z *api.ZookeeperSpec, e names.Ensemble) []DashboardPanel {
	sel := promSelector(z, e)
	vol := volumeSelector(e)
	return []DashboardPanel{
		{Title: "Members up", Type: "stat", Unit: "none", Queries: []string{fmt.Sprintf(`count(up{%s} == 1)`, sel)}},
		{Title: "Synced followers (on the leader)", Type: "stat", Unit: "none", Queries: []string{fmt.Sprintf(`max(synced_followers{%s})`, sel)}},
		{Title: "Leader elections (1h)", Type: "timeseries", Unit: "none", Legend: "{{pod}}", Queries: []string{fmt.Sprintf(`increase(looking_count{%s}[1h])`, sel)}},
		{Title: "Write latency (avg, ms)", Type: "timeseries", Unit: "ms", Legend: "{{pod}}", Queries: []string{fmt.Sprintf(`rate(updatelatency_sum{%s}[5m]) / rate(updatelatency_count{%s}[5m])`, sel, sel)}},
		{Title: "Read latency (avg, ms)", Type: "timeseries", Unit: "ms", Legend: "{{pod}}", Queries: []string{fmt.Sprintf(`rate(readlatency_sum{%s}[5m]) / rate(readlatency_count{%s}[5m])`, sel, sel)}},
		{Title: "Packets received per second", Type: "timeseries", Unit: "reqps", Legend: "{{pod}}", Queries: []string{fmt.Sprintf(`rate(packets_received{%s}[5m])`, sel)}},
		{Title: "Outstanding requests", Type: "timeseries", Unit: "none", Legend: "{{pod}}", Queries: []string{fmt.Sprintf(`outstanding_requests{%s}`, sel)}},
		{Title: "Znodes", Type: "timeseries", Unit: "none", Legend: "{{pod}}", Queries: []string{fmt.Sprintf(`znode_count{%s}`, sel)}},
		{Title: "Watches", Type: "timeseries", Unit: "none", Legend: "{{pod}}", Queries: []string{fmt.Sprintf(`watch_count{%s}`, sel)}},
		{Title: "Client connections", Type: "timeseries", Unit: "none", Legend: "{{pod}}", Queries: []string{fmt.Sprintf(`num_alive_connections{%s}`, sel)}},
		{Title: "Fsync time (avg, ms)", Type: "timeseries", Unit: "ms", Legend: "{{pod}}", Queries: []string{fmt.Sprintf(`rate(fsynctime_sum{%s}[5m]) / rate(fsynctime_count{%s}[5m])`, sel, sel)}},
		{Title: "Volume free (%)", Type: "timeseries", Unit: "percent", Legend: "{{persistentvolumeclaim}}", Queries: []string{fmt.Sprintf(`100 * kubelet_volume_stats_available_bytes{%s} / kubelet_volume_stats_capacity_bytes{%s}`, vol, vol)}},
	}
}

// Dashboard is a ConfigMap with the Grafana dashboard JSON, labelled for
// Grafana's dashboard sidecar.
func Dashboard(z *api.ZookeeperSpec, e names.Ensemble) *corev1.ConfigMap {
	meta := objectMeta(e, e.Name+"-dashboard")
	meta.Labels = withLabels(e.Labels(), z.Spec.Monitoring.Dashboard.Labels)
	return &corev1.ConfigMap{
		TypeMeta:   typeMeta("v1", "ConfigMap"),
		ObjectMeta: meta,
		Data:       map[string]string{DashboardKey: DashboardJSON(z, e)},
	}
}

// DashboardJSON renders the dashboard: two panels per row, each query
// bound to the datasource variable.
func DashboardJSON(z *api.ZookeeperSpec, e names.Ensemble) string {
	ds := datasource{Type: "prometheus", UID: "${datasource}"}
	d := dashboardJSON{
		Title:         "ZooKeeper " + e.Owner(),
		UID:           dashboardUID(e),
		Tags:          []string{"zookeeper", "zookeeper-fn"},
		Timezone:      "utc",
		SchemaVersion: 39,
		Refresh:       "30s",
		Time:          dashboardRange{From: "now-6h", To: "now"},
		Templating:    templating{List: []variable{{Name: "datasource", Label: "Data source", Type: "datasource", Query: "prometheus"}}},
	}
	for i, p := range DashboardPanels(z, e) {
		var ts []target
		for j, q := range p.Queries {
			ts = append(ts, target{RefID: string(rune('A' + j)), Expr: q, LegendFormat: p.Legend})
		}
		d.Panels = append(d.Panels, panel{
			ID: i + 1, Title: p.Title, Type: p.Type, Datasource: ds,
			GridPos:     gridPos{H: 8, W: 12, X: 12 * (i % 2), Y: 8 * (i / 2)},
			FieldConfig: fieldConfig{Defaults: fieldDefaults{Unit: p.Unit}},
			Targets:     ts,
		})
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		panic(err) // plain structs of strings and ints always marshal
	}
	return string(b) + "\n"
}

// dashboardUID is stable per ensemble and within Grafana's 40 characters.
// A longer one is cut and ends in a hash of the whole namespace and name:
// cutting alone gave two long-namespaced ensembles one uid, and Grafana
// keeps only one dashboard per uid.
func dashboardUID(e names.Ensemble) string {
	const max, hashLen = 40, 8
	uid := "zk-" + e.NamespaceOrDefault() + "-" + e.Name
	if len(uid) <= max {
		return uid
	}
	sum := sha256.Sum256([]byte(e.NamespaceOrDefault() + "/" + e.Name))
	return uid[:max-hashLen-1] + "-" + hex.EncodeToString(sum[:])[:hashLen]
}
