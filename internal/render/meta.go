package render

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// objectMeta is the metadata of a namespaced object of the ensemble.
func objectMeta(e names.Ensemble, name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name:        name,
		Namespace:   e.Namespace,
		Labels:      e.Labels(),
		Annotations: map[string]string{names.OwnerAnnotation: e.Owner()},
	}
}

// clusterMeta is the metadata of a cluster-scoped object of the ensemble.
func clusterMeta(e names.Ensemble, name string) metav1.ObjectMeta {
	m := objectMeta(e, name)
	m.Namespace = ""
	return m
}

func typeMeta(apiVersion, kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: apiVersion, Kind: kind}
}

func selector(e names.Ensemble) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchLabels: e.Selector()}
}
