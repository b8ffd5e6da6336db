package processor

import (
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// id is an object's identity as the API server sees it: group, kind,
// namespace and name. Namespaced objects without a namespace land in
// "default", so "" and "default" are one namespace in every check.
type id struct{ group, kind, namespace, name string }

// DefaultNamespace is where a namespaced object without a namespace lands.
const DefaultNamespace = "default"

// nsOrDefault is the namespace a namespaced object lands in.
func nsOrDefault(ns string) string {
	if ns == "" {
		return DefaultNamespace
	}
	return ns
}

// ownerKey is the owner annotation's value with the namespace made
// explicit, so that "/zk" (an earlier render without a namespace) and
// "default/zk" name the same spec.
func ownerKey(owner string) string {
	ns, name, ok := strings.Cut(owner, "/")
	if !ok {
		return owner
	}
	return nsOrDefault(ns) + "/" + name
}

// specOwner is the owner key of the spec s.
func specOwner(s spec) string { return ownerKey(s.m.Owner()) }

// groupOf is the API group of an apiVersion ("" for the core group).
func groupOf(apiVersion string) string {
	g, _, ok := strings.Cut(apiVersion, "/")
	if !ok {
		return ""
	}
	return g
}

// itemID is the identity of item n; clusterScoped says whether its kind
// is cluster-scoped (then its namespace is ignored, as the API server does).
func itemID(n *yaml.RNode, clusterScoped bool) id {
	i := id{group: groupOf(n.GetApiVersion()), kind: n.GetKind(), name: n.GetName()}
	if !clusterScoped {
		i.namespace = nsOrDefault(n.GetNamespace())
	}
	return i
}

// ownerOf is the owner annotation of n, "" when it has none; it reads that
// one annotation rather than building the map of them all.
func ownerOf(n *yaml.RNode) string {
	return n.GetAnnotations(names.OwnerAnnotation)[names.OwnerAnnotation]
}
