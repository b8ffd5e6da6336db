// Package names derives every name, hostname, label and selector of an
// ensemble from its spec, in one place, so that Services, the
// PodDisruptionBudget, NetworkPolicy, anti-affinity and topology spread
// always select exactly the pods the StatefulSet creates.
package names

import (
	"fmt"
	"strings"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
)

// Label keys of Kubernetes' recommended app.kubernetes.io scheme, and the
// annotation that marks generated objects with the spec that owns them.
const (
	LabelName      = "app.kubernetes.io/name"
	LabelInstance  = "app.kubernetes.io/instance"
	LabelComponent = "app.kubernetes.io/component"
	LabelManagedBy = "app.kubernetes.io/managed-by"
	LabelVersion   = "app.kubernetes.io/version"

	OwnerAnnotation = api.Group + "/owner"
	ManagedBy       = "zookeeper-fn"
	AppName         = "zookeeper"
)

// Volume claim template names.
const (
	DataVolume    = "data"
	DataLogVolume = "datalog"
)

// Ensemble names the objects of one ensemble.
type Ensemble struct {
	Name, Namespace, ClusterDomain string
	Replicas                       int32
	Version                        string
}

// For derives the names of a defaulted spec.
func For(z *api.ZookeeperSpec) Ensemble {
	return Ensemble{
		Name:          z.Name,
		Namespace:     z.Namespace,
		ClusterDomain: z.Spec.ClusterDomain,
		Replicas:      *z.Spec.Replicas,
		Version:       imageVersion(z.Spec.Image),
	}
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

// Pod is the name (and hostname) of member ordinal i.
func (e Ensemble) Pod(i int) string { return fmt.Sprintf("%s-%d", e.StatefulSet(), i) }

// Host is member i's stable DNS name through the headless Service.
func (e Ensemble) Host(i int) string {
	return fmt.Sprintf("%s.%s.%s.svc.%s", e.Pod(i), e.HeadlessService(), e.NamespaceOrDefault(), e.ClusterDomain)
}

// MyID is the ZooKeeper server id of ordinal i: ids start at 1.
func (e Ensemble) MyID(i int) int { return i + 1 }

// Claim is the PVC the StatefulSet creates for template t and ordinal i.
func (e Ensemble) Claim(t string, i int) string { return fmt.Sprintf("%s-%s", t, e.Pod(i)) }

// Volume is the name of the static PersistentVolume for claim (t, i). PVs
// are cluster-scoped, so the namespace is part of the name.
func (e Ensemble) Volume(t string, i int) string {
	return fmt.Sprintf("%s-%s-%s-%d", e.NamespaceOrDefault(), e.Name, t, i)
}

// NamespaceOrDefault is the namespace the objects land in when none is set.
func (e Ensemble) NamespaceOrDefault() string {
	if e.Namespace == "" {
		return "default"
	}
	return e.Namespace
}

// Selector is the label set every selector of the ensemble uses.
func (e Ensemble) Selector() map[string]string {
	return map[string]string{LabelName: AppName, LabelInstance: e.Name}
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
