//go:build e2e

package kubernetes

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// Ensemble is one rendered ensemble applied to a cluster.
type Ensemble struct {
	t   testing.TB
	c   *Cluster
	M   *Manifests
	NS  string
	STS appsv1.StatefulSet // as rendered
	sel labels.Selector
}

// NewEnsemble reads the rendered StatefulSet and checks that every
// namespaced object names the same namespace explicitly.
func NewEnsemble(t testing.TB, c *Cluster, m *Manifests) *Ensemble {
	t.Helper()
	e := &Ensemble{t: t, c: c, M: m}
	m.One(t, "StatefulSet", &e.STS)
	nss, missing := m.Namespaces()
	if len(missing) > 0 {
		t.Errorf("namespaced objects without metadata.namespace: %v", missing)
	}
	if len(nss) != 1 {
		t.Fatalf("rendered objects span namespaces %v, want exactly one", nss)
	}
	e.NS = nss[0]
	sel, err := metav1.LabelSelectorAsSelector(e.STS.Spec.Selector)
	if err != nil {
		t.Fatalf("StatefulSet selector: %v", err)
	}
	e.sel = sel
	return e
}

// Replicas is the rendered replica count.
func (e *Ensemble) Replicas() int {
	if e.STS.Spec.Replicas == nil {
		return 1
	}
	return int(*e.STS.Spec.Replicas)
}

// Apply applies the rendered stream the way ApplyRendered does and fails
// the test on any rejection or warning; then it checks that every
// rendered object is stored.
func (e *Ensemble) Apply() {
	e.t.Helper()
	for _, o := range e.M.All("Namespace") {
		var ns corev1.Namespace
		o.Decode(e.t, &ns)
		if ns.Name == e.NS && ns.Labels["pod-security.kubernetes.io/enforce"] != "restricted" {
			e.t.Errorf("rendered Namespace %s does not enforce Pod Security \"restricted\": labels %v", ns.Name, ns.Labels)
		}
	}
	if warnings, err := e.c.ApplyRendered(e.M, false); err != nil {
		e.t.Fatal(err)
	} else if warnings != "" {
		e.t.Errorf("the API server warned:\n%s", warnings)
	}
	var ns corev1.Namespace
	if err := e.c.API.Get("/api/v1/namespaces/"+e.NS, &ns); err != nil {
		e.t.Fatalf("namespace %s: %v", e.NS, err)
	}
	if ns.Labels["pod-security.kubernetes.io/enforce"] != "restricted" {
		e.t.Errorf("live namespace %s does not enforce Pod Security \"restricted\": labels %v", e.NS, ns.Labels)
	}
	if out, stderr, err := e.c.Kubectl(e.M.Raw, "get", "-f", "-", "-o", "name"); err != nil {
		e.t.Fatalf("kubectl get -f on the rendered output: %v\n%s", err, stderr)
	} else if n := len(strings.Fields(out)); n != len(e.M.Objects) {
		e.t.Errorf("kubectl get -f found %d objects, rendered %d:\n%s", n, len(e.M.Objects), out)
	}
}

// ApplyRendered applies a rendered stream as a user would with
// `kubectl apply --server-side --validate=strict` (the API's
// fieldValidation=Strict: unknown and duplicate fields are errors):
//  1. the stream's Namespace objects, dry run on the server, then for real
//     (a dry run persists nothing, so namespaced objects need them first);
//  2. the other objects as a server-side dry run, which must persist nothing;
//  3. unless dryRunOnly, the whole stream for real.
//
// It returns the server's warnings and the first rejection.
func (c *Cluster) ApplyRendered(m *Manifests, dryRunOnly bool) (warnings string, err error) {
	var nsDocs, rest []string
	for _, o := range m.Objects {
		if o.Kind == "Namespace" {
			nsDocs = append(nsDocs, string(o.JSON))
		} else {
			rest = append(rest, string(o.JSON))
		}
	}
	var warn strings.Builder
	step := func(what string, docs []string, dryRun bool) error {
		if len(docs) == 0 {
			return nil
		}
		stderr, err := c.Apply([]byte(strings.Join(docs, "\n---\n")), dryRun)
		for _, l := range strings.Split(stderr, "\n") {
			if strings.HasPrefix(l, "Warning:") {
				warn.WriteString(l + "\n")
			}
		}
		if err != nil {
			return fmt.Errorf("%s rejected: %v\n%s", what, err, stderr)
		}
		return nil
	}
	if err := step("server-side dry run of the Namespace objects", nsDocs, true); err != nil {
		return warn.String(), err
	}
	if err := step("apply of the Namespace objects", nsDocs, false); err != nil {
		return warn.String(), err
	}
	var absent []string // StatefulSets that do not exist yet
	for _, o := range m.All("StatefulSet") {
		p := fmt.Sprintf("/apis/apps/v1/namespaces/%s/statefulsets/%s", o.Namespace, o.Name)
		if IsStatus(c.API.Get(p, nil), 404) {
			absent = append(absent, p)
		}
	}
	if err := step("server-side dry run", rest, true); err != nil {
		return warn.String(), err
	}
	for _, p := range absent {
		if err := c.API.Get(p, nil); !IsStatus(err, 404) {
			return warn.String(), fmt.Errorf("after the dry run, GET %s: %v; want 404: a dry run must persist nothing", p, err)
		}
	}
	if dryRunOnly {
		return warn.String(), nil
	}
	return warn.String(), step("apply", append(nsDocs, rest...), false)
}

// Apply runs kubectl apply --server-side --validate=strict (the
// fieldValidation=Strict request parameter) on a manifest stream.
func (c *Cluster) Apply(manifests []byte, dryRun bool) (stderr string, err error) {
	args := []string{"apply", "--server-side", "--field-manager=zookeeper-fn-e2e", "--validate=strict", "-f", "-"}
	if dryRun {
		args = append(args, "--dry-run=server")
	}
	_, stderr, err = c.Kubectl(manifests, args...)
	return stderr, err
}

func (e *Ensemble) stsPath() string {
	return fmt.Sprintf("/apis/apps/v1/namespaces/%s/statefulsets/%s", e.NS, e.STS.Name)
}

// Live returns the StatefulSet as stored.
func (e *Ensemble) Live() appsv1.StatefulSet {
	e.t.Helper()
	var s appsv1.StatefulSet
	if err := e.c.API.Get(e.stsPath(), &s); err != nil {
		e.t.Fatal(err)
	}
	return s
}

// Pods lists the live pods the StatefulSet selector selects, by name.
func (e *Ensemble) Pods() []corev1.Pod {
	e.t.Helper()
	pods := e.c.Pods(e.NS, e.sel.String())
	sort.Slice(pods, func(i, j int) bool { return pods[i].Name < pods[j].Name })
	return pods
}

// Pods lists pods in a namespace matching a label selector ("" for all).
func (c *Cluster) Pods(ns, selector string) []corev1.Pod {
	c.t.Helper()
	var l corev1.PodList
	path := "/api/v1/namespaces/" + ns + "/pods"
	if selector != "" {
		path += "?labelSelector=" + url.QueryEscape(selector)
	}
	if err := c.API.Get(path, &l); err != nil {
		c.t.Fatal(err)
	}
	return l.Items
}

// PodReady reports the pod's Ready condition.
func PodReady(p corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// Unschedulable returns the scheduler's message when the pod could not be
// placed, or "".
func Unschedulable(p corev1.Pod) string {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Reason == corev1.PodReasonUnschedulable {
			return c.Message
		}
	}
	return ""
}

// WaitReady waits until `ready` pods are Ready and scheduled, and the rest
// (up to the replica count) exist but are unschedulable.
func (e *Ensemble) WaitReady(ready int) {
	e.t.Helper()
	want := e.Replicas()
	e.c.Eventually(90*time.Second, fmt.Sprintf("%d of %d members Ready in %s", ready, want, e.NS), func() (bool, string) {
		pods := e.Pods()
		nReady, nUnsched := 0, 0
		for _, p := range pods {
			if p.DeletionTimestamp != nil {
				continue
			}
			if PodReady(p) && p.Spec.NodeName != "" {
				nReady++
			} else if Unschedulable(p) != "" {
				nUnsched++
			}
		}
		return len(pods) == want && nReady == ready && nUnsched == want-ready, e.describe()
	})
}

// describe summarises pods, the StatefulSet's status and warning events.
func (e *Ensemble) describe() string {
	var b strings.Builder
	var s appsv1.StatefulSet
	if err := e.c.API.Get(e.stsPath(), &s); err == nil {
		fmt.Fprintf(&b, "statefulset replicas=%d ready=%d current=%s update=%s; ", s.Status.Replicas, s.Status.ReadyReplicas, s.Status.CurrentRevision, s.Status.UpdateRevision)
	} else {
		fmt.Fprintf(&b, "statefulset: %v; ", err)
	}
	for _, p := range e.c.Pods(e.NS, e.sel.String()) {
		fmt.Fprintf(&b, "pod %s phase=%s node=%q ready=%v unschedulable=%q; ", p.Name, p.Status.Phase, p.Spec.NodeName, PodReady(p), Unschedulable(p))
	}
	var ev corev1.EventList
	if err := e.c.API.Get("/api/v1/namespaces/"+e.NS+"/events?fieldSelector=type%3DWarning", &ev); err == nil {
		for _, x := range ev.Items {
			fmt.Fprintf(&b, "event %s %s: %s; ", x.InvolvedObject.Name, x.Reason, x.Message)
		}
	}
	return b.String()
}
