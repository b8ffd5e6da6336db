package consistency

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/membership"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// clusterScoped are the kinds the function renders without a namespace.
var clusterScoped = map[string]bool{"StorageClass": true, "PersistentVolume": true, "Namespace": true}

// ensemble runs every check on the objects of one spec.
func (c *checker) ensemble(g *group) {
	sets, obs := c.splitObservers(g.ofKind("StatefulSet"))
	g.obs = obs
	if len(sets) == 0 {
		c.add(g.objects[0].errorf("metadata.annotations["+names.OwnerAnnotation+"]",
			"belongs to the ensemble %s, but the stream holds no StatefulSet of that ensemble; a transformation removed or re-annotated it: %s", g.owner, fix))
		return
	}
	for _, extra := range sets[1:] {
		c.add(extra.errorf("metadata.annotations["+names.OwnerAnnotation+"]",
			"is a second StatefulSet of the ensemble %s (the first is %q); one spec renders one StatefulSet: remove the copy or render again", g.owner, sets[0].name))
	}
	so := sets[0]
	var sts appsv1.StatefulSet
	if err := so.decode(&sts); err != nil {
		c.add(so.errorf("", "%v", err))
		return
	}
	c.namespaces(g, so)
	if len(so.name) > api.MaxNameLength {
		c.add(so.errorf("metadata.name", "is %d characters; at most %d fit, because every pod carries the label controller-revision-hash=<name>-<10 characters>, which must stay within 63: shorten the namePrefix/nameSuffix or the spec's name", len(so.name), api.MaxNameLength))
	}
	c.peerService(g, so, &sts)
	if cm, ok := c.configMap(g, so, &sts); ok {
		c.zooCfg(g, so, &sts, cm)
		c.securePort(g, cm)
		c.jaas(so, &sts, cm)
	}
	c.certificate(g, so, &sts)
	c.specReplicas(g, so, &sts)
	c.selectors(g, so, &sts)
	c.observerSelectors(g)
	c.serviceAccount(g, so, &sts)
	c.storage(g, so, &sts)
}

func namespaceOf(o object) string { return names.NamespaceOrDefault(o.namespace) }

// namespaces: every namespaced object of the ensemble lives with its
// StatefulSet, or the Services and ConfigMap it references are elsewhere.
func (c *checker) namespaces(g *group, so object) {
	for _, o := range g.objects {
		if clusterScoped[o.kind] || namespaceOf(o) == namespaceOf(so) {
			continue
		}
		c.add(o.errorf("metadata.namespace", "is %q, but the ensemble's StatefulSet %q is in %q; the server.X hostnames and references name one namespace: %s", namespaceOf(o), so.name, namespaceOf(so), fix))
	}
}

// peerService: serviceName must name a headless Service in the stream that
// publishes members before they are ready.
func (c *checker) peerService(g *group, so object, sts *appsv1.StatefulSet) {
	name := sts.Spec.ServiceName
	svc, ok := c.lookup("Service", so.namespace, name)
	if !ok {
		hint := ""
		for _, o := range g.ofKind("Service") {
			var s corev1.Service
			if o.decode(&s) == nil && s.Spec.ClusterIP == corev1.ClusterIPNone && o.name != name {
				hint = fmt.Sprintf(" (the ensemble's headless Service is now %q)", o.name)
				break
			}
		}
		c.add(so.errorf("spec.serviceName", "is %q, but the stream holds no Service of that name in namespace %q%s; the members get no DNS names and cannot form a quorum: %s", clip(name), namespaceOf(so), hint, fix))
		return
	}
	var s corev1.Service
	if err := svc.decode(&s); err != nil {
		c.add(svc.errorf("", "%v", err))
		return
	}
	if s.Spec.ClusterIP != corev1.ClusterIPNone {
		c.add(svc.errorf("spec.clusterIP", "is %q, but the StatefulSet %q uses this Service for its members' DNS names, which needs a headless Service: set clusterIP: None", s.Spec.ClusterIP, so.name))
	}
	if !s.Spec.PublishNotReadyAddresses {
		c.add(svc.errorf("spec.publishNotReadyAddresses", "is false; members must resolve each other before they are Ready, or they wait for each other forever (kubernetes/website#21715): set it to true"))
	}
}

// configMap finds the ConfigMap holding zoo.cfg that the pods mount.
func (c *checker) configMap(g *group, so object, sts *appsv1.StatefulSet) (object, bool) {
	var found object
	ok := false
	for i, v := range sts.Spec.Template.Spec.Volumes {
		if v.ConfigMap == nil {
			continue
		}
		cm, exists := c.lookup("ConfigMap", so.namespace, v.ConfigMap.Name)
		if !exists {
			if v.ConfigMap.Optional != nil && *v.ConfigMap.Optional {
				continue
			}
			hint := ""
			for _, o := range g.ofKind("ConfigMap") {
				if o.name != v.ConfigMap.Name {
					hint = fmt.Sprintf(" (the ensemble's ConfigMap is now %q)", o.name)
					break
				}
			}
			c.add(so.errorf(fmt.Sprintf("spec.template.spec.volumes[%d].configMap.name", i), "is %q, but the stream holds no ConfigMap of that name in namespace %q%s; the pods cannot start: %s", clip(v.ConfigMap.Name), namespaceOf(so), hint, fix))
			continue
		}
		if hasZooCfg(cm) {
			found, ok = cm, true
		}
	}
	if ok {
		return found, true
	}
	for _, o := range g.ofKind("ConfigMap") { // still check the server list
		if hasZooCfg(o) {
			return o, true
		}
	}
	return object{}, false
}

func hasZooCfg(o object) bool {
	_, ok := o.node.GetDataMap()["zoo.cfg"]
	return ok
}

// server is one server.X line of zoo.cfg.
type server struct {
	id   int
	host string
	line string
}

// parseServers reads the server.X lines; the last line for an id wins, as
// in ZooKeeper's own parser.
func parseServers(cfg string) (map[int]server, []string) {
	out := map[int]server{}
	var bad []string
	for _, line := range strings.Split(cfg, "\n") {
		line = strings.TrimSpace(line)
		k, v, ok := strings.Cut(line, "=")
		if !ok || !strings.HasPrefix(k, "server.") {
			continue
		}
		id, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(k), "server."))
		if err != nil || id < 1 {
			bad = append(bad, line)
			continue
		}
		host, _, _ := strings.Cut(strings.TrimSpace(v), ":")
		out[id] = server{id: id, host: host, line: line}
	}
	return out, bad
}

// zooCfg checks every server.X hostname against the StatefulSet's pod
// names, its serviceName and namespace, and the server count against the
// replicas.
func (c *checker) zooCfg(g *group, so object, sts *appsv1.StatefulSet, cm object) {
	path, data := "data[zoo.cfg]", cm.node.GetDataMap()
	cfg := data["zoo.cfg"]
	if list, ok := data["servers"]; ok {
		// Dynamic membership (spec.membership): zoo.cfg has no server
		// lines; the key "servers" is the membership the members join.
		path, cfg = "data[servers]", list
	}
	all, bad := parseServers(cfg)
	for _, line := range bad {
		c.add(cm.errorf(path, "has the line %q, whose server id is not a positive number; render again instead of editing zoo.cfg", clip(line)))
	}
	servers, observers := splitServers(all)
	c.observerServers(g, cm, path, observers)
	ids := make([]int, 0, len(servers))
	for id := range servers {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	var wrong []string
	for _, id := range ids {
		domain := "" // without the spec, any cluster domain: a prefix match
		if g.spec != nil {
			domain = g.spec.Spec.ClusterDomain
		}
		ord := membership.Ordinal(id)
		want := names.Host(names.Pod(so.name, ord), sts.Spec.ServiceName, namespaceOf(so), domain)
		host := servers[id].host
		if host == want || (g.spec == nil && strings.HasPrefix(host, want) && len(host) > len(want)) {
			continue
		}
		if g.spec == nil {
			want += "<cluster domain>"
		}
		wrong = append(wrong, fmt.Sprintf("server.%d is %q where member %d of StatefulSet %q (serviceName %q, namespace %q) is %q", id, clip(host), ord, so.name, sts.Spec.ServiceName, namespaceOf(so), want))
	}
	if len(wrong) > 0 {
		c.add(cm.errorf(path, "%s (%d of %d server lines disagree); the members cannot reach each other and never form a quorum: %s", wrong[0], len(wrong), len(ids), fix))
	}
	replicas := int32(1)
	if sts.Spec.Replicas != nil {
		replicas = *sts.Spec.Replicas
	}
	if len(ids) > 0 && (ids[0] != membership.MyID(0) || ids[len(ids)-1] != membership.MyID(len(ids)-1)) {
		c.add(cm.errorf(path, "lists server ids %v; each member's myid is its ordinal + 1, so the ids must be 1 to %d without gaps: render again instead of editing zoo.cfg", ids, len(ids)))
	}
	if int(replicas) != len(ids) {
		c.add(so.errorf("spec.replicas", "is %d, but zoo.cfg in ConfigMap %q lists %d servers; members outside the list cannot join, and a quorum counted on a list of the wrong size is wrong: change spec.replicas in the ZookeeperSpec and render again instead of patching the StatefulSet", replicas, cm.name, len(ids)))
	}
}

// specReplicas compares the StatefulSet with the spec, when the stream
// still holds it (kpt keeps local-config resources; kustomize passes them
// to transformers).
func (c *checker) specReplicas(g *group, so object, sts *appsv1.StatefulSet) {
	if g.spec == nil || sts.Spec.Replicas == nil {
		return
	}
	want := *g.spec.Spec.Replicas // out of bounds: the spec's own check reports it
	if m, ok := g.spec.TryMembership(); ok {
		want = m.Replicas()
	}
	if *sts.Spec.Replicas != want {
		c.add(so.errorf("spec.replicas", "is %d, but the ZookeeperSpec asks for %d; a later patch changed the StatefulSet without its server list: change spec.replicas in the ZookeeperSpec and render again", *sts.Spec.Replicas, want))
	}
}

// serviceAccount: the pods' ServiceAccount must exist, or no pod starts.
func (c *checker) serviceAccount(g *group, so object, sts *appsv1.StatefulSet) {
	name := sts.Spec.Template.Spec.ServiceAccountName
	if name == "" || name == "default" {
		return
	}
	if _, ok := c.lookup("ServiceAccount", so.namespace, name); ok {
		return
	}
	for _, o := range g.ofKind("ServiceAccount") {
		c.add(so.errorf("spec.template.spec.serviceAccountName", "is %q, but the ensemble's ServiceAccount is now %q; the StatefulSet cannot create pods: %s", clip(name), o.name, fix))
		return
	}
}
