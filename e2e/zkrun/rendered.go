//go:build e2e

package zkrun

import (
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// ServerContainer is the name of the StatefulSet's ZooKeeper container.
const ServerContainer = "zookeeper"

// Rendered is the function's output for one ensemble, unchanged.
type Rendered struct {
	StatefulSet appsv1.StatefulSet
	Services    map[string]corev1.Service
	ConfigMaps  map[string]corev1.ConfigMap
	// Docs is every document, for kinds zkrun has no type for.
	Docs []map[string]any
	// ZooCfg is the zoo.cfg of the ConfigMap the zookeeper container mounts.
	ZooCfg ZooCfg
}

// Parse reads the function's output (a YAML stream): its one
// StatefulSet, with a zookeeper container that mounts a ConfigMap
// holding zoo.cfg, its Services and ConfigMaps.
func Parse(t testing.TB, out []byte) *Rendered {
	t.Helper()
	return parse(t, out, "")
}

// parse reads the output; with a name, the StatefulSet of that name among
// several (ParseSet), else the only one.
func parse(t testing.TB, out []byte, name string) *Rendered {
	t.Helper()
	r := &Rendered{Services: map[string]corev1.Service{}, ConfigMaps: map[string]corev1.ConfigMap{}}
	sets := 0
	for _, doc := range harness.SplitDocs(out) {
		js, err := yaml.YAMLToJSON([]byte(doc))
		must0(t, err)
		var m map[string]any
		must0(t, json.Unmarshal(js, &m))
		if m == nil {
			continue
		}
		r.Docs = append(r.Docs, m)
		switch m["kind"] {
		case "StatefulSet":
			var sts appsv1.StatefulSet
			must0(t, json.Unmarshal(js, &sts))
			if name == "" || sts.Name == name {
				sets++
				r.StatefulSet = sts
			}
		case "Service":
			var s corev1.Service
			must0(t, json.Unmarshal(js, &s))
			r.Services[s.Name] = s
		case "ConfigMap":
			var cm corev1.ConfigMap
			must0(t, json.Unmarshal(js, &cm))
			r.ConfigMaps[cm.Name] = cm
		}
	}
	if sets != 1 {
		t.Fatalf("the rendered output has %d StatefulSets (named %q), want exactly 1", sets, name)
	}
	r.ZooCfg = r.zooCfg(t)
	return r
}

// zooCfg finds and parses the zookeeper container's zoo.cfg.
func (r *Rendered) zooCfg(t testing.TB) ZooCfg {
	t.Helper()
	c := r.Container(t, ServerContainer)
	var cm *corev1.ConfigMap
	for _, vm := range c.VolumeMounts {
		v, ok := r.volume(vm.Name)
		if !ok || v.ConfigMap == nil {
			continue
		}
		found, ok := r.ConfigMaps[v.ConfigMap.Name]
		if !ok {
			t.Fatalf("volume %s names ConfigMap %s, which is not in the output", v.Name, v.ConfigMap.Name)
		}
		if _, ok := found.Data["zoo.cfg"]; ok {
			if cm != nil {
				t.Fatalf("the zookeeper container mounts two ConfigMaps with a zoo.cfg (%s, %s)", cm.Name, found.Name)
			}
			cm = &found
		}
	}
	if cm == nil {
		t.Fatalf("the zookeeper container mounts no ConfigMap with a zoo.cfg")
	}
	z, err := ParseZooCfg(cm.Data["zoo.cfg"])
	if err != nil {
		t.Fatalf("ConfigMap %s: %v", cm.Name, err)
	}
	z.ConfigMap = cm.Name
	// With dynamic membership zoo.cfg has no server lines: the members
	// the spec asks for are the ConfigMap's "servers" (start.sh reads
	// them from there).
	if list, ok := cm.Data["servers"]; ok && len(z.Servers) == 0 {
		dyn, err := ParseZooCfg(list)
		if err != nil {
			t.Fatalf("ConfigMap %s, servers: %v", cm.Name, err)
		}
		z.Servers = dyn.Servers
	}
	return z
}

// Kind returns the documents of one kind, in output order.
func (r *Rendered) Kind(kind string) []map[string]any {
	var out []map[string]any
	for _, d := range r.Docs {
		if d["kind"] == kind {
			out = append(out, d)
		}
	}
	return out
}

// containers are the pod's init containers, then its containers.
func (r *Rendered) containers() []corev1.Container {
	spec := r.StatefulSet.Spec.Template.Spec
	return append(append([]corev1.Container(nil), spec.InitContainers...), spec.Containers...)
}

// Container returns the named container or init container.
func (r *Rendered) Container(t testing.TB, name string) corev1.Container {
	t.Helper()
	for _, c := range r.containers() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("StatefulSet %s has no container %q", r.StatefulSet.Name, name)
	return corev1.Container{}
}

// MountDirs are the mount paths of every container and init container.
func (r *Rendered) MountDirs() []string {
	seen := map[string]bool{}
	for _, c := range r.containers() {
		for _, vm := range c.VolumeMounts {
			seen[filepath.Clean(vm.MountPath)] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// volume returns the pod volume or volumeClaimTemplate named name, as a
// Volume (a claim template comes back with PersistentVolumeClaim set and
// template true).
func (r *Rendered) volume(name string) (corev1.Volume, bool) {
	for _, v := range r.StatefulSet.Spec.Template.Spec.Volumes {
		if v.Name == name {
			return v, true
		}
	}
	for _, c := range r.StatefulSet.Spec.VolumeClaimTemplates {
		if c.Name == name {
			return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{
				PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: name}}}, true
		}
	}
	return corev1.Volume{}, false
}

// isClaimTemplate reports whether name is a volumeClaimTemplate.
func (r *Rendered) isClaimTemplate(name string) bool {
	for _, c := range r.StatefulSet.Spec.VolumeClaimTemplates {
		if c.Name == name {
			return true
		}
	}
	return false
}

// Replicas is the StatefulSet's replica count (1 when unset).
func (r *Rendered) Replicas() int {
	if r.StatefulSet.Spec.Replicas == nil {
		return 1
	}
	return int(*r.StatefulSet.Spec.Replicas)
}

// PodDNSName is the name the cluster's DNS gives pod ordinal i:
// <sts>-<i>.<serviceName>.<namespace>.svc.<clusterDomain>. Members resolve
// each other through a hosts file built from this, not from zoo.cfg, so
// a wrong server.X host fails to resolve as it would in a cluster.
func (r *Rendered) PodDNSName(i int, clusterDomain string) string {
	s := r.StatefulSet
	return fmt.Sprintf("%s-%d.%s.%s.svc.%s", s.Name, i, s.Spec.ServiceName, s.Namespace, clusterDomain)
}
