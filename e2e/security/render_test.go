//go:build e2e

// Package security checks what the function emits against the bar a
// platform team sets: Pod Security Standards (restricted), kube-score,
// NetworkPolicy default-deny, no tokens, privileges or secrets; and what
// it does with hostile input, through the built binary and real kustomize.
package security

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// object is one document of a rendered overlay.
type object struct {
	Kind     string            `json:"kind"`
	Metadata metav1.ObjectMeta `json:"metadata"`
	raw      []byte
}

func (o object) decode(t *testing.T, v any) {
	t.Helper()
	require.NoError(t, yaml.UnmarshalStrict(o.raw, v), "%s %s", o.Kind, o.Metadata.Name)
}

// rendered is one overlay's kustomize output.
type rendered struct {
	name    string
	stream  []byte
	objects []object
}

// overlayNames lists overlays/*: a new overlay is checked without a
// change here.
func overlayNames(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(harness.Root(t), "overlays"))
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	require.GreaterOrEqual(t, len(out), 3, "overlays found")
	return out
}

// renderOverlays builds every overlay with the real kustomize and the
// function under test, and fails if the function did not run.
func renderOverlays(t *testing.T) []rendered {
	t.Helper()
	var out []rendered
	for _, name := range overlayNames(t) {
		out = append(out, renderDir(t, name, harness.Overlay(t, name)))
	}
	return out
}

func renderDir(t *testing.T, name, dir string) rendered {
	t.Helper()
	stream := harness.Build(t, dir)
	r := rendered{name: name, stream: stream}
	for _, doc := range harness.SplitDocs(stream) {
		var o object
		require.NoError(t, yaml.Unmarshal([]byte(doc), &o))
		o.raw = []byte(doc)
		r.objects = append(r.objects, o)
	}
	require.NotEmpty(t, r.ofKind("StatefulSet"), "%s: no StatefulSet: the function did not run (kustomize skips exec functions silently)", name)
	return r
}

func (r rendered) ofKind(kind string) []object {
	var out []object
	for _, o := range r.objects {
		if o.Kind == kind {
			out = append(out, o)
		}
	}
	return out
}

// podTemplate is a pod spec found in a rendered object.
type podTemplate struct {
	where string
	meta  metav1.ObjectMeta
	spec  corev1.PodSpec
}

// podTemplates returns every pod template of every workload kind, so a
// workload added later (a backup CronJob) is checked too.
func (r rendered) podTemplates(t *testing.T) []podTemplate {
	t.Helper()
	var out []podTemplate
	for _, o := range r.objects {
		var p corev1.PodTemplateSpec
		switch o.Kind {
		case "StatefulSet":
			p = template(t, o, func(s appsv1.StatefulSet) corev1.PodTemplateSpec { return s.Spec.Template })
		case "Deployment":
			p = template(t, o, func(d appsv1.Deployment) corev1.PodTemplateSpec { return d.Spec.Template })
		case "DaemonSet":
			p = template(t, o, func(d appsv1.DaemonSet) corev1.PodTemplateSpec { return d.Spec.Template })
		case "Job":
			p = template(t, o, func(j batchv1.Job) corev1.PodTemplateSpec { return j.Spec.Template })
		case "CronJob":
			p = template(t, o, func(c batchv1.CronJob) corev1.PodTemplateSpec { return c.Spec.JobTemplate.Spec.Template })
		case "Pod":
			p = template(t, o, func(p corev1.Pod) corev1.PodTemplateSpec {
				return corev1.PodTemplateSpec{ObjectMeta: p.ObjectMeta, Spec: p.Spec}
			})
		default:
			continue
		}
		out = append(out, podTemplate{r.name + ": " + o.Kind + " " + o.Metadata.Name, p.ObjectMeta, p.Spec})
	}
	require.NotEmpty(t, out, "%s: no pod template", r.name)
	return out
}

// template decodes o strictly as a T and returns the pod template that
// at picks from it.
func template[T any](t *testing.T, o object, at func(T) corev1.PodTemplateSpec) corev1.PodTemplateSpec {
	t.Helper()
	var v T
	o.decode(t, &v)
	return at(v)
}

// allContainers lists init, regular and ephemeral containers with a
// label for messages.
func allContainers(spec corev1.PodSpec) map[string]corev1.Container {
	out := map[string]corev1.Container{}
	for _, c := range spec.InitContainers {
		out["initContainer "+c.Name] = c
	}
	for _, c := range spec.Containers {
		out["container "+c.Name] = c
	}
	for _, c := range spec.EphemeralContainers {
		out["ephemeralContainer "+c.Name] = corev1.Container(c.EphemeralContainerCommon)
	}
	return out
}

func joinLines(lines []string) string { return strings.Join(lines, "\n") }
