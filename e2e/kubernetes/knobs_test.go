//go:build e2e

package kubernetes

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// TestKnobs applies testdata/e2e-kubernetes/knobs, a spec that sets every
// setting of issue 16 (registry mirror, pull secrets, pod and
// ServiceAccount metadata, the overlay's labels and annotations, a
// LoadBalancer client Service, probe timings, log levels, extra env,
// volumes, sidecar and init container, custom affinity and spread,
// OpenShift mode), with strict server-side apply into a namespace that
// enforces Pod Security "restricted", and checks the live objects.
func TestKnobs(t *testing.T) {
	t.Parallel()
	c := startZonedCluster(t, "knobs")
	e := NewEnsemble(t, c, renderCase(t, "knobs"))
	e.Apply()
	e.WaitReady(3)
	e.CheckServices()
	for _, p := range e.Pods() {
		checkKnobsPod(t, p)
	}
	var svc corev1.Service
	if err := c.API.Get("/api/v1/namespaces/"+e.NS+"/services/zk-client", &svc); err != nil {
		t.Fatal(err)
	}
	if svc.Spec.Type != corev1.ServiceTypeLoadBalancer || len(svc.Spec.LoadBalancerSourceRanges) != 1 ||
		svc.Spec.ExternalTrafficPolicy != corev1.ServiceExternalTrafficPolicyLocal || svc.Annotations["owner-team"] == "" {
		t.Errorf("live client Service %+v lacks the spec's type, ranges, traffic policy or the overlay's annotation", svc.Spec)
	}
	var sa corev1.ServiceAccount
	if err := c.API.Get("/api/v1/namespaces/"+e.NS+"/serviceaccounts/zk", &sa); err != nil {
		t.Fatal(err)
	}
	if sa.Annotations["eks.amazonaws.com/role-arn"] == "" || sa.Labels["app.kubernetes.io/part-of"] != "orders" {
		t.Errorf("live ServiceAccount metadata %v %v lacks the IRSA annotation or the overlay's label", sa.Annotations, sa.Labels)
	}
}

func checkKnobsPod(t *testing.T, p corev1.Pod) {
	t.Helper()
	if p.Labels["app.kubernetes.io/part-of"] != "orders" || p.Labels["sidecar.istio.io/inject"] != "false" {
		t.Errorf("pod %s labels %v lack the overlay's or the spec's", p.Name, p.Labels)
	}
	if p.Annotations["ad.datadoghq.com/zookeeper.check_names"] == "" {
		t.Errorf("pod %s annotations %v lack the spec's", p.Name, p.Annotations)
	}
	if len(p.Spec.ImagePullSecrets) != 1 || p.Spec.ImagePullSecrets[0].Name != "harbor-pull" {
		t.Errorf("pod %s pull secrets %v", p.Name, p.Spec.ImagePullSecrets)
	}
	if sc := p.Spec.SecurityContext; sc == nil || sc.RunAsUser != nil || sc.FSGroup != nil {
		t.Errorf("pod %s in OpenShift mode names ids: %+v", p.Name, sc)
	}
	names := map[string]string{}
	for _, c := range append(p.Spec.InitContainers, p.Spec.Containers...) {
		names[c.Name] = c.Image
	}
	if names["zookeeper"] != "harbor.example.com/dockerhub/library/zookeeper:3.9.6" || names["log-shipper"] == "" || names["wait-for-dns"] == "" {
		t.Errorf("pod %s containers %v: want the mirrored ZooKeeper image, the sidecar and the init container", p.Name, names)
	}
	if a := p.Spec.Affinity; a == nil || a.NodeAffinity == nil || a.PodAntiAffinity == nil ||
		len(a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution) != 2 || len(p.Spec.TopologySpreadConstraints) != 1 {
		t.Errorf("pod %s placement %+v %+v: want the preset's term plus the spec's", p.Name, a, p.Spec.TopologySpreadConstraints)
	}
}
