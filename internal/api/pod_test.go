package api_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
)

func TestResolveImage(t *testing.T) {
	cases := map[string]struct{ image, registry, want string }{
		"no mirror":             {"zookeeper:3.9.6", "", "zookeeper:3.9.6"},
		"hub short name":        {"zookeeper:3.9.6", "mirror.example.com", "mirror.example.com/library/zookeeper:3.9.6"},
		"hub user image":        {"bitnami/zookeeper:3.9", "mirror.example.com", "mirror.example.com/bitnami/zookeeper:3.9"},
		"explicit docker.io":    {"docker.io/zookeeper:3.9.6", "m.example.com", "m.example.com/library/zookeeper:3.9.6"},
		"docker.io library":     {"docker.io/library/zookeeper:3.9.6", "m.example.com", "m.example.com/library/zookeeper:3.9.6"},
		"other registry":        {"registry.example.com/team/zookeeper:3.9.6", "m.example.com:5000/proxy", "m.example.com:5000/proxy/team/zookeeper:3.9.6"},
		"registry with port":    {"localhost:5000/zookeeper:1", "m.example.com", "m.example.com/zookeeper:1"},
		"localhost":             {"localhost/zookeeper", "m.example.com", "m.example.com/zookeeper"},
		"digest":                {"zookeeper@sha256:" + strings.Repeat("a", 64), "m.example.com", "m.example.com/library/zookeeper@sha256:" + strings.Repeat("a", 64)},
		"tag and digest kept":   {"zookeeper:3.9.6@sha256:" + strings.Repeat("b", 64), "m.example.com", "m.example.com/library/zookeeper:3.9.6@sha256:" + strings.Repeat("b", 64)},
		"harbor proxy project":  {"zookeeper:3.9.6", "harbor.example.com/dockerhub", "harbor.example.com/dockerhub/library/zookeeper:3.9.6"},
		"nested hub repository": {"library/zookeeper:3.9.6", "m.example.com", "m.example.com/library/zookeeper:3.9.6"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, c.want, api.ResolveImage(c.image, c.registry))
		})
	}
}

func TestPodSettingsAccepted(t *testing.T) {
	z, _ := decodeValid(t, header+`spec:
  imagePullSecrets: [{name: regcred}, {name: mirror.creds}]
  imageRegistry: harbor.example.com:8443/dockerhub
  pod:
    labels: {team: data, sidecar.istio.io/inject: "true"}
    annotations: {linkerd.io/inject: enabled, ad.datadoghq.com/zookeeper.logs: '[{"source":"zookeeper"}]'}
  serviceAccount:
    annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::123456789012:role/zk-backup"}
`)
	assert.Len(t, z.Spec.ImagePullSecrets, 2)
}

func TestPodSettingsErrors(t *testing.T) {
	long := strings.Repeat("a", 64)
	cases := map[string]specError{
		"empty secret":        {"imagePullSecrets: [{name: ''}]", "spec.imagePullSecrets[0].name", "not a Secret name"},
		"bad secret":          {"imagePullSecrets: [{name: 'Reg Cred'}]", "spec.imagePullSecrets[0].name", "not a Secret name"},
		"duplicate secret":    {"imagePullSecrets: [{name: a}, {name: a}]", "spec.imagePullSecrets[1].name", "also imagePullSecrets[0]"},
		"registry scheme":     {"imageRegistry: 'https://mirror.example.com'", "spec.imageRegistry", "no scheme"},
		"registry slash":      {"imageRegistry: 'mirror.example.com/'", "spec.imageRegistry", "not a registry host"},
		"registry tag":        {"imageRegistry: 'mirror.example.com/zk:1'", "spec.imageRegistry", "not a registry host"},
		"registry space":      {"imageRegistry: 'mirror example'", "spec.imageRegistry", "not a registry host"},
		"registry huge":       {"imageRegistry: '" + strings.Repeat("a.", 200) + "io'", "spec.imageRegistry", "not a registry host"},
		"selector label":      {"pod: {labels: {app.kubernetes.io/instance: other}}", "spec.pod.labels[app.kubernetes.io/instance]", "set by the function"},
		"version label":       {"pod: {labels: {app.kubernetes.io/version: x}}", "spec.pod.labels[app.kubernetes.io/version]", "set by the function"},
		"label value":         {"pod: {labels: {team: 'a b'}}", "spec.pod.labels", "a b"},
		"long label value":    {"pod: {labels: {team: " + long + "}}", "spec.pod.labels", "63"},
		"label key":           {"pod: {labels: {'-bad': x}}", "spec.pod.labels", "-bad"},
		"own annotation":      {"pod: {annotations: {zookeeper-fn.dev/config-hash: x}}", "spec.pod.annotations[zookeeper-fn.dev/config-hash]", "own prefix"},
		"annotation key":      {"pod: {annotations: {'a b': x}}", "spec.pod.annotations", "a b"},
		"long annotation key": {"serviceAccount: {annotations: {" + long + ": x}}", "spec.serviceAccount.annotations", "63"},
		"scrape annotation":   {"pod: {annotations: {prometheus.io/scrape: 'false'}}", "spec.pod.annotations[prometheus.io/scrape]", "disable the metrics provider"},
	}
	requireSpecErrors(t, cases)
	// Below the 256 KiB limit, values up to the spec's string limit are
	// legal.
	decodeValid(t, header+"spec: {pod: {annotations: {a: '"+strings.Repeat("x", 3000)+"', b: '"+strings.Repeat("x", 3000)+"'}}}\n")
	// Prometheus annotations belong to the user once metrics are off.
	decodeValid(t, header+"spec: {zookeeper: {metrics: {enabled: false}}, pod: {annotations: {prometheus.io/scrape: 'true'}}}\n")
}
