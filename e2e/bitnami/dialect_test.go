//go:build e2e

package bitnami

import (
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// chartDialect reads the Bitnami chart's rendering: the image's start-up
// scripts turn ZOO_* environment variables into zoo.cfg.
var chartDialect = dialect{
	servers: func(t testing.TB, e *ensemble) []string {
		// ZOO_SERVERS is "host:follower:election::id ..." (statefulset.yaml).
		var out []string
		for _, s := range strings.Fields(e.env(t)["ZOO_SERVERS"]) {
			addr, id, ok := strings.Cut(s, "::")
			if !ok {
				t.Fatalf("ZOO_SERVERS entry %q has no ::<id>", s)
			}
			out = append(out, id+"="+addr)
		}
		return sortedByID(out)
	},
	heapMiB:  func(t testing.TB, e *ensemble) string { return e.env(t)["ZOO_HEAP_SIZE"] },
	clientSv: func(e *ensemble) string { return e.sts.Name }, // svc.yaml: the fullname
	dataDir: func(t testing.TB, e *ensemble) string {
		// setup.sh reads the member id from <dataDir>/myid.
		setup := e.configMaps[e.sts.Name+"-scripts"].Data["setup.sh"]
		m := myidPath.FindStringSubmatch(setup)
		if m == nil {
			t.Fatalf("the chart's setup.sh names no <dataDir>/myid")
		}
		return "claim data mounted at " + mountOf(t, e, "data") + ", dataDir " + m[1]
	},
	zooCfg: func(t testing.TB, e *ensemble) map[string]string {
		env := e.env(t)
		return map[string]string{
			"clientPort":                env["ZOO_PORT_NUMBER"],
			"tickTime":                  env["ZOO_TICK_TIME"],
			"initLimit":                 env["ZOO_INIT_LIMIT"],
			"syncLimit":                 env["ZOO_SYNC_LIMIT"],
			"maxClientCnxns":            env["ZOO_MAX_CLIENT_CNXNS"],
			"maxSessionTimeout":         env["ZOO_MAX_SESSION_TIMEOUT"],
			"snapCount":                 env["ZOO_SNAPCOUNT"],
			"preAllocSize":              env["ZOO_PRE_ALLOC_SIZE"],
			"autopurge.snapRetainCount": env["ZOO_AUTOPURGE_RETAIN_COUNT"],
			"autopurge.purgeInterval":   env["ZOO_AUTOPURGE_INTERVAL"],
			"4lw.commands.whitelist":    wordSet(env["ZOO_4LW_COMMANDS_WHITELIST"]),
		}
	},
}

// fnDialect reads the function's rendering: zoo.cfg in <name>-config, the
// heap in ZK_SERVER_HEAP (zkServer.sh's -Xmx in MB).
var fnDialect = dialect{
	servers: func(t testing.TB, e *ensemble) []string {
		var out []string
		for k, v := range zooCfg(t, e) {
			if id, ok := strings.CutPrefix(k, "server."); ok {
				addr, _, _ := strings.Cut(v, ";")
				out = append(out, id+"="+addr)
			}
		}
		return sortedByID(out)
	},
	heapMiB:  func(t testing.TB, e *ensemble) string { return e.env(t)["ZK_SERVER_HEAP"] },
	clientSv: func(e *ensemble) string { return e.sts.Name + "-client" },
	dataDir: func(t testing.TB, e *ensemble) string {
		return "claim data mounted at " + mountOf(t, e, "data") + ", dataDir " + zooCfg(t, e)["dataDir"]
	},
	zooCfg: func(t testing.TB, e *ensemble) map[string]string {
		cfg := zooCfg(t, e)
		out := map[string]string{"4lw.commands.whitelist": wordSet(cfg["4lw.commands.whitelist"])}
		// Keys the function leaves to ZooKeeper's defaults (admin guide:
		// maxSessionTimeout 20 ticks, snapCount 100000, preAllocSize 64 MB).
		tick, _ := strconv.Atoi(cfg["tickTime"])
		defaults := map[string]string{"maxSessionTimeout": strconv.Itoa(20 * tick), "snapCount": "100000", "preAllocSize": "65536"}
		for _, k := range []string{"tickTime", "initLimit", "syncLimit", "maxClientCnxns", "maxSessionTimeout",
			"snapCount", "preAllocSize", "autopurge.snapRetainCount", "autopurge.purgeInterval"} {
			v, ok := cfg[k]
			if !ok {
				v = defaults[k]
			}
			out[k] = v
		}
		// The client port is in every server.X line after the semicolon.
		_, port, _ := strings.Cut(cfg["server.1"], ";")
		out["clientPort"] = port
		return out
	},
}

// zooCfg parses the function's zoo.cfg (key=value lines).
func zooCfg(t testing.TB, e *ensemble) map[string]string {
	t.Helper()
	text, ok := e.configMaps[e.sts.Name+"-config"].Data["zoo.cfg"]
	if !ok {
		t.Fatalf("ConfigMap %s-config has no zoo.cfg", e.sts.Name)
	}
	out := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			out[k] = v
		}
	}
	return out
}

// mountOf is where the ZooKeeper container mounts volume name.
func mountOf(t testing.TB, e *ensemble, name string) string {
	t.Helper()
	for _, m := range e.container(t).VolumeMounts {
		if m.Name == name {
			return m.MountPath + subPath(m.SubPath)
		}
	}
	t.Fatalf("the zookeeper container does not mount %s", name)
	return ""
}

func subPath(p string) string {
	if p == "" {
		return ""
	}
	return " (subPath " + p + ")"
}

// wordSet normalizes a comma-separated list: trimmed, sorted, unique.
func wordSet(s string) string {
	set := map[string]bool{}
	for _, w := range strings.Split(s, ",") {
		if w = strings.TrimSpace(w); w != "" {
			set[w] = true
		}
	}
	return strings.Join(slices.Sorted(maps.Keys(set)), ",")
}

// sortedByID sorts "id=..." entries by their numeric id.
func sortedByID(entries []string) []string {
	id := func(s string) int {
		n, _ := strconv.Atoi(s[:strings.Index(s, "=")])
		return n
	}
	sort.Slice(entries, func(i, j int) bool { return id(entries[i]) < id(entries[j]) })
	return entries
}
