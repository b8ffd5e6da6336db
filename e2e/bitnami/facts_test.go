//go:build e2e

package bitnami

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// facts are what matters about one rendering, each reduced to a string
// that means the same on both sides (selectors become "members" when they
// select the StatefulSet's own pods, ports become numbers).
type facts map[string]string

// dialect is what differs in how the two renderings say the same thing:
// the chart configures ZooKeeper through the Bitnami image's environment
// variables, the function through a rendered zoo.cfg.
type dialect struct {
	servers  func(t testing.TB, e *ensemble) []string // "id=host:quorum:election", by id
	heapMiB  func(t testing.TB, e *ensemble) string
	dataDir  func(t testing.TB, e *ensemble) string
	zooCfg   func(t testing.TB, e *ensemble) map[string]string // the zoo.cfg keys compared
	clientSv func(e *ensemble) string                          // the client Service's name
}

// collect reduces an ensemble to its facts.
func collect(t testing.TB, e *ensemble, d dialect) facts {
	t.Helper()
	c := e.container(t)
	pod := e.sts.Spec.Template.Spec
	f := facts{
		"replicas":                  strconv.Itoa(int(*e.sts.Spec.Replicas)),
		"server.X list":             strings.Join(d.servers(t, e), " "),
		"podManagementPolicy":       string(e.sts.Spec.PodManagementPolicy),
		"claims":                    claims(e),
		"data directory":            d.dataDir(t, e),
		"resources":                 resources(c.Resources),
		"heap (MiB)":                d.heapMiB(t, e),
		"anti-affinity":             antiAffinity(e),
		"container ports":           containerPorts(c, false),
		"container port names":      containerPorts(c, true),
		"headless Service":          service(t, e, e.sts.Spec.ServiceName),
		"client Service":            service(t, e, d.clientSv(e)),
		"metrics Service":           service(t, e, e.sts.Name+"-metrics"),
		"PodDisruptionBudget":       pdb(e),
		"NetworkPolicy applies to":  peer(e, &e.netpol.Spec.PodSelector, nil),
		"NetworkPolicy ingress":     ingress(e),
		"NetworkPolicy egress":      egress(e),
		"user, group, fsGroup":      runAs(pod, c),
		"service account token":     fmt.Sprint(*pod.AutomountServiceAccountToken),
		"readOnlyRootFilesystem":    fmt.Sprint(*c.SecurityContext.ReadOnlyRootFilesystem),
		"allowPrivilegeEscalation":  fmt.Sprint(*c.SecurityContext.AllowPrivilegeEscalation),
		"capabilities dropped":      fmt.Sprint(c.SecurityContext.Capabilities.Drop),
		"seccomp profile":           string(c.SecurityContext.SeccompProfile.Type),
		"unhealthy pod eviction":    unhealthyEviction(e),
		"fsGroupChangePolicy":       string(*pod.SecurityContext.FSGroupChangePolicy),
		"headless publishNotReady":  fmt.Sprint(e.services[e.sts.Spec.ServiceName].Spec.PublishNotReadyAddresses),
		"StatefulSet serviceName":   e.sts.Spec.ServiceName,
		"StatefulSet name":          e.sts.Name,
		"ServiceAccount of the pod": pod.ServiceAccountName,
	}
	for k, v := range d.zooCfg(t, e) {
		f["zoo.cfg "+k] = v
	}
	return f
}

// claims names every member's data claim (<template>-<pod>) with the
// template's class, size and access modes.
func claims(e *ensemble) string {
	var out []string
	for _, c := range e.sts.Spec.VolumeClaimTemplates {
		var names []string
		for i := 0; i < int(*e.sts.Spec.Replicas); i++ {
			names = append(names, fmt.Sprintf("%s-%s-%d", c.Name, e.sts.Name, i))
		}
		size := c.Spec.Resources.Requests[corev1.ResourceStorage]
		out = append(out, fmt.Sprintf("%s class=%s size=%s modes=%v", strings.Join(names, ","),
			deref(c.Spec.StorageClassName), size.String(), c.Spec.AccessModes))
	}
	return strings.Join(out, "; ")
}

func resources(r corev1.ResourceRequirements) string {
	list := func(l corev1.ResourceList) string {
		var kv []string
		for k, q := range l {
			kv = append(kv, fmt.Sprintf("%s=%s", k, q.String()))
		}
		sort.Strings(kv)
		return strings.Join(kv, ",")
	}
	return "requests " + list(r.Requests) + " limits " + list(r.Limits)
}

// antiAffinity lists the pod anti-affinity terms, with their selector
// reduced to whether it selects the ensemble's own members.
func antiAffinity(e *ensemble) string {
	a := e.sts.Spec.Template.Spec.Affinity
	if a == nil || a.PodAntiAffinity == nil {
		return "none"
	}
	var out []string
	for _, term := range a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution {
		out = append(out, fmt.Sprintf("required on %s against %s", term.TopologyKey, peer(e, term.LabelSelector, nil)))
	}
	for _, w := range a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
		out = append(out, fmt.Sprintf("preferred(%d) on %s against %s", w.Weight, w.PodAffinityTerm.TopologyKey,
			peer(e, w.PodAffinityTerm.LabelSelector, nil)))
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, "; ")
}

func containerPorts(c corev1.Container, names bool) string {
	var out []string
	for _, p := range c.Ports {
		if names {
			out = append(out, fmt.Sprintf("%d=%s", p.ContainerPort, p.Name))
		} else {
			out = append(out, strconv.Itoa(int(p.ContainerPort)))
		}
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// service is a Service's name, type and port numbers, and whether it
// selects the members.
func service(t testing.TB, e *ensemble, name string) string {
	t.Helper()
	s, ok := e.services[name]
	if !ok {
		return "absent (" + name + ")"
	}
	var ports []string
	for _, p := range s.Spec.Ports {
		ports = append(ports, strconv.Itoa(int(p.Port)))
	}
	sort.Strings(ports)
	sel := peer(e, &metav1.LabelSelector{MatchLabels: s.Spec.Selector}, nil)
	typ := string(s.Spec.Type)
	if typ == "" {
		typ = string(corev1.ServiceTypeClusterIP)
	}
	if s.Spec.ClusterIP == corev1.ClusterIPNone {
		typ = "headless"
	}
	return fmt.Sprintf("%s %s ports %s -> %s", name, typ, strings.Join(ports, ","), sel)
}

func pdb(e *ensemble) string {
	s := e.pdb.Spec
	v := func(p interface{ String() string }, isNil bool) string {
		if isNil {
			return "-"
		}
		return p.String()
	}
	return fmt.Sprintf("maxUnavailable=%s minAvailable=%s -> %s", v(s.MaxUnavailable, s.MaxUnavailable == nil),
		v(s.MinAvailable, s.MinAvailable == nil), peer(e, s.Selector, nil))
}

func unhealthyEviction(e *ensemble) string {
	if p := e.pdb.Spec.UnhealthyPodEvictionPolicy; p != nil {
		return string(*p)
	}
	return "unset (IfHealthyBudget)"
}

func runAs(pod corev1.PodSpec, c corev1.Container) string {
	uid, gid := c.SecurityContext.RunAsUser, c.SecurityContext.RunAsGroup
	if uid == nil {
		uid = pod.SecurityContext.RunAsUser
	}
	if gid == nil {
		gid = pod.SecurityContext.RunAsGroup
	}
	return fmt.Sprintf("%d:%d fsGroup %d", deref(uid), deref(gid), deref(pod.SecurityContext.FSGroup))
}

// myidPath finds the file a start script reads or writes the member id
// from, which sits in the data directory.
var myidPath = regexp.MustCompile(`"(/[^"$]*)/myid"`)

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// selects reports whether a selector picks the pod template's labels.
func selects(e *ensemble, s *metav1.LabelSelector) bool {
	sel, err := metav1.LabelSelectorAsSelector(s)
	return err == nil && !sel.Empty() && sel.Matches(labels.Set(e.sts.Spec.Template.Labels))
}
