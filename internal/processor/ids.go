package processor

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

type generatedID struct {
	id
	clusterScoped bool
}

// clusterScoped are the kinds the function renders without a namespace.
// A spec without a namespace renders namespaced objects without one too,
// so the scope comes from the kind, not from the object.
var clusterScoped = map[string]bool{"StorageClass": true, "PersistentVolume": true}

// generatedIDs lists what a spec renders, for the ownership and collision
// checks. It reads the objects rendered once in decodeSpecs.
func generatedIDs(s spec) []generatedID {
	out := make([]generatedID, 0, len(s.objs))
	for _, o := range s.objs {
		m, ok := o.(metav1.Object)
		if !ok {
			continue
		}
		gvk := o.GetObjectKind().GroupVersionKind()
		g := generatedID{id: id{group: gvk.Group, kind: gvk.Kind, name: m.GetName()}, clusterScoped: clusterScoped[gvk.Kind]}
		if !g.clusterScoped {
			g.namespace = nsOrDefault(m.GetNamespace())
		}
		out = append(out, g)
	}
	return out
}
