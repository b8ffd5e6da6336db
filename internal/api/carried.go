package api

import (
	"fmt"
	"strings"
)

// toolDomains are the annotation and label domains that belong to
// kustomize, kpt and this function: they describe the spec as a file in a
// package (its path, index, id, local-config), not the objects it makes.
var toolDomains = []string{"config.kubernetes.io", "config.k8s.io", "kpt.dev", Group}

// toolKeys are single keys that describe how the spec was applied.
var toolKeys = []string{"kubectl.kubernetes.io/last-applied-configuration"}

// CarriedLabels are the spec's own labels that the function copies onto
// every object it generates and onto the pod template: the function runs
// after kustomize's transformers, so an overlay's `labels` and
// `commonLabels` reach the generated objects only this way. Keys the
// function sets itself are left out (see checkCarried); so are tool keys.
func (z *ZookeeperSpec) CarriedLabels() map[string]string {
	out := map[string]string{}
	for k, v := range z.Labels {
		if !isToolKey(k) && !contains(ReservedLabels, k) {
			out[k] = v
		}
	}
	return out
}

// CarriedAnnotations are the spec's own annotations (an overlay's
// commonAnnotations) without the tools' bookkeeping annotations.
func (z *ZookeeperSpec) CarriedAnnotations() map[string]string {
	out := map[string]string{}
	for k, v := range z.Annotations {
		if !isToolKey(k) {
			out[k] = v
		}
	}
	return out
}

func isToolKey(k string) bool {
	if contains(toolKeys, k) {
		return true
	}
	domain, _, found := strings.Cut(k, "/")
	if !found {
		return false
	}
	for _, d := range toolDomains {
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return true
		}
	}
	return false
}

// checkCarried warns about spec labels the function cannot carry, because
// it sets the same keys with its own values (two of them select the pods).
func (z *ZookeeperSpec) checkCarried(ps *Problems) {
	for _, k := range sortedKeys(z.Labels) {
		if contains(ReservedLabels, k) && z.Labels[k] != ownLabelValue(z, k) {
			ps.warnf(fmt.Sprintf("metadata.labels[%s]", clip(k)), "is not copied to the generated objects: the function sets %s itself; use another key (e.g. app.kubernetes.io/part-of)", k)
		}
	}
}

// ownLabelValue is the value the function gives a reserved label when it
// is knowable here; a spec label with that value is no conflict.
func ownLabelValue(z *ZookeeperSpec, k string) string {
	switch k {
	case "app.kubernetes.io/name":
		return "zookeeper"
	case "app.kubernetes.io/instance":
		return z.Name
	case "app.kubernetes.io/managed-by":
		return "zookeeper-fn"
	}
	return "\x00"
}
