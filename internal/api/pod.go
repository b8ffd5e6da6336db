package api

import (
	"fmt"
	"strings"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Pod is extra metadata for the member pods, for the platform's admission
// webhooks and agents (Istio or Linkerd injection, Datadog, Vault).
type Pod struct {
	// Labels are added to the pod template. They never enter a selector:
	// the StatefulSet's selector is immutable and every selector of the
	// ensemble uses the two labels derived from the name.
	Labels map[string]string `json:"labels,omitempty"`
	// Annotations are added to the pod template, e.g.
	// sidecar.istio.io/inject or linkerd.io/inject.
	Annotations map[string]string `json:"annotations,omitempty"`
}

// ServiceAccount is extra metadata for the ensemble's ServiceAccount.
type ServiceAccount struct {
	// Annotations of the ServiceAccount, e.g. eks.amazonaws.com/role-arn
	// (IRSA) or iam.gke.io/gcp-service-account (Workload Identity).
	Annotations map[string]string `json:"annotations,omitempty"`
}

// ReservedLabels are the label keys the function sets on every object and
// pod (names.Ensemble.Labels); a test in package render checks the list
// against it. Users may not set them: two of them are the selector.
var ReservedLabels = []string{
	"app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component",
	"app.kubernetes.io/managed-by", "app.kubernetes.io/version",
}

// ReservedAnnotationPrefix is the prefix of the annotations the function
// owns (the owner and the config hash).
const ReservedAnnotationPrefix = Group + "/"

// registryRE is a registry host (with optional port) and optional path, as
// the distribution reference grammar allows them (no scheme, no tag),
// compiled on first use so that start-up does not pay for it.
var registryRE = lazyRegexp(`^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]{1,5})?(?:/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*$`)

// checkPodSettings checks imagePullSecrets, imageRegistry, pod and
// ServiceAccount metadata.
func (s *Spec) checkPodSettings(ps *Problems) {
	seen := map[string]int{}
	for i, r := range s.ImagePullSecrets {
		p := fmt.Sprintf("spec.imagePullSecrets[%d].name", i)
		if errs := validation.IsDNS1123Subdomain(r.Name); len(errs) > 0 {
			ps.errorf(p, "%q is not a Secret name (%s); name a kubernetes.io/dockerconfigjson Secret in the ensemble's namespace", clip(r.Name), errs[0])
		} else if j, dup := seen[r.Name]; dup {
			ps.errorf(p, "%q is also imagePullSecrets[%d]; list each Secret once", r.Name, j)
		}
		seen[r.Name] = i
	}
	if r := s.ImageRegistry; r != "" && (len(r) > 255 || !registryRE().MatchString(r)) {
		ps.errorf("spec.imageRegistry", "%q is not a registry host with an optional path; use e.g. mirror.example.com or harbor.example.com:5000/dockerhub (no scheme, no trailing slash, no tag)", clip(r))
	}
	checkPodLabels(ps, "spec.pod.labels", s.Pod.Labels)
	checkAnnotations(ps, "spec.pod.annotations", s.Pod.Annotations)
	if m := s.ZooKeeper.Metrics; m != nil && m.Enabled != nil && *m.Enabled {
		for _, k := range []string{"prometheus.io/scrape", "prometheus.io/port", "prometheus.io/path"} {
			if _, ok := s.Pod.Annotations[k]; ok {
				ps.errorf(fmt.Sprintf("spec.pod.annotations[%s]", k), "is set by the function while spec.zookeeper.metrics is enabled; remove it, or disable the metrics provider")
			}
		}
	}
	checkAnnotations(ps, "spec.serviceAccount.annotations", s.ServiceAccount.Annotations)
}

func checkPodLabels(ps *Problems, path string, labels map[string]string) {
	for _, k := range sortedKeys(labels) {
		p := fmt.Sprintf("%s[%s]", path, clip(k))
		if contains(ReservedLabels, k) {
			ps.errorf(p, "is set by the function (and app.kubernetes.io/name and instance select the members); use another key")
		}
	}
	for _, e := range metav1validation.ValidateLabels(labels, field.NewPath(path)) {
		ps.errorf(path, "%s; label keys are [prefix/]name of at most 63 characters, values at most 63 characters of letters, digits, '-', '_' and '.'", clip(fmt.Sprintf("%v: %s", e.BadValue, e.Detail)))
	}
}

func checkAnnotations(ps *Problems, path string, annotations map[string]string) {
	for _, k := range sortedKeys(annotations) {
		if strings.HasPrefix(k, ReservedAnnotationPrefix) {
			ps.errorf(fmt.Sprintf("%s[%s]", path, clip(k)), "uses the function's own prefix %s; use another key", ReservedAnnotationPrefix)
		}
	}
	for _, e := range apivalidation.ValidateAnnotations(annotations, field.NewPath(path)) {
		ps.errorf(path, "%s; annotation keys are [prefix/]name with a name of at most 63 characters, and all annotations together at most 256 KiB", clip(fmt.Sprintf("%v: %s", e.BadValue, e.Detail)))
	}
}

// ResolveImage maps an image reference onto registry, keeping its
// repository path, tag and digest. Docker Hub short names gain their
// implied namespace: zookeeper:3.9.6 is docker.io/library/zookeeper:3.9.6,
// so on mirror.example.com it becomes
// mirror.example.com/library/zookeeper:3.9.6, the path that Harbor,
// Artifactory and registry:2 pull-through caches serve Docker Hub under.
// An empty registry leaves the image as it is.
func ResolveImage(image, registry string) string {
	if registry == "" {
		return image
	}
	return registry + "/" + imageRepoPath(image)
}

// imageRepoPath drops the registry host from a reference. The first path
// component is a host when it contains '.' or ':' or is "localhost", as in
// the distribution reference library that container runtimes use.
func imageRepoPath(image string) string {
	first, rest, found := strings.Cut(image, "/")
	if !found {
		return "library/" + image
	}
	if strings.ContainsAny(first, ".:") || first == "localhost" {
		if !strings.Contains(rest, "/") && (first == "docker.io" || first == "index.docker.io") {
			return "library/" + rest
		}
		return rest
	}
	return image
}
