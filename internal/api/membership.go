package api

import (
	"github.com/zookeeper-fn/zookeeper-fn/internal/membership"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// Names names the objects of a defaulted spec.
func (z *ZookeeperSpec) Names() names.Ensemble {
	return names.New(z.Name, z.Namespace, z.Spec.ClusterDomain, z.Spec.Image)
}

// Membership is who is in the ensemble of a defaulted spec whose replicas
// are within 1 to MaxReplicas (Check refuses the rest; call it after
// Check). This is the one place that turns the spec's fields into
// members: spec.replicas voters and spec.observers observers (zone groups
// would be read here too).
func (z *ZookeeperSpec) Membership() membership.Membership {
	templates := []string{names.DataVolume}
	if z.Spec.Storage.DataLog != nil {
		templates = append(templates, names.DataLogVolume)
	}
	return membership.New(z.Names(), int(*z.Spec.Replicas), int(z.Spec.ObserverCount()), templates)
}

// TryMembership is the membership of a spec that was decoded but perhaps
// not checked, and whether its replica count allows one (checkReplicas
// reports the rest): the checks of the members' names and quorum must not
// build a million members from a hostile spec.
func (z *ZookeeperSpec) TryMembership() (membership.Membership, bool) {
	if n := *z.Spec.Replicas; n < 1 || n > MaxReplicas || !z.Spec.observersInBounds() {
		return membership.Membership{}, false
	}
	return z.Membership(), true
}
