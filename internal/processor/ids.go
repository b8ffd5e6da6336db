package processor

import (
	"k8s.io/apimachinery/pkg/api/meta"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/render"
)

type generatedID struct {
	kind, name    string
	clusterScoped bool
}

// generatedIDs lists what a spec renders, for collision checks.
func generatedIDs(z *api.ZookeeperSpec) []generatedID {
	var out []generatedID
	for _, o := range render.Ensemble(z) {
		m, err := meta.Accessor(o)
		if err != nil {
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
