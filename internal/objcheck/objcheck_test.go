package objcheck_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/objcheck"
	"github.com/zookeeper-fn/zookeeper-fn/internal/render"
)

// ensemble renders a defaulted spec with backups to S3 and monitoring.
func ensemble(t *testing.T) []runtime.Object {
	t.Helper()
	z, ps := api.Decode([]byte(`{"metadata":{"name":"zk","namespace":"payments"},"spec":{"backup":{"enabled":true,"s3":{"endpoint":"https://s3.example.com","bucket":"zk-backups","credentialsSecret":{"name":"s3"}}},"monitoring":{"serviceMonitor":{},"dashboard":{}},"storage":{"dataLog":{}}}}`))
	require.Empty(t, ps)
	return render.Ensemble(z, z.Membership())
}

func find[T runtime.Object](objs []runtime.Object) T {
	for _, o := range objs {
		if v, ok := o.(T); ok {
			return v
		}
	}
	var zero T
	return zero
}

// TestRenderedEnsembleIsValid: what the function renders passes.
func TestRenderedEnsembleIsValid(t *testing.T) {
	assert.Empty(t, objcheck.Check(ensemble(t)))
}

// TestCheck breaks one rule at a time in a rendered ensemble; each must
// be found at its field, in the API server's words.
func TestCheck(t *testing.T) {
	for name, tc := range map[string]struct {
		breakIt     func([]runtime.Object)
		field, want string
	}{
		"service name starts with a digit": {func(o []runtime.Object) { find[*corev1.Service](o).Name = "2024-zk-client" }, "metadata.name", "DNS-1035"},
		"label value": {func(o []runtime.Object) {
			find[*corev1.ServiceAccount](o).Labels["app.kubernetes.io/version"] = "3.9.6_"
		}, "metadata.labels[app.kubernetes.io/version]", "valid label"},
		"annotation key": {func(o []runtime.Object) { find[*corev1.ServiceAccount](o).Annotations["bad key"] = "x" }, "metadata.annotations[bad key]", "name part"},
		"negative sidecar cpu": {func(o []runtime.Object) {
			find[*appsv1.StatefulSet](o).Spec.Template.Spec.Containers[1].Resources.Requests[corev1.ResourceCPU] = resource.MustParse("-1")
		}, "spec.template.spec.containers[1].resources.requests[cpu]", "greater than or equal to 0"},
		"resource without domain": {func(o []runtime.Object) {
			find[*appsv1.StatefulSet](o).Spec.Template.Spec.Containers[0].Resources.Requests["gpu"] = resource.MustParse("1")
		}, "spec.template.spec.containers[0].resources.requests[gpu]", "fully qualified"},
		"extended resource overcommitted": {func(o []runtime.Object) {
			find[*appsv1.StatefulSet](o).Spec.Template.Spec.Containers[0].Resources.Requests["example.com/gpu"] = resource.MustParse("1")
		}, "spec.template.spec.containers[0].resources.requests[example.com/gpu]", "cannot be overcommitted"},
		"claim class": {func(o []runtime.Object) {
			c := "Fast_SSD"
			find[*appsv1.StatefulSet](o).Spec.VolumeClaimTemplates[1].Spec.StorageClassName = &c
		}, "spec.volumeClaimTemplates[1].spec.storageClassName", "RFC 1123 subdomain"},
		"egress port zero": {func(o []runtime.Object) {
			p := intstr.FromInt32(0)
			np := find[*networkingv1.NetworkPolicy](o)
			np.Spec.Egress[len(np.Spec.Egress)-1].Ports[0].Port = &p
		}, "spec.egress[2].ports[0].port", "between 1 and 65535"},
		"env var name": {func(o []runtime.Object) {
			find[*appsv1.StatefulSet](o).Spec.Template.Spec.Containers[0].Env[0].Name = "1BAD"
		}, "spec.template.spec.containers[0].env[0].name", "environment variable name"},
		"container port": {func(o []runtime.Object) {
			find[*appsv1.StatefulSet](o).Spec.Template.Spec.Containers[0].Ports[0].ContainerPort = 99999
		}, "spec.template.spec.containers[0].ports[0].containerPort", "between 1 and 65535"},
		"service port": {func(o []runtime.Object) { find[*corev1.Service](o).Spec.Ports[0].Port = 0 }, "spec.ports[0].port", "between 1 and 65535"},
		"minDomains with ScheduleAnyway": {func(o []runtime.Object) {
			two := int32(2)
			find[*appsv1.StatefulSet](o).Spec.Template.Spec.TopologySpreadConstraints = []corev1.TopologySpreadConstraint{{MaxSkew: 1, TopologyKey: "topology.kubernetes.io/zone", WhenUnsatisfiable: corev1.ScheduleAnyway, MinDomains: &two}}
		}, "spec.template.spec.topologySpreadConstraints[0].minDomains", "DoNotSchedule"},
		"configmap key": {func(o []runtime.Object) { find[*corev1.ConfigMap](o).Data["a/b"] = "x" }, "data[a/b]", "valid config key"},
		"mount of a missing volume": {func(o []runtime.Object) {
			c := &find[*appsv1.StatefulSet](o).Spec.Template.Spec.Containers[0]
			c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: "nope", MountPath: "/x"})
		}, "spec.template.spec.containers[0].volumeMounts", "Not found"},
	} {
		t.Run(name, func(t *testing.T) {
			objs := ensemble(t)
			tc.breakIt(objs)
			ps := objcheck.Check(objs)
			require.NotEmpty(t, ps, "the broken rule is found")
			var got []string
			for _, p := range ps {
				got = append(got, p.Field+": "+p.Detail)
			}
			text := strings.Join(got, "\n")
			assert.Contains(t, text, tc.field)
			assert.Contains(t, text, tc.want)
		})
	}
}
