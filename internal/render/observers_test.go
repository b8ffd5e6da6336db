package render

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"

	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// sets renders a spec and returns the voters' and observers' StatefulSets.
func sets(t *testing.T, body string) (voters, observers *appsv1.StatefulSet, objs []Object) {
	t.Helper()
	z := spec(t, body)
	objs = Ensemble(z, z.Membership())
	for _, s := range ofType[*appsv1.StatefulSet](objs) {
		switch s.Name {
		case "zk":
			voters = s
		case "zk-observer":
			observers = s
		}
	}
	require.NotNil(t, voters)
	return voters, observers, objs
}

func antiAffinity(s *appsv1.StatefulSet) (required, preferred []map[string]string) {
	a := s.Spec.Template.Spec.Affinity
	if a == nil || a.PodAntiAffinity == nil {
		return nil, nil
	}
	for _, r := range a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution {
		required = append(required, r.LabelSelector.MatchLabels)
	}
	for _, p := range a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
		preferred = append(preferred, p.PodAffinityTerm.LabelSelector.MatchLabels)
	}
	return required, preferred
}

func role(r string) map[string]string {
	return map[string]string{names.LabelName: names.AppName, names.LabelInstance: "zk", names.LabelRole: r}
}

// TestObserverPlacement: each role's hard rules count that role only, so
// an observer never keeps a voter off a node or out of a zone; observers
// prefer nodes without voters.
func TestObserverPlacement(t *testing.T) {
	cases := map[string]struct {
		placement                        string
		voterReq, voterPref, obsReq      []map[string]string
		obsPref                          []map[string]string
		voterMinDomains, observerSpreads bool
	}{
		"required": {
			placement: "{antiAffinity: required, zoneSpread: required}",
			voterReq:  []map[string]string{role("participant")}, obsReq: []map[string]string{role("observer")},
			obsPref:         []map[string]string{role("participant")},
			voterMinDomains: true, observerSpreads: true,
		},
		"preferred": {
			placement: "{antiAffinity: preferred, zoneSpread: preferred}",
			voterPref: []map[string]string{role("participant")},
			obsPref:   []map[string]string{role("observer"), role("participant")}, observerSpreads: true,
		},
		"none": {placement: "{antiAffinity: none, zoneSpread: none}"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			v, o, _ := sets(t, "  replicas: 3\n  observers: 2\n  placement: "+tc.placement+"\n")
			req, pref := antiAffinity(v)
			assert.Equal(t, tc.voterReq, req, "voters' required terms")
			assert.Equal(t, tc.voterPref, pref, "voters' preferred terms")
			req, pref = antiAffinity(o)
			assert.Equal(t, tc.obsReq, req, "observers' required terms")
			assert.Equal(t, tc.obsPref, pref, "observers' preferred terms")
			if vs := v.Spec.Template.Spec.TopologySpreadConstraints; len(vs) > 0 {
				assert.Equal(t, role("participant"), vs[0].LabelSelector.MatchLabels, "voters spread among themselves")
				assert.Equal(t, tc.voterMinDomains, vs[0].MinDomains != nil, "minDomains keeps a majority of voters out of any zone")
			}
			os := o.Spec.Template.Spec.TopologySpreadConstraints
			require.Equal(t, tc.observerSpreads, len(os) == 1)
			if tc.observerSpreads {
				assert.Equal(t, role("observer"), os[0].LabelSelector.MatchLabels, "observers spread among themselves")
				assert.Nil(t, os[0].MinDomains, "observers hold no quorum")
			}
		})
	}
}

// TestObserverObjects: the objects observers add or change, and none of
// it without observers.
func TestObserverObjects(t *testing.T) {
	v, o, objs := sets(t, "  replicas: 3\n  observers: 2\n")
	assert.EqualValues(t, 3, *v.Spec.Replicas)
	assert.EqualValues(t, 2, *o.Spec.Replicas)
	assert.Equal(t, v.Spec.ServiceName, o.Spec.ServiceName, "one headless Service names both")
	assert.Equal(t, map[string]string{names.LabelName: names.AppName, names.LabelInstance: "zk"}, v.Spec.Selector.MatchLabels, "the voters' selector never changes: it is immutable")
	assert.Equal(t, role("observer"), o.Spec.Selector.MatchLabels)
	assert.Contains(t, o.Spec.Template.Spec.Containers[0].Env, corev1.EnvVar{Name: "ZOOCFG", Value: KeyObserverZooCfg})
	assert.Equal(t, v.Spec.Template.Annotations[ConfigHashAnnotation], o.Spec.Template.Annotations[ConfigHashAnnotation], "one ConfigMap, one hash")
	var cm *corev1.ConfigMap
	var svc *corev1.Service
	for _, x := range objs {
		switch x := x.(type) {
		case *policyv1.PodDisruptionBudget:
			assert.Equal(t, role("participant"), x.Spec.Selector.MatchLabels, "the budget counts voters only")
		case *corev1.ConfigMap:
			if x.Name == "zk-config" {
				cm = x
			}
		case *corev1.Service:
			if x.Name == "zk-observers" {
				svc = x
			}
		}
	}
	require.NotNil(t, cm)
	require.NotNil(t, svc)
	assert.Equal(t, role("observer"), svc.Spec.Selector, "reads through <name>-observers reach observers only")
	assert.Equal(t, cm.Data[KeyZooCfg], strings.Replace(cm.Data[KeyObserverZooCfg], "peerType=observer\n", "", 1), "the observers' zoo.cfg is the voters' plus peerType")
	assert.Contains(t, cm.Data[KeyZooCfg], "server.102=zk-observer-1.zk-headless.ns.svc.cluster.local:2888:3888:observer;2181\n")
	// ZooKeeper refuses observers next to a standalone server: one voter
	// with observers leads a quorum of one.
	assert.Contains(t, ZooCfg(spec(t, "  replicas: 1\n  observers: 1\n"), spec(t, "  replicas: 1\n  observers: 1\n").Membership()), "standaloneEnabled=false\n")
	assert.Contains(t, ZooCfg(spec(t, "  replicas: 1\n"), spec(t, "  replicas: 1\n").Membership()), "standaloneEnabled=true\n")

	v, o, objs = sets(t, "  replicas: 3\n")
	assert.Nil(t, o, "no observers, no observers' StatefulSet")
	assert.NotContains(t, v.Spec.Template.Labels, names.LabelRole, "without observers the pods are labelled as before")
	for _, x := range objs {
		if c, ok := x.(*corev1.ConfigMap); ok {
			assert.NotContains(t, c.Data, KeyObserverZooCfg)
		}
	}
}
