//go:build e2e

// Package bitnami compares the function with the Bitnami ZooKeeper chart
// it replaces: the vendored chart (testdata/bitnami) rendered by a real
// helm v3 built from the Go module proxy, and the equivalent ZookeeperSpec
// rendered by the function binary, both parsed into typed k8s.io/api
// objects. It also keeps docs/migrating-from-bitnami.md complete.
package bitnami

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// The chart's release and namespace in the comparison; the spec's name is
// the chart's fullname, <release>-zookeeper.
const (
	release   = "zk"
	namespace = "kafka"
	// kubeVersion is what helm tells the chart's capability checks: the
	// control plane the project tests against (e2e/kubernetes).
	kubeVersion = "v1.37.2"
)

// chartDir is the vendored chart.
func chartDir(t testing.TB) string {
	return filepath.Join(harness.Root(t), "testdata", "bitnami", "zookeeper-13.8.x")
}

// ensemble is one rendering, chart or function, as typed objects.
type ensemble struct {
	sts        appsv1.StatefulSet
	services   map[string]corev1.Service
	configMaps map[string]corev1.ConfigMap
	pdb        *policyv1.PodDisruptionBudget
	netpol     *networkingv1.NetworkPolicy
}

// renderChart runs `helm template` on the vendored chart with values.
func renderChart(t testing.TB, values string) *ensemble {
	t.Helper()
	helm := harness.Tool(t, "ZKFN_HELM", "e2e-bitnami")
	out, _, err := harness.Run(60*time.Second, nil, nil, helm, "template", release, chartDir(t), "--namespace", namespace,
		"--kube-version", kubeVersion, "-f", values)
	require.NoError(t, err, "helm template:\n%s", out)
	return parseStream(t, []byte(out))
}

// renderSpec runs the function binary on a ZookeeperSpec file (generator
// use: the file is the function's config).
func renderSpec(t testing.TB, spec string) *ensemble {
	t.Helper()
	return parseStream(t, harness.Render(t, spec))
}

// parseStream decodes a YAML stream into the kinds the comparison needs.
// Every other kind (the spec itself, ServiceAccount...) is ignored.
func parseStream(t testing.TB, out []byte) *ensemble {
	t.Helper()
	e := &ensemble{services: map[string]corev1.Service{}, configMaps: map[string]corev1.ConfigMap{}}
	sts := 0
	for _, doc := range harness.SplitDocs(out) {
		var head struct {
			Kind string `json:"kind"`
		}
		require.NoError(t, yaml.Unmarshal([]byte(doc), &head))
		into := map[string]any{
			"StatefulSet": &e.sts, "PodDisruptionBudget": &e.pdb, "NetworkPolicy": &e.netpol,
			"Service": &corev1.Service{}, "ConfigMap": &corev1.ConfigMap{},
		}[head.Kind]
		if into == nil {
			continue
		}
		require.NoError(t, yaml.Unmarshal([]byte(doc), into), "decode %s", head.Kind)
		switch v := into.(type) {
		case *corev1.Service:
			e.services[v.Name] = *v
		case *corev1.ConfigMap:
			e.configMaps[v.Name] = *v
		case *appsv1.StatefulSet:
			sts++
		}
	}
	require.Equal(t, 1, sts, "StatefulSets in the output")
	require.NotNil(t, e.pdb, "the output has no PodDisruptionBudget")
	require.NotNil(t, e.netpol, "the output has no NetworkPolicy")
	return e
}

// container is the StatefulSet's ZooKeeper container (named zookeeper by
// both).
func (e *ensemble) container(t testing.TB) corev1.Container {
	t.Helper()
	for _, c := range e.sts.Spec.Template.Spec.Containers {
		if c.Name == "zookeeper" {
			return c
		}
	}
	t.Fatalf("StatefulSet %s has no container zookeeper", e.sts.Name)
	return corev1.Container{}
}

// env is the container's plain environment variables.
func (e *ensemble) env(t testing.TB) map[string]string {
	out := map[string]string{}
	for _, v := range e.container(t).Env {
		if v.ValueFrom == nil {
			out[v.Name] = v.Value
		}
	}
	return out
}
