// Package names derives every name, hostname, label and selector of an
// ensemble, in one place, so that Services, the PodDisruptionBudget,
// NetworkPolicy, anti-affinity and topology spread always select exactly
// the pods the StatefulSet creates.
//
// It imports nothing of this module: the spec's own checks (api), the
// builders (render) and the validator of a rendered stream (consistency)
// all format names with it, and api must be able to import it.
package names

import (
	"strconv"
	"strings"
)

// Group is the domain of the function's API group and annotation keys.
const Group = "zookeeper-fn.dev"

// Label keys of Kubernetes' recommended app.kubernetes.io scheme, and the
// annotation that marks generated objects with the spec that owns them.
const (
	LabelName      = "app.kubernetes.io/name"
	LabelInstance  = "app.kubernetes.io/instance"
	LabelComponent = "app.kubernetes.io/component"
	LabelManagedBy = "app.kubernetes.io/managed-by"
	LabelVersion   = "app.kubernetes.io/version"

	OwnerAnnotation = Group + "/owner"
	ManagedBy       = "zookeeper-fn"
	AppName         = "zookeeper"
)

// Volume claim template names.
const (
	DataVolume    = "data"
	DataLogVolume = "datalog"
)

// DefaultNamespace is where namespaced objects land when none is set.
const DefaultNamespace = "default"

// Ensemble names the objects of one ensemble.
type Ensemble struct {
	Name, Namespace, ClusterDomain string
	Version                        string
}

// New names the ensemble of spec name in namespace, whose members run
// image; the image's tag becomes the version label.
func New(name, namespace, clusterDomain, image string) Ensemble {
	return Ensemble{Name: name, Namespace: namespace, ClusterDomain: clusterDomain, Version: imageVersion(image)}
}

// Owner is the owner annotation's value: <namespace>/<name>.
func (e Ensemble) Owner() string { return e.Namespace + "/" + e.Name }

func (e Ensemble) StatefulSet() string     { return e.Name }
func (e Ensemble) HeadlessService() string { return e.Name + "-headless" }
func (e Ensemble) ClientService() string   { return e.Name + "-client" }
func (e Ensemble) ConfigMap() string       { return e.Name + "-config" }
func (e Ensemble) ServiceAccount() string  { return e.Name }
func (e Ensemble) Disruption() string      { return e.Name }
func (e Ensemble) NetworkPolicy() string   { return e.Name }

// Observers (spec.observers) run in a StatefulSet of their own, so voters
// and observers scale and roll independently; they share the headless
// Service for DNS and have a client Service of their own for reads.
func (e Ensemble) ObserverStatefulSet() string   { return e.Name + ObserverSuffix }
func (e Ensemble) ObserverClientService() string { return e.Name + ObserverSuffix + "s" }

// ObserverSuffix is what the observers' StatefulSet adds to the name.
const ObserverSuffix = "-observer"

// ObserverPod is the name (and hostname) of observer ordinal i.
func (e Ensemble) ObserverPod(i int) string { return Pod(e.ObserverStatefulSet(), i) }

// ObserverHost is observer i's stable DNS name through the headless
// Service the voters use too.
func (e Ensemble) ObserverHost(i int) string {
	return Host(e.ObserverPod(i), e.HeadlessService(), e.NamespaceOrDefault(), e.ClusterDomain)
}

// Pod is the name (and hostname) of member ordinal i.
func (e Ensemble) Pod(i int) string { return Pod(e.StatefulSet(), i) }

// Host is member i's stable DNS name through the headless Service.
func (e Ensemble) Host(i int) string {
	return Host(e.Pod(i), e.HeadlessService(), e.NamespaceOrDefault(), e.ClusterDomain)
}

// Claim is the PVC the StatefulSet creates for template t and ordinal i.
func (e Ensemble) Claim(t string, i int) string { return Claim(t, e.Pod(i)) }

// Volume is the name of the static PersistentVolume for claim (t, i). PVs
// are cluster-scoped, so the namespace is part of the name.
func (e Ensemble) Volume(t string, i int) string { return e.SetVolume(e.StatefulSet(), t, i) }

// SetVolume is Volume for ordinal i of StatefulSet set (the voters' or the
// observers').
func (e Ensemble) SetVolume(set, t string, i int) string {
	return e.NamespaceOrDefault() + "-" + set + "-" + t + "-" + strconv.Itoa(i)
}

// NamespaceOrDefault is the namespace the objects land in.
func (e Ensemble) NamespaceOrDefault() string { return NamespaceOrDefault(e.Namespace) }

// The formats themselves, for names read back from a rendered stream
// (after kustomize renamed things) as well as for the spec's own.

// Pod is the name of the pod with ordinal i of StatefulSet sts.
func Pod(sts string, i int) string { return sts + "-" + strconv.Itoa(i) }

// Host is a pod's DNS name through a headless Service. An empty cluster
// domain leaves the name ending in "svc.", for a prefix match.
func Host(pod, service, namespace, clusterDomain string) string {
	return pod + "." + service + "." + namespace + ".svc." + clusterDomain
}

// Claim is the PVC a StatefulSet creates for claim template t in pod.
func Claim(t, pod string) string { return t + "-" + pod }

// NamespaceOrDefault is namespace, or the namespace Kubernetes puts an
// object in when it names none.
func NamespaceOrDefault(namespace string) string {
	if namespace == "" {
		return DefaultNamespace
	}
	return namespace
}

// Selector is the label set every selector of the ensemble uses.
func (e Ensemble) Selector() map[string]string {
	return map[string]string{LabelName: AppName, LabelInstance: e.Name}
}

// LabelRole tells voters' pods from observers' (membership.Role values)
// once an ensemble has observers: the PodDisruptionBudget, the voters'
// zone spread and the observers' client Service select by it.
const LabelRole = Group + "/role"

// RoleSelector is Selector narrowed to the pods of one role.
func (e Ensemble) RoleSelector(role string) map[string]string {
	l := e.Selector()
	l[LabelRole] = role
	return l
}

// Labels are the labels of every generated object and of the pods.
func (e Ensemble) Labels() map[string]string {
	l := e.Selector()
	l[LabelComponent] = "ensemble"
	l[LabelManagedBy] = ManagedBy
	if e.Version != "" {
		l[LabelVersion] = e.Version
	}
	return l
}

// imageVersion takes the tag of an image reference as the version label,
// when it is a legal label value.
func imageVersion(image string) string {
	ref := image
	if at := strings.Index(ref, "@"); at >= 0 {
		ref = ref[:at]
	}
	slash := strings.LastIndex(ref, "/")
	colon := strings.LastIndex(ref, ":")
	if colon <= slash {
		return ""
	}
	tag := ref[colon+1:]
	if len(tag) > 63 {
		return ""
	}
	return tag
}
