package processor

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

type generatedID struct {
	kind, name    string
	clusterScoped bool
}

// generatedIDs lists what a spec renders, for collision checks. It reads
// the objects rendered once in decodeSpecs.
func generatedIDs(s spec) []generatedID {
	out := make([]generatedID, 0, len(s.objs))
	for _, o := range s.objs {
		m, ok := o.(metav1.Object)
		if !ok {
			continue
		}
		out = append(out, generatedID{
			kind:          o.GetObjectKind().GroupVersionKind().Kind,
			name:          m.GetName(),
			clusterScoped: m.GetNamespace() == "",
		})
	}
	return out
}
