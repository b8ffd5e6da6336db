//go:build e2e

package kubernetes

import (
	"encoding/json"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// Object is one document of a rendered stream, kept as JSON.
type Object struct {
	metav1.TypeMeta
	Name, Namespace string
	JSON            []byte
}

// Manifests is a rendered multi-document stream.
type Manifests struct {
	Raw     []byte
	Objects []Object
}

// clusterScoped lists the kinds the function may emit that have no namespace.
var clusterScoped = map[string]bool{
	"Namespace": true, "StorageClass": true, "PersistentVolume": true,
	"ClusterRole": true, "ClusterRoleBinding": true, "PriorityClass": true,
}

// ParseManifests splits a stream and indexes its documents.
func ParseManifests(t testing.TB, raw []byte) *Manifests {
	t.Helper()
	m := &Manifests{Raw: raw}
	for _, doc := range harness.SplitDocs(raw) {
		j, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			t.Fatalf("rendered document is not YAML: %v\n%s", err, doc)
		}
		if strings.TrimSpace(string(j)) == "null" {
			continue
		}
		var meta metav1.PartialObjectMetadata
		if err := json.Unmarshal(j, &meta); err != nil {
			t.Fatalf("rendered document has no object metadata: %v\n%s", err, doc)
		}
		m.Objects = append(m.Objects, Object{TypeMeta: meta.TypeMeta, Name: meta.Name, Namespace: meta.Namespace, JSON: j})
	}
	if len(m.Objects) == 0 {
		t.Fatalf("rendered stream has no objects:\n%s", raw)
	}
	return m
}

// All returns the objects of a kind.
func (m *Manifests) All(kind string) []Object {
	var out []Object
	for _, o := range m.Objects {
		if o.Kind == kind {
			out = append(out, o)
		}
	}
	return out
}

// One decodes the only object of kind into v and fails unless there is
// exactly one.
func (m *Manifests) One(t testing.TB, kind string, v any) {
	t.Helper()
	all := m.All(kind)
	if len(all) != 1 {
		t.Fatalf("rendered output has %d objects of kind %s, want 1", len(all), kind)
	}
	all[0].Decode(t, v)
}

// Decode unmarshals the object into v.
func (o Object) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(o.JSON, v); err != nil {
		t.Fatalf("decode %s %s: %v", o.Kind, o.Name, err)
	}
}

// Namespaces returns the distinct namespaces of the namespaced objects and
// the names of namespaced objects that have none.
func (m *Manifests) Namespaces() (namespaces []string, missing []string) {
	seen := map[string]bool{}
	for _, o := range m.Objects {
		if clusterScoped[o.Kind] {
			continue
		}
		if o.Namespace == "" {
			missing = append(missing, o.Kind+"/"+o.Name)
			continue
		}
		if !seen[o.Namespace] {
			seen[o.Namespace] = true
			namespaces = append(namespaces, o.Namespace)
		}
	}
	return namespaces, missing
}
