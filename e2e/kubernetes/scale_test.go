//go:build e2e

package kubernetes

import (
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

const configHash = "zookeeper-fn.dev/config-hash"

// serverLines returns the server.X lines of the rendered zoo.cfg.
func serverLines(t testing.TB, m *Manifests) []string {
	t.Helper()
	var cm corev1.ConfigMap
	m.One(t, "ConfigMap", &cm)
	return servers(cm.Data["zoo.cfg"])
}

func servers(zooCfg string) []string {
	var out []string
	for _, l := range strings.Split(zooCfg, "\n") {
		if strings.HasPrefix(l, "server.") {
			out = append(out, l)
		}
	}
	return out
}

// checkScale applies a three-member ensemble, re-renders it with five and
// applies that: the API server must accept the update, the new members
// must join, and every old member must be restarted (rolling update) so
// that it runs with the five-server list, keeping its volume.
func checkScale(t *testing.T, c *Cluster) {
	three := NewEnsemble(t, c, renderCase(t, "scale", "three"))
	five := NewEnsemble(t, c, renderCase(t, "scale", "five"))
	if three.Replicas() != 3 || five.Replicas() != 5 {
		t.Fatalf("rendered replicas %d and %d, want 3 and 5", three.Replicas(), five.Replicas())
	}
	if n3, n5 := len(serverLines(t, three.M)), len(serverLines(t, five.M)); n3 != 3 || n5 != 5 {
		t.Fatalf("rendered zoo.cfg has %d and %d server lines, want 3 and 5", n3, n5)
	}
	h3 := three.STS.Spec.Template.Annotations[configHash]
	h5 := five.STS.Spec.Template.Annotations[configHash]
	if h3 == "" || h3 == h5 {
		t.Fatalf("pod template %s annotation %q -> %q: a new server list must change the pod template, "+
			"or the running members never load it", configHash, h3, h5)
	}

	three.Apply()
	three.WaitReady(3)
	// Wait until the members are available (Ready for minReadySeconds), as
	// an operator must: with Parallel pod management the StatefulSet
	// controller deletes every old-revision member that is not yet
	// available at once, so rolling out within minReadySeconds of the
	// members becoming Ready would restart all of them together and lose
	// the quorum (seen on v1.37.2: zk-0, zk-1 and zk-2 deleted within 100ms).
	c.Eventually(time.Minute, "3 members available", func() (bool, string) {
		st := three.Live().Status
		return st.AvailableReplicas == 3, fmt.Sprintf("available %d", st.AvailableReplicas)
	})
	oldUID := map[string]string{}
	for _, p := range three.Pods() {
		oldUID[p.Name] = string(p.UID)
	}
	claimUID := map[string]string{}
	for name := range oldUID {
		var pvc corev1.PersistentVolumeClaim
		if err := c.API.Get("/api/v1/namespaces/"+three.NS+"/persistentvolumeclaims/data-"+name, &pvc); err != nil {
			t.Fatal(err)
		}
		claimUID[name] = string(pvc.UID)
	}

	five.Apply() // dry run and apply of the re-rendered stream
	c.Eventually(3*time.Minute, "scale to 5 and roll every member onto the new revision", func() (bool, string) {
		s := five.Live()
		st := s.Status
		done := st.ObservedGeneration == s.Generation && st.Replicas == 5 && st.ReadyReplicas == 5 &&
			st.UpdatedReplicas == 5 && st.CurrentRevision == st.UpdateRevision
		return done, fmt.Sprintf("generation %d observed %d replicas %d ready %d updated %d current %s update %s",
			s.Generation, st.ObservedGeneration, st.Replicas, st.ReadyReplicas, st.UpdatedReplicas, st.CurrentRevision, st.UpdateRevision)
	})
	live := five.Live()
	for _, p := range five.Pods() {
		if !PodReady(p) {
			t.Errorf("member %s not Ready after scaling", p.Name)
		}
		if p.Labels[appsv1.ControllerRevisionHashLabelKey] != live.Status.UpdateRevision {
			t.Errorf("member %s runs revision %s, want %s", p.Name, p.Labels[appsv1.ControllerRevisionHashLabelKey], live.Status.UpdateRevision)
		}
		if p.Annotations[configHash] != h5 {
			t.Errorf("member %s has config hash %q, want %q", p.Name, p.Annotations[configHash], h5)
		}
		if uid, old := oldUID[p.Name]; old && uid == string(p.UID) {
			t.Errorf("member %s was not restarted: it still runs with the three-server list", p.Name)
		}
	}
	checkRollOrder(t, five.Pods(), five.STS.Name)
	for name, uid := range claimUID {
		var pvc corev1.PersistentVolumeClaim
		if err := c.API.Get("/api/v1/namespaces/"+five.NS+"/persistentvolumeclaims/data-"+name, &pvc); err != nil || string(pvc.UID) != uid {
			t.Errorf("claim data-%s after the rolling restart: %v (uid %s, was %s); want the same claim", name, err, pvc.UID, uid)
		}
	}
	var rendered, cm corev1.ConfigMap
	five.M.One(t, "ConfigMap", &rendered)
	if err := c.API.Get("/api/v1/namespaces/"+five.NS+"/configmaps/"+rendered.Name, &cm); err != nil {
		t.Fatal(err)
	}
	if got, want := servers(cm.Data["zoo.cfg"]), serverLines(t, five.M); !equal(got, want) {
		t.Errorf("live zoo.cfg servers %v, want %v", got, want)
	}
	five.CheckServices()
}

// checkRollOrder asserts the order that makes a static-membership change
// safe: the new members (3, 4) were Ready before member 2 was replaced,
// and each replaced member was Ready before the next lower one was
// replaced. Timestamps have one-second resolution, so equal times pass.
func checkRollOrder(t *testing.T, pods []corev1.Pod, sts string) {
	t.Helper()
	ready := map[string]time.Time{}
	created := map[string]time.Time{}
	for _, p := range pods {
		created[p.Name] = p.CreationTimestamp.Time
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
				ready[p.Name] = c.LastTransitionTime.Time
			}
		}
	}
	name := func(i int) string { return fmt.Sprintf("%s-%d", sts, i) }
	before := map[int][]int{2: {3, 4}, 1: {2}, 0: {1}}
	for replaced, prereqs := range before {
		for _, q := range prereqs {
			r, ok := ready[name(q)]
			if !ok || created[name(replaced)].Before(r) {
				t.Errorf("%s was replaced at %s, before %s was Ready (%s): the roll must wait for it",
					name(replaced), created[name(replaced)].Format(time.TimeOnly), name(q), r.Format(time.TimeOnly))
			}
		}
	}
}
