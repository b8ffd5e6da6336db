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

// TestDynamicMembership applies the dynamic-membership variant
// (spec.membership, testdata/e2e-kubernetes/dynamic) strict and
// server-side into a namespace that enforces Pod Security "restricted",
// three members and then five: the StatefulSet controller must create
// the pods with the superuser's Secret mounted and the preStop hook that
// removes a leaving member, add the new ordinals and roll the old ones.
// What the members do with it runs on real ZooKeeper in e2e/scaling.
func TestDynamicMembership(t *testing.T) {
	t.Parallel()
	c := startZonedCluster(t, "dynamic")
	three := NewEnsemble(t, c, renderCase(t, "dynamic", "three"))
	five := NewEnsemble(t, c, renderCase(t, "dynamic", "five"))
	checkDynamicRendering(t, three, 3)
	checkDynamicRendering(t, five, 5)

	three.Apply()
	three.WaitReady(3)
	c.Eventually(time.Minute, "3 members available", func() (bool, string) {
		st := three.Live().Status
		return st.AvailableReplicas == 3, fmt.Sprintf("available %d", st.AvailableReplicas)
	})
	for _, p := range three.Pods() {
		checkDynamicPod(t, p)
	}
	five.Apply()
	c.Eventually(3*time.Minute, "scale to 5 and roll every member onto the new revision", func() (bool, string) {
		s := five.Live()
		st := s.Status
		done := st.ObservedGeneration == s.Generation && st.Replicas == 5 && st.ReadyReplicas == 5 &&
			st.UpdatedReplicas == 5 && st.CurrentRevision == st.UpdateRevision
		return done, fmt.Sprintf("replicas %d ready %d updated %d", st.Replicas, st.ReadyReplicas, st.UpdatedReplicas)
	})
	live := five.Live()
	pods := five.Pods()
	if len(pods) != 5 {
		t.Fatalf("%d pods after scaling to 5: %v", len(pods), podNames(pods))
	}
	for _, p := range pods {
		checkDynamicPod(t, p)
		if p.Labels[appsv1.ControllerRevisionHashLabelKey] != live.Status.UpdateRevision {
			t.Errorf("member %s runs revision %s, want %s", p.Name, p.Labels[appsv1.ControllerRevisionHashLabelKey], live.Status.UpdateRevision)
		}
	}
	checkRollOrder(t, pods, five.STS.Name)
	var cm corev1.ConfigMap
	if err := c.API.Get("/api/v1/namespaces/"+five.NS+"/configmaps/"+configMapOf(five.STS), &cm); err != nil {
		t.Fatal(err)
	}
	if n := len(servers(cm.Data["servers"])); n != 5 {
		t.Errorf("live ConfigMap key servers has %d server lines, want 5:\n%s", n, cm.Data["servers"])
	}
}

// checkDynamicRendering: the members the spec asks for are in the
// ConfigMap's servers key, not in zoo.cfg, which enables reconfig.
func checkDynamicRendering(t *testing.T, e *Ensemble, n int) {
	t.Helper()
	var cm corev1.ConfigMap
	e.M.One(t, "ConfigMap", &cm)
	cfg := cm.Data["zoo.cfg"]
	if got := len(servers(cm.Data["servers"])); got != n || len(servers(cfg)) != 0 {
		t.Errorf("rendered %d members in key servers and %d server lines in zoo.cfg, want %d and 0", got, len(servers(cfg)), n)
	}
	for _, want := range []string{"reconfigEnabled=true", "standaloneEnabled=false"} {
		if !strings.Contains(cfg, want) {
			t.Errorf("rendered zoo.cfg lacks %s", want)
		}
	}
	for _, k := range []string{"membership.sh", "reconfig.sh", "stop.sh"} {
		if cm.Data[k] == "" {
			t.Errorf("rendered ConfigMap lacks %s", k)
		}
	}
	if e.STS.Spec.PodManagementPolicy != appsv1.ParallelPodManagement {
		t.Errorf("podManagementPolicy %q, want Parallel", e.STS.Spec.PodManagementPolicy)
	}
}

// checkDynamicPod: the live pod mounts the superuser's Secret and has
// the preStop hook that removes it from the voters.
func checkDynamicPod(t *testing.T, p corev1.Pod) {
	t.Helper()
	secret := false
	for _, v := range p.Spec.Volumes {
		if v.Secret != nil && v.Secret.SecretName == "zk-superuser" {
			secret = true
		}
	}
	var hook string
	for _, ct := range p.Spec.Containers {
		if ct.Name == "zookeeper" && ct.Lifecycle != nil && ct.Lifecycle.PreStop != nil && ct.Lifecycle.PreStop.Exec != nil {
			hook = strings.Join(ct.Lifecycle.PreStop.Exec.Command, " ")
		}
	}
	if !secret || !strings.Contains(hook, "stop.sh") {
		t.Errorf("pod %s: superuser Secret mounted %v, preStop %q; want the Secret and stop.sh", p.Name, secret, hook)
	}
}

// configMapOf is the ConfigMap the StatefulSet's config volume mounts.
func configMapOf(sts appsv1.StatefulSet) string {
	for _, v := range sts.Spec.Template.Spec.Volumes {
		if v.ConfigMap != nil && v.Name == "config" {
			return v.ConfigMap.Name
		}
	}
	return ""
}
