//go:build e2e

package zookeeper

import (
	"bufio"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// rendered is what the suite takes from the function's output for one
// ensemble: the StatefulSet, its headless Service and the ConfigMap its
// container mounts, all unchanged.
type rendered struct {
	sts       appsv1.StatefulSet
	headless  corev1.Service
	configMap corev1.ConfigMap
	container corev1.Container
	zooCfg    string    // the ConfigMap's zoo.cfg, byte for byte
	servers   []server  // its server.X lines, in file order
	cfg       cfgValues // its key=value lines (the last value of a key wins)
}

// server is one parsed server.X line.
type server struct {
	raw      string // the line as rendered
	id       int
	host     string
	quorum   int
	election int
	role     string // participant (default) or observer
	client   string // "[address:]port" after ';', if any
}

// cfgValues maps a zoo.cfg key to its last value, as java.util.Properties
// (and so ZooKeeper) reads the file.
type cfgValues map[string]string

// parseRendered splits the kustomize output and picks the objects of the
// one StatefulSet in it.
func parseRendered(t testing.TB, out []byte) *rendered {
	t.Helper()
	r := &rendered{}
	var stsCount int
	services := map[string]corev1.Service{}
	configMaps := map[string]corev1.ConfigMap{}
	for _, doc := range harness.SplitDocs(out) {
		node, err := kyaml.Parse(doc)
		if err != nil {
			t.Fatalf("rendered output: cannot parse a document: %v\n%s", err, doc)
		}
		js, err := node.MarshalJSON()
		if err != nil {
			t.Fatalf("rendered output: %v", err)
		}
		switch node.GetKind() {
		case "StatefulSet":
			stsCount++
			mustUnmarshal(t, js, &r.sts)
		case "Service":
			var s corev1.Service
			mustUnmarshal(t, js, &s)
			services[s.Name] = s
		case "ConfigMap":
			var c corev1.ConfigMap
			mustUnmarshal(t, js, &c)
			configMaps[c.Name] = c
		}
	}
	if stsCount != 1 {
		t.Fatalf("rendered output has %d StatefulSets, want exactly 1", stsCount)
	}
	var ok bool
	if r.headless, ok = services[r.sts.Spec.ServiceName]; !ok {
		t.Fatalf("StatefulSet %s names serviceName %q, which is not in the output (pods would get no DNS names)", r.sts.Name, r.sts.Spec.ServiceName)
	}
	if r.headless.Spec.ClusterIP != corev1.ClusterIPNone {
		t.Fatalf("Service %s (the StatefulSet's serviceName) has clusterIP %q, want None: members resolve each other through its per-pod DNS records", r.headless.Name, r.headless.Spec.ClusterIP)
	}
	if !r.headless.Spec.PublishNotReadyAddresses {
		t.Fatalf("Service %s lacks publishNotReadyAddresses: members are not ready before a quorum forms, so without it they cannot find each other to form one", r.headless.Name)
	}
	var found bool
	for _, c := range r.sts.Spec.Template.Spec.Containers {
		if c.Name == "zookeeper" {
			r.container, found = c, true
		}
	}
	if !found {
		t.Fatalf("StatefulSet %s has no container named zookeeper", r.sts.Name)
	}
	if n := len(r.sts.Spec.Template.Spec.InitContainers); n > 0 {
		t.Fatalf("StatefulSet %s has %d init containers; the suite runs only the zookeeper container, so it would skip them: teach it to run them first", r.sts.Name, n)
	}
	// The ConfigMap is the one the container mounts.
	for _, vm := range r.container.VolumeMounts {
		v := r.volume(t, vm.Name)
		if v.ConfigMap == nil {
			continue
		}
		cm, ok := configMaps[v.ConfigMap.Name]
		if !ok {
			t.Fatalf("volume %s names ConfigMap %s, which is not in the output", v.Name, v.ConfigMap.Name)
		}
		if r.configMap.Name != "" && r.configMap.Name != cm.Name {
			t.Fatalf("the container mounts two ConfigMaps (%s, %s); the suite handles one", r.configMap.Name, cm.Name)
		}
		r.configMap = cm
	}
	if r.configMap.Name == "" {
		t.Fatalf("the zookeeper container mounts no ConfigMap")
	}
	r.zooCfg, ok = r.configMap.Data["zoo.cfg"]
	if !ok {
		t.Fatalf("ConfigMap %s has no zoo.cfg", r.configMap.Name)
	}
	r.servers, r.cfg = parseZooCfg(t, r.zooCfg)
	return r
}

func mustUnmarshal(t testing.TB, js []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(js, v); err != nil {
		t.Fatalf("rendered output: %v\n%s", err, js)
	}
}

// volume returns the pod volume or volumeClaimTemplate named name, as a
// Volume (a claim template comes back with PersistentVolumeClaim set).
func (r *rendered) volume(t testing.TB, name string) corev1.Volume {
	t.Helper()
	for _, v := range r.sts.Spec.Template.Spec.Volumes {
		if v.Name == name {
			return v
		}
	}
	for _, c := range r.sts.Spec.VolumeClaimTemplates {
		if c.Name == name {
			return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{
				PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: name}}}
		}
	}
	t.Fatalf("volumeMount %s names no volume and no volumeClaimTemplate", name)
	return corev1.Volume{}
}

func (r *rendered) replicas() int {
	if r.sts.Spec.Replicas == nil {
		return 1
	}
	return int(*r.sts.Spec.Replicas)
}

// podDNSName is the name Kubernetes DNS gives pod ordinal i of the
// StatefulSet: <pod>.<serviceName>.<namespace>.svc.<clusterDomain>. The
// suite's hosts file is built from this, not from zoo.cfg, so a wrong
// server.X host fails to resolve exactly as it would in a cluster.
func (r *rendered) podDNSName(i int, clusterDomain string) string {
	return fmt.Sprintf("%s-%d.%s.%s.svc.%s", r.sts.Name, i, r.sts.Spec.ServiceName, r.sts.Namespace, clusterDomain)
}

func parseZooCfg(t testing.TB, cfg string) ([]server, cfgValues) {
	t.Helper()
	vals := cfgValues{}
	var servers []server
	sc := bufio.NewScanner(strings.NewReader(cfg))
	for sc.Scan() {
		line := sc.Text()
		trim := strings.TrimSpace(line)
		if trim == "" || strings.HasPrefix(trim, "#") {
			continue
		}
		k, v, ok := strings.Cut(trim, "=")
		if !ok {
			t.Fatalf("zoo.cfg: line %q is not key=value", line)
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		vals[k] = v
		if strings.HasPrefix(k, "server.") {
			servers = append(servers, parseServer(t, line, k, v))
		}
	}
	sort.SliceStable(servers, func(a, b int) bool { return servers[a].id < servers[b].id })
	return servers, vals
}

// parseServer reads server.<id>=<host>:<quorum>:<election>[:<role>][;[<addr>:]<port>].
func parseServer(t testing.TB, line, k, v string) server {
	t.Helper()
	s := server{raw: line, role: "participant"}
	var err error
	if s.id, err = strconv.Atoi(strings.TrimPrefix(k, "server.")); err != nil {
		t.Fatalf("zoo.cfg: %q: server id is not a number", line)
	}
	addr, client, _ := strings.Cut(v, ";")
	s.client = client
	parts := strings.Split(addr, ":")
	if len(parts) < 3 || len(parts) > 4 {
		t.Fatalf("zoo.cfg: %q: want host:quorumPort:electionPort[:role]", line)
	}
	s.host = parts[0]
	if s.quorum, err = strconv.Atoi(parts[1]); err != nil {
		t.Fatalf("zoo.cfg: %q: quorum port: %v", line, err)
	}
	if s.election, err = strconv.Atoi(parts[2]); err != nil {
		t.Fatalf("zoo.cfg: %q: election port: %v", line, err)
	}
	if len(parts) == 4 {
		s.role = parts[3]
	}
	return s
}

// clientPort is the port clients and probes use: from the server line's
// ";port" part, else clientPort=.
func (r *rendered) clientPort(t testing.TB) int {
	t.Helper()
	spec := ""
	if len(r.servers) > 0 {
		spec = r.servers[0].client
	}
	if spec == "" {
		spec = r.cfg["clientPort"]
	}
	if i := strings.LastIndex(spec, ":"); i >= 0 {
		spec = spec[i+1:]
	}
	p, err := strconv.Atoi(spec)
	if err != nil {
		t.Fatalf("zoo.cfg names no client port (server.X ;port or clientPort=)")
	}
	return p
}

// whitelist returns the 4lw.commands.whitelist entries.
func (r *rendered) whitelist() map[string]bool {
	w := map[string]bool{}
	for _, c := range strings.Split(r.cfg["4lw.commands.whitelist"], ",") {
		if c = strings.TrimSpace(c); c != "" {
			w[c] = true
		}
	}
	return w
}

// mountsDirs returns the top-level directories the container mounts
// volumes at, which the sandbox must create as mount points.
func (r *rendered) mountDirs(t testing.TB) []string {
	t.Helper()
	var dirs []string
	for _, vm := range r.container.VolumeMounts {
		p := path.Clean(vm.MountPath)
		if strings.Count(p, "/") != 1 {
			t.Fatalf("volumeMount %s at %s: the suite mounts volumes at top-level directories only", vm.Name, vm.MountPath)
		}
		dirs = append(dirs, p)
	}
	return dirs
}
