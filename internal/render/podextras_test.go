package render

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	corev1 "k8s.io/api/core/v1"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// The api package refuses user labels with the keys the function sets; its
// list must cover every key names.Ensemble.Labels produces.
func TestReservedLabelsCoverOurs(t *testing.T) {
	e := spec(t, "  image: zookeeper:3.9.6\n").Membership().Ensemble
	var ours []string
	for k := range e.Labels() {
		ours = append(ours, k)
	}
	sort.Strings(ours)
	assert.Subset(t, api.ReservedLabels, ours)
}

func serviceAccount(objs []Object) *corev1.ServiceAccount {
	if sas := ofType[*corev1.ServiceAccount](objs); len(sas) > 0 {
		return sas[0]
	}
	return nil
}

func TestPodSettings(t *testing.T) {
	z := spec(t, `  imageRegistry: mirror.example.com
  imagePullSecrets: [{name: regcred}]
  pod:
    labels: {team: data}
    annotations: {sidecar.istio.io/inject: "false"}
  serviceAccount:
    annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::1:role/zk"}
  backup:
    enabled: true
    volume: {}
    restore: {from: latest}
`)
	objs := renderAll(z)
	sts := statefulSet(t, objs)
	pod := sts.Spec.Template
	all := append(append([]corev1.Container(nil), pod.Spec.InitContainers...), pod.Spec.Containers...)
	assert.Len(t, all, 3, "zookeeper, the backup sidecar and the restore init container")
	for _, c := range all {
		assert.Equal(t, "mirror.example.com/library/zookeeper:3.9.6", c.Image, c.Name)
	}
	assert.Equal(t, []corev1.LocalObjectReference{{Name: "regcred"}}, pod.Spec.ImagePullSecrets)
	assert.Equal(t, "data", pod.Labels["team"])
	assert.Equal(t, "false", pod.Annotations["sidecar.istio.io/inject"])
	assert.Contains(t, pod.Annotations, ConfigHashAnnotation, "ours stay")
	assert.Equal(t, z.Membership().Ensemble.Selector(), sts.Spec.Selector.MatchLabels, "user labels never enter the selector")
	assert.Equal(t, "3.9.6", pod.Labels[names.LabelVersion], "the version label comes from the tag, not the mirror")
	sa := serviceAccount(objs)
	assert.Equal(t, "arn:aws:iam::1:role/zk", sa.Annotations["eks.amazonaws.com/role-arn"])
	assert.Contains(t, sa.Annotations, names.OwnerAnnotation)
}

func TestClientServiceSettings(t *testing.T) {
	z := spec(t, `  clientService:
    type: LoadBalancer
    annotations: {service.beta.kubernetes.io/aws-load-balancer-internal: "true"}
    loadBalancerSourceRanges: [10.0.0.0/8]
    externalTrafficPolicy: Local
`)
	e := z.Membership().Ensemble
	svc := ClientService(z, e)
	assert.Equal(t, corev1.ServiceTypeLoadBalancer, svc.Spec.Type)
	assert.Equal(t, []string{"10.0.0.0/8"}, svc.Spec.LoadBalancerSourceRanges)
	assert.Equal(t, corev1.ServiceExternalTrafficPolicyLocal, svc.Spec.ExternalTrafficPolicy)
	assert.Equal(t, "true", svc.Annotations["service.beta.kubernetes.io/aws-load-balancer-internal"])
	assert.Equal(t, e.Selector(), svc.Spec.Selector)
	assert.Equal(t, corev1.ServiceTypeClusterIP, ClientService(spec(t, "  replicas: 3\n"), e).Spec.Type)
}

func TestProbeTimings(t *testing.T) {
	z := spec(t, `  probes:
    startup: {failureThreshold: 720}
    readiness: {periodSeconds: 10, successThreshold: 2}
    liveness: {initialDelaySeconds: 30, timeoutSeconds: 10}
`)
	c := findContainer(t, statefulSet(t, renderAll(z)).Spec.Template.Spec.Containers, zooKeeperContainer)
	assert.EqualValues(t, 720, c.StartupProbe.FailureThreshold)
	assert.EqualValues(t, 5, c.StartupProbe.PeriodSeconds, "unset fields keep the default")
	assert.EqualValues(t, 10, c.ReadinessProbe.PeriodSeconds)
	assert.EqualValues(t, 2, c.ReadinessProbe.SuccessThreshold)
	assert.EqualValues(t, 2, c.ReadinessProbe.FailureThreshold)
	assert.Equal(t, []string{"bash", ConfDir + "/" + KeyReady}, c.ReadinessProbe.Exec.Command, "readiness stays quorum-aware")
	assert.EqualValues(t, 30, c.LivenessProbe.InitialDelaySeconds)
	assert.EqualValues(t, 10, c.LivenessProbe.TimeoutSeconds)
}

// renderAll renders a checked spec with the membership it derives.
func renderAll(z *api.ZookeeperSpec) []Object { return Ensemble(z, z.Membership()) }
