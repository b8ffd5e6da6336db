package render

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/membership"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// KeyObserverZooCfg is the observers' zoo.cfg: the voters' file (the same
// server lines, the same properties) plus peerType=observer. ZooKeeper
// 3.8 takes the role from the server.N line anyway (setupPeerType warns
// and uses the list when peerType disagrees), so the two can never
// contradict each other; peerType states it on the member as well.
const KeyObserverZooCfg = "zoo-observer.cfg"

// Observers returns the observers' objects (spec.observers): their
// StatefulSet and their client Service; none without observers.
func Observers(z *api.ZookeeperSpec, m membership.Membership, configHash string) []Object {
	if m.ObserverReplicas() == 0 {
		return nil
	}
	return []Object{ObserverStatefulSet(z, m, configHash), ObserverClientService(z, m.Ensemble)}
}

// ObserverStatefulSet runs the observers: the voters' pod template (the
// same image, probes, security, volumes, placement rules) in a
// StatefulSet of their own, so observers scale and roll without touching
// the voters' ordinals, and the voters' rolling update never waits for an
// observer. The pods share the headless Service for their DNS names
// (<name>-observer-N.<name>-headless...) and start with the observers'
// zoo.cfg (ZOOCFG, read by the image's zkEnv.sh relative to ZOOCFGDIR).
//
// Placement follows the spec's rules per role, so that observers can
// never cost the voters a node or a zone: each role's anti-affinity and
// zone spread count that role only (a required rule against voters would
// be symmetric, and an observer scheduled first could keep a voter
// Pending), and observers prefer nodes without voters (a weighted term),
// so with enough nodes every server has its own, and with too few the
// observers, not the voters, share.
func ObserverStatefulSet(z *api.ZookeeperSpec, m membership.Membership, configHash string) *appsv1.StatefulSet {
	e := m.Ensemble
	sts := StatefulSet(z, m, configHash)
	n := m.ObserverReplicas()
	sts.Name = e.ObserverStatefulSet()
	sts.Spec.Replicas = &n
	sts.Spec.Selector = &metav1.LabelSelector{MatchLabels: e.RoleSelector(string(membership.Observer))}
	withRole(sts, e, membership.Observer)
	pod := &sts.Spec.Template.Spec
	// Observers hold no quorum: no minDomains, which only keeps a
	// majority of voters out of any one zone.
	pod.TopologySpreadConstraints = spread(z.Spec.Placement, e, 0)
	roleSpread(pod, e, membership.Observer)
	if a := pod.Affinity; a != nil && a.PodAntiAffinity != nil {
		a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution = append(a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution,
			corev1.WeightedPodAffinityTerm{Weight: 100, PodAffinityTerm: corev1.PodAffinityTerm{
				LabelSelector: &metav1.LabelSelector{MatchLabels: e.RoleSelector(string(membership.Participant))},
				TopologyKey:   z.Spec.Placement.TopologyKey,
			}})
	}
	c := &pod.Containers[0]
	c.Env = append(c.Env, corev1.EnvVar{Name: "ZOOCFG", Value: KeyObserverZooCfg})
	return sts
}

// withRole labels a role's pods and narrows the preset anti-affinity and
// zone spread (the only terms so far: the spec's own come later) to them.
func withRole(sts *appsv1.StatefulSet, e names.Ensemble, role membership.Role) {
	sts.Spec.Template.Labels[names.LabelRole] = string(role)
	pod := &sts.Spec.Template.Spec
	roleSpread(pod, e, role)
	if a := pod.Affinity; a != nil && a.PodAntiAffinity != nil {
		sel := func() *metav1.LabelSelector { return &metav1.LabelSelector{MatchLabels: e.RoleSelector(string(role))} }
		for i := range a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution {
			a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution[i].LabelSelector = sel()
		}
		for i := range a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
			a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution[i].PodAffinityTerm.LabelSelector = sel()
		}
	}
}

func roleSpread(pod *corev1.PodSpec, e names.Ensemble, role membership.Role) {
	for i := range pod.TopologySpreadConstraints {
		pod.TopologySpreadConstraints[i].LabelSelector = &metav1.LabelSelector{MatchLabels: e.RoleSelector(string(role))}
	}
}

// ObserverClientService reaches the ready observers only: clients that
// only read point here for read scaling, away from the voters, which
// carry the write path. The client Service still balances over every
// ready member, observers included (an observer forwards writes to the
// leader), so existing clients need no change.
func ObserverClientService(z *api.ZookeeperSpec, e names.Ensemble) *corev1.Service {
	return &corev1.Service{
		TypeMeta:   typeMeta("v1", "Service"),
		ObjectMeta: objectMeta(e, e.ObserverClientService()),
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceTypeClusterIP,
			Selector: e.RoleSelector(string(membership.Observer)),
			Ports:    []corev1.ServicePort{servicePort(PortClient, api.ClientPort)},
		},
	}
}

// disruptionSelector is what the PodDisruptionBudget counts: the voters
// only once there are observers, whose loss never costs the quorum.
func disruptionSelector(m membership.Membership) *metav1.LabelSelector {
	if m.ObserverReplicas() == 0 {
		return selector(m.Ensemble)
	}
	return &metav1.LabelSelector{MatchLabels: m.RoleSelector(string(membership.Participant))}
}
