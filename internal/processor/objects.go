package processor

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/zookeeper-fn/zookeeper-fn/internal/krm"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
	"github.com/zookeeper-fn/zookeeper-fn/internal/objcheck"
	"github.com/zookeeper-fn/zookeeper-fn/internal/render"
)

// checkObjects validates what each spec renders with the API server's
// rules and reports every failure on the spec field that caused it, so
// that no object the API server refuses leaves the function. One failure
// repeated on several objects (a label every object carries) is reported
// once.
func checkObjects(specs []spec) krm.Results {
	var out krm.Results
	for _, s := range specs {
		type key struct{ path, hint, field, detail string }
		seen := map[key]int{}
		var order []key
		first := map[key]objcheck.Problem{}
		for _, p := range objcheck.Check(s.objs) {
			path, hint := specField(s, p)
			k := key{path, hint, genericField(p.Field), p.Detail}
			if _, ok := seen[k]; !ok {
				order = append(order, k)
				first[k] = p
			}
			seen[k]++
		}
		for _, k := range order {
			p := first[k]
			msg := fmt.Sprintf("renders the %s %q, which the API server would refuse: %s: %s", p.Kind, p.Name, p.Field, p.Detail)
			if n := seen[k] - 1; n > 0 {
				msg += fmt.Sprintf(" (and %d more places)", n)
			}
			out = append(out, result(s.node, k.path, msg+"; "+k.hint, krm.Error))
		}
	}
	return out
}

// index matches list indexes, so one label on many objects or pod
// templates counts as one failure. The expressions here are compiled on
// first use: only a spec that renders an invalid object needs them, and
// compiling them at start-up cost every run of the function.
var index = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\[[0-9]+\]`) })

func genericField(f string) string {
	f = strings.TrimPrefix(f, "spec.template.")
	return index().ReplaceAllString(f, "[]")
}

// fieldRule maps a failing object field to the spec field it comes from.
type fieldRule struct {
	kind    string // "" for any kind
	pattern *regexp.Regexp
	path    string
	hint    string
}

var fieldRules = sync.OnceValue(func() []fieldRule {
	return []fieldRule{
		{"", regexp.MustCompile(`^metadata\.name$`), "metadata.name", "every object's name derives from the spec's name (and kustomize's namePrefix or nameSuffix); start it with a letter, e.g. zk-2024 instead of 2024-zk, as Service names must be DNS-1035 labels"},
		{"", regexp.MustCompile(`^metadata\.namespace$`), "metadata.namespace", "use a namespace that is a DNS label"},
		{"", regexp.MustCompile(`labels\[` + regexp.QuoteMeta(names.LabelVersion) + `\]`), "spec.image", "the image tag becomes the " + names.LabelVersion + " label: use a tag of at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"},
		{"ServiceMonitor", regexp.MustCompile(`^metadata\.labels`), "spec.monitoring.serviceMonitor.labels", "use label keys and values the API server accepts"},
		{"PrometheusRule", regexp.MustCompile(`^metadata\.labels`), "spec.monitoring.prometheusRule.labels", "use label keys and values the API server accepts"},
		{"ConfigMap", regexp.MustCompile(`^metadata\.labels`), "spec.monitoring.dashboard.labels", "use label keys and values the API server accepts"},
		{"NetworkPolicy", regexp.MustCompile(`^spec\.egress\[[0-9]+\]\.ports`), "spec.backup.s3.endpoint", "the S3 endpoint's port opens the NetworkPolicy's egress: use a port from 1 to 65535, or none for the scheme's default"},
		{"NetworkPolicy", regexp.MustCompile(`^spec\.ingress\[1\]\.from`), "spec.networkPolicy.clients", "use valid label selectors and CIDRs"},
		{"NetworkPolicy", regexp.MustCompile(`^spec\.ingress\[2\]`), "spec.networkPolicy.scrapers", "use valid label selectors, CIDRs and a metrics port from 1 to 65535"},
		{"StatefulSet", regexp.MustCompile(`nodeSelector`), "spec.placement.nodeSelector", "use node label keys and values"},
		{"StatefulSet", regexp.MustCompile(`affinity`), "spec.placement.topologyKey", "use a node label key such as kubernetes.io/hostname"},
		{"StatefulSet", regexp.MustCompile(`topologySpreadConstraints`), "spec.placement", "use a zone label key such as topology.kubernetes.io/zone"},
		{"StatefulSet", regexp.MustCompile(`priorityClassName`), "spec.placement.priorityClassName", "name an existing PriorityClass"},
		{"StatefulSet", regexp.MustCompile(`volumeClaimTemplates\[1\]`), "spec.storage.dataLog", "use a StorageClass name (lower-case letters, digits, '-' and '.') and a positive size"},
		{"StatefulSet", regexp.MustCompile(`volumeClaimTemplates\[0\]`), "spec.storage", "use a StorageClass name (lower-case letters, digits, '-' and '.') and a positive size"},
		{"PersistentVolume", regexp.MustCompile(``), "spec.storage.persistentVolumes", "use valid node names, a StorageClass name and a positive size"},
		{"StorageClass", regexp.MustCompile(``), "spec.storage.storageClass", "name the CSI driver as a qualified name, e.g. ebs.csi.aws.com"},
		{"PersistentVolumeClaim", regexp.MustCompile(``), "spec.backup.volume", "use a StorageClass name and a positive size"},
	}
})

// specField is the spec field behind a failure, and how to fix it.
func specField(s spec, p objcheck.Problem) (string, string) {
	for _, r := range fieldRules() {
		if (r.kind == "" || r.kind == p.Kind) && r.pattern.MatchString(p.Field) {
			return r.path, r.hint
		}
	}
	if sts, ok := p.Object.(*appsv1.StatefulSet); ok {
		if path, hint, ok := containerField(sts, p.Field); ok {
			return path, hint
		}
	}
	return "spec", "change the spec so that the rendered object is valid"
}

var containerPath = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^spec\.template\.spec\.(containers|initContainers)\[([0-9]+)\]\.(\w+)`)
})

// containerField maps a container's fields: the backup sidecar and the
// restore init container take their resources and settings from
// spec.backup, ZooKeeper's container from spec.resources and spec.zookeeper.
func containerField(sts *appsv1.StatefulSet, f string) (string, string, bool) {
	m := containerPath().FindStringSubmatch(f)
	if m == nil {
		return "", "", false
	}
	i, _ := strconv.Atoi(m[2])
	list := sts.Spec.Template.Spec.Containers
	if m[1] == "initContainers" {
		list = sts.Spec.Template.Spec.InitContainers
	}
	if i >= len(list) {
		return "", "", false
	}
	backup := list[i].Name == render.BackupContainer || list[i].Name == render.RestoreContainer
	switch {
	case m[3] == "resources" && backup:
		return "spec.backup.resources", resourcesHint, true
	case m[3] == "resources":
		return "spec.resources", resourcesHint, true
	case backup:
		return "spec.backup", "use values the API server accepts", true
	case m[3] == "ports":
		return "spec.zookeeper", "use admin server and metrics ports from 1 to 65535", true
	case m[3] == "image":
		return "spec.image", "use an image reference without spaces", true
	}
	return "", "", false
}

const resourcesHint = "use cpu, memory or ephemeral-storage, or a domain-qualified extended resource (e.g. nvidia.com/gpu, whole numbers with requests equal to limits), with quantities of at least 0"
