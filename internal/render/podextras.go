package render

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
)

// applyPodSettings runs after every builder, so that it reaches each
// container the ensemble renders (ZooKeeper, the backup sidecar, the
// restore init container) and each ServiceAccount: the registry mirror,
// pull secrets, pod metadata and ServiceAccount annotations.
func applyPodSettings(z *api.ZookeeperSpec, objs []Object) {
	s := z.Spec
	labels, annotations := z.CarriedLabels(), z.CarriedAnnotations()
	for _, o := range objs {
		carry(o, labels, annotations)
		switch o := o.(type) {
		case *appsv1.StatefulSet:
			applyToPod(&s, &o.Spec.Template)
			mergePlacement(s.Placement, &o.Spec.Template.Spec, o.Spec.Selector.MatchLabels)
			carryToTemplate(&o.Spec.Template, labels, annotations)
		case *corev1.ServiceAccount:
			o.Annotations = mergeMissing(o.Annotations, s.ServiceAccount.Annotations)
		}
	}
}

func applyToPod(s *api.Spec, t *corev1.PodTemplateSpec) {
	p := &t.Spec
	for i := range p.InitContainers {
		p.InitContainers[i].Image = api.ResolveImage(p.InitContainers[i].Image, s.ImageRegistry)
	}
	for i := range p.Containers {
		p.Containers[i].Image = api.ResolveImage(p.Containers[i].Image, s.ImageRegistry)
	}
	for i := range p.Containers {
		if c := &p.Containers[i]; c.Name == zooKeeperContainer {
			s.Probes.Startup.ApplyTo(c.StartupProbe)
			s.Probes.Readiness.ApplyTo(c.ReadinessProbe)
			s.Probes.Liveness.ApplyTo(c.LivenessProbe)
		}
	}
	if len(s.ImagePullSecrets) > 0 {
		p.ImagePullSecrets = append([]corev1.LocalObjectReference(nil), s.ImagePullSecrets...)
	}
	t.Labels = mergeMissing(t.Labels, s.Pod.Labels)
	t.Annotations = mergeMissing(t.Annotations, s.Pod.Annotations)
	applyExtras(s, p)
	applyOpenShift(s, p)
}

// carry copies the spec's own labels and annotations (an overlay's labels
// and commonAnnotations) onto a generated object's metadata. Selectors are
// never touched: they stay the two labels from package names.
func carry(o Object, labels, annotations map[string]string) {
	m, err := meta.Accessor(o)
	if err != nil {
		return
	}
	m.SetLabels(mergeMissing(m.GetLabels(), labels))
	m.SetAnnotations(mergeMissing(m.GetAnnotations(), annotations))
}

// carryToTemplate gives the pods the spec's labels and annotations too, as
// kustomize's label and annotation transformers do for pod templates.
func carryToTemplate(t *corev1.PodTemplateSpec, labels, annotations map[string]string) {
	t.Labels = mergeMissing(t.Labels, labels)
	t.Annotations = mergeMissing(t.Annotations, annotations)
}

// mergeMissing adds the entries of extra that dst lacks: the function's own
// labels and annotations always win (validation refuses clashes, so this
// only matters for the metadata carried over from the spec).
func mergeMissing(dst, extra map[string]string) map[string]string {
	if len(extra) == 0 {
		return dst
	}
	if dst == nil {
		dst = make(map[string]string, len(extra))
	}
	for k, v := range extra {
		if _, ok := dst[k]; !ok {
			dst[k] = v
		}
	}
	return dst
}

// zooKeeperContainer is the name container() gives the server's container;
// TestProbeTimings fails if the two part.
const zooKeeperContainer = "zookeeper"
