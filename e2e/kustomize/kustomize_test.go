//go:build e2e

// Package kustomize runs the real kustomize binary with the function on
// every overlay, and checks the fields of what comes out.
package kustomize

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// topology is a kustomize build's output, decoded.
type topology struct {
	docs         map[string]map[string][]byte // kind -> name -> doc
	kinds        []string
	sts          appsv1.StatefulSet
	headless     corev1.Service
	client       corev1.Service
	config       corev1.ConfigMap
	pdb          policyv1.PodDisruptionBudget
	netpol       networkingv1.NetworkPolicy
	storageClass *storagev1.StorageClass
}

func parse(t *testing.T, out []byte) *topology {
	t.Helper()
	tp := &topology{docs: map[string]map[string][]byte{}}
	for _, d := range harness.SplitDocs(out) {
		var m metav1.PartialObjectMetadata
		require.NoError(t, yaml.Unmarshal([]byte(d), &m))
		if tp.docs[m.Kind] == nil {
			tp.docs[m.Kind] = map[string][]byte{}
		}
		tp.docs[m.Kind][m.Name] = []byte(d)
		tp.kinds = append(tp.kinds, m.Kind)
	}
	one := func(kind string, into any, pick func(name string) bool) {
		t.Helper()
		for name, d := range tp.docs[kind] {
			if pick(name) {
				require.NoError(t, yaml.UnmarshalStrict(d, into), "%s %s", kind, name)
				return
			}
		}
		t.Fatalf("no %s in the output: was the function run? kinds: %v", kind, tp.kinds)
	}
	any := func(string) bool { return true }
	one("StatefulSet", &tp.sts, any)
	one("Service", &tp.headless, func(n string) bool { return strings.HasSuffix(n, "-headless") })
	one("Service", &tp.client, func(n string) bool { return strings.HasSuffix(n, "-client") })
	one("ConfigMap", &tp.config, any)
	one("PodDisruptionBudget", &tp.pdb, any)
	one("NetworkPolicy", &tp.netpol, any)
	if _, ok := tp.docs["StorageClass"]; ok {
		tp.storageClass = &storagev1.StorageClass{}
		one("StorageClass", tp.storageClass, any)
	}
	return tp
}

// serverLines returns the server.X lines of zoo.cfg in file order.
func (tp *topology) serverLines() []string {
	var out []string
	for _, l := range strings.Split(tp.config.Data["zoo.cfg"], "\n") {
		if strings.HasPrefix(l, "server.") {
			out = append(out, l)
		}
	}
	return out
}

// expectedServerLines derives the lines from the final StatefulSet and
// Service names and namespace, never from the spec.
func (tp *topology) expectedServerLines() []string {
	var out []string
	for i := 0; i < int(*tp.sts.Spec.Replicas); i++ {
		out = append(out, fmt.Sprintf("server.%d=%s-%d.%s.%s.svc.cluster.local:2888:3888;2181",
			i+1, tp.sts.Name, i, tp.headless.Name, tp.headless.Namespace))
	}
	return out
}

type want struct {
	namespace, name string
	replicas        int32
	class           string // "" means the cluster default: no storageClassName
	size            string
	dataLog         bool
	antiAffinity    string
	zoneSpread      bool
	storageClass    bool
	readOnly        bool
	reclaim         corev1.PersistentVolumeReclaimPolicy
}

func TestOverlays(t *testing.T) {
	cases := map[string]want{
		"dev":     {namespace: "zookeeper-dev", name: "zk", replicas: 1, size: "1Gi", antiAffinity: "preferred"},
		"staging": {namespace: "zookeeper-staging", name: "zk", replicas: 3, size: "10Gi", antiAffinity: "preferred"},
		"prod": {namespace: "zookeeper-prod", name: "zk", replicas: 5, class: "zookeeper-ssd", size: "20Gi", dataLog: true,
			antiAffinity: "required", zoneSpread: true, storageClass: true, reclaim: corev1.PersistentVolumeReclaimRetain},
	}
	for overlay, w := range cases {
		t.Run(overlay, func(t *testing.T) {
			out := harness.Build(t, harness.Overlay(t, overlay))
			tp := parse(t, out)
			checkTopology(t, tp, w)
			assert.NotContains(t, tp.kinds, "ZookeeperSpec", "the spec is local config and must not reach the cluster")
			assert.NotContains(t, string(out), "config.kubernetes.io/local-config")
			assert.Contains(t, tp.docs["Namespace"], w.namespace, "the overlay's namespace, labelled for Pod Security")
		})
	}
}

// TestUserOverlay: another namespace and a namePrefix, applied before the
// function, give a consistent ensemble.
func TestUserOverlay(t *testing.T) {
	dir := filepath.Join(harness.Root(t), "testdata", "kustomize", "user-overlay")
	tp := parse(t, harness.Build(t, dir))
	checkTopology(t, tp, want{namespace: "team-a", name: "orders-zk", replicas: 5, size: "10Gi", antiAffinity: "preferred"})
	assert.Equal(t, "server.1=orders-zk-0.orders-zk-headless.team-a.svc.cluster.local:2888:3888;2181", tp.serverLines()[0])
}

func checkTopology(t *testing.T, tp *topology, w want) {
	t.Helper()
	sts := tp.sts
	assert.Equal(t, w.name, sts.Name)
	assert.Equal(t, w.namespace, sts.Namespace)
	require.NotNil(t, sts.Spec.Replicas)
	assert.Equal(t, w.replicas, *sts.Spec.Replicas)
	assert.Equal(t, tp.headless.Name, sts.Spec.ServiceName, "serviceName is the headless Service")
	assert.Equal(t, appsv1.ParallelPodManagement, sts.Spec.PodManagementPolicy)
	assert.Equal(t, corev1.ClusterIPNone, tp.headless.Spec.ClusterIP)
	assert.True(t, tp.headless.Spec.PublishNotReadyAddresses)
	for _, o := range []metav1.Object{&tp.headless, &tp.client, &tp.config, &tp.pdb, &tp.netpol} {
		assert.Equal(t, w.namespace, o.GetNamespace(), "%s", o.GetName())
	}

	// zoo.cfg agrees with the final names, one line per replica.
	assert.Equal(t, tp.expectedServerLines(), tp.serverLines())
	assert.Equal(t, tp.config.Name, configMapVolume(t, sts), "the pods mount the rendered ConfigMap")

	// Storage.
	claims := map[string]corev1.PersistentVolumeClaim{}
	for _, c := range sts.Spec.VolumeClaimTemplates {
		claims[c.Name] = c
	}
	data, ok := claims["data"]
	require.True(t, ok, "data volume claim template")
	assert.Equal(t, w.size, data.Spec.Resources.Requests.Storage().String())
	if w.class == "" {
		assert.Nil(t, data.Spec.StorageClassName, "the cluster's default class")
	} else {
		require.NotNil(t, data.Spec.StorageClassName)
		assert.Equal(t, w.class, *data.Spec.StorageClassName)
	}
	_, hasLog := claims["datalog"]
	assert.Equal(t, w.dataLog, hasLog, "separate transaction-log volume")
	assert.Equal(t, w.dataLog, strings.Contains(tp.config.Data["zoo.cfg"], "\ndataLogDir=/datalog\n"))
	assert.Equal(t, appsv1.RetainPersistentVolumeClaimRetentionPolicyType, sts.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted)
	assert.Equal(t, w.storageClass, tp.storageClass != nil)
	if tp.storageClass != nil {
		assert.Equal(t, w.class, tp.storageClass.Name)
		assert.Equal(t, w.reclaim, *tp.storageClass.ReclaimPolicy)
		assert.Equal(t, storagev1.VolumeBindingWaitForFirstConsumer, *tp.storageClass.VolumeBindingMode)
	}

	// Placement.
	pod := sts.Spec.Template
	aa := pod.Spec.Affinity.PodAntiAffinity
	switch w.antiAffinity {
	case "required":
		require.Len(t, aa.RequiredDuringSchedulingIgnoredDuringExecution, 1)
		assert.Equal(t, "kubernetes.io/hostname", aa.RequiredDuringSchedulingIgnoredDuringExecution[0].TopologyKey)
		assert.Empty(t, aa.PreferredDuringSchedulingIgnoredDuringExecution)
	case "preferred":
		require.Len(t, aa.PreferredDuringSchedulingIgnoredDuringExecution, 1)
		assert.Empty(t, aa.RequiredDuringSchedulingIgnoredDuringExecution)
	}
	if w.zoneSpread {
		require.Len(t, pod.Spec.TopologySpreadConstraints, 1)
		tsc := pod.Spec.TopologySpreadConstraints[0]
		assert.Equal(t, "topology.kubernetes.io/zone", tsc.TopologyKey)
		assert.Equal(t, corev1.DoNotSchedule, tsc.WhenUnsatisfiable)
	} else {
		assert.Empty(t, pod.Spec.TopologySpreadConstraints)
	}

	// Disruption budget and read-only mode.
	require.NotNil(t, tp.pdb.Spec.MaxUnavailable)
	assert.Equal(t, 1, tp.pdb.Spec.MaxUnavailable.IntValue())
	cfg := tp.config.Data["zoo.cfg"]
	assert.Equal(t, w.readOnly, strings.Contains(cfg, "\nlocalSessionsEnabled=true\n") && strings.Contains(cfg, "\nlocalSessionsUpgradingEnabled=true\n"))
	assert.Equal(t, w.readOnly, strings.Contains(envValue(pod.Spec.Containers[0], "SERVER_JVMFLAGS"), "-Dreadonlymode.enabled=true"))

	checkSelectors(t, tp)
}

// checkSelectors: every selector the output holds selects the pod
// template's labels (the Kubernetes tutorial's anti-affinity did not).
func checkSelectors(t *testing.T, tp *topology) {
	t.Helper()
	podLabels := labels.Set(tp.sts.Spec.Template.Labels)
	matches := func(what string, sel *metav1.LabelSelector) {
		t.Helper()
		require.NotNil(t, sel, what)
		s, err := metav1.LabelSelectorAsSelector(sel)
		require.NoError(t, err, what)
		assert.False(t, s.Empty(), "%s selects everything", what)
		assert.True(t, s.Matches(podLabels), "%s %v does not select the pods %v", what, sel, podLabels)
	}
	matches("StatefulSet selector", tp.sts.Spec.Selector)
	matches("headless Service selector", &metav1.LabelSelector{MatchLabels: tp.headless.Spec.Selector})
	matches("client Service selector", &metav1.LabelSelector{MatchLabels: tp.client.Spec.Selector})
	matches("PodDisruptionBudget selector", tp.pdb.Spec.Selector)
	matches("NetworkPolicy podSelector", &tp.netpol.Spec.PodSelector)
	aa := tp.sts.Spec.Template.Spec.Affinity.PodAntiAffinity
	for _, term := range aa.RequiredDuringSchedulingIgnoredDuringExecution {
		matches("required anti-affinity", term.LabelSelector)
	}
	for _, term := range aa.PreferredDuringSchedulingIgnoredDuringExecution {
		matches("preferred anti-affinity", term.PodAffinityTerm.LabelSelector)
	}
	for _, c := range tp.sts.Spec.Template.Spec.TopologySpreadConstraints {
		matches("topology spread", c.LabelSelector)
	}
	for _, r := range tp.netpol.Spec.Ingress {
		for _, p := range r.From {
			if p.PodSelector != nil && len(p.PodSelector.MatchLabels) > 0 && p.NamespaceSelector == nil {
				matches("NetworkPolicy peer", p.PodSelector)
			}
		}
	}
}

func configMapVolume(t *testing.T, sts appsv1.StatefulSet) string {
	for _, v := range sts.Spec.Template.Spec.Volumes {
		if v.ConfigMap != nil {
			return v.ConfigMap.Name
		}
	}
	t.Fatal("no ConfigMap volume in the pod template")
	return ""
}

func envValue(c corev1.Container, name string) string {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value
		}
	}
	return ""
}

// TestDeterministic: two builds give the same bytes.
func TestDeterministic(t *testing.T) {
	a := harness.Build(t, harness.Overlay(t, "prod"))
	b := harness.Build(t, harness.Overlay(t, "prod"))
	assert.Equal(t, string(a), string(b))
}

// TestBadSpecFailsBuild: kustomize shows the function's error, with the
// field and the fix, and fails the build.
func TestBadSpecFailsBuild(t *testing.T) {
	dir := filepath.Join(harness.Root(t), "testdata", "kustomize", "bad-even")
	out, stderr, err := harness.TryBuild(t, dir)
	require.Error(t, err, "the build must fail")
	assert.Empty(t, out, "no partial output")
	assert.Contains(t, string(stderr), "spec.replicas")
	assert.Contains(t, string(stderr), "use 3 or 5")
}

// TestGenerator: the spec as a kustomize generator's config.
func TestGenerator(t *testing.T) {
	dir := filepath.Join(harness.Root(t), "testdata", "kustomize", "generator")
	tp := parse(t, harness.Build(t, dir))
	checkTopology(t, tp, want{namespace: "platform", name: "coordination", replicas: 3, size: "10Gi", antiAffinity: "preferred"})
	assert.NotContains(t, tp.kinds, "ZookeeperSpec")
}
