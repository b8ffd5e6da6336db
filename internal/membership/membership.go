// Package membership is who is in an ensemble, computed once per spec:
// each member's ordinal, ZooKeeper id, pod, hostname, role, group and
// volume claims, and the quorum arithmetic that follows from them. The
// server list in zoo.cfg, the StatefulSet's size, the disruption budget,
// the alerts, the spec's checks and the scale warning all read it, so a
// new kind of member (observers) or a new grouping (zones) changes this
// package and its constructor in api, not every consumer.
package membership

import "github.com/zookeeper-fn/zookeeper-fn/internal/names"

// Role is what a member does in the quorum, in the words of zoo.cfg's
// server.N lines (host:quorum:election[:role];client).
type Role string

const (
	// Participant votes in elections and counts towards the majority.
	Participant Role = "participant"
	// Observer receives every write but does not vote: it adds read
	// capacity without adding write latency (peerType=observer).
	Observer Role = "observer"
)

// Member is one server of the ensemble.
type Member struct {
	Ordinal int    // the pod's StatefulSet ordinal
	MyID    int    // the ZooKeeper server id: server.<MyID> and the myid file
	Pod     string // the pod name, which is also its hostname
	Host    string // its stable DNS name through the headless Service
	Role    Role
	// Group is the member's group for hierarchical quorums (group.N in
	// zoo.cfg); 0 when the ensemble has none, as today.
	Group int
	// Claims maps each volume claim template to this member's claim.
	Claims map[string]string
}

// Voting reports whether the member counts towards the majority.
func (m Member) Voting() bool { return m.Role == Participant }

// Membership is an ensemble's members, in ordinal order, and the names
// they derive from.
type Membership struct {
	names.Ensemble
	Members []Member
	// Templates are the volume claim templates, in the StatefulSet's order.
	Templates []string
}

// MyID is the ZooKeeper id of ordinal i: ids start at 1, ordinals at 0.
func MyID(ordinal int) int { return ordinal + 1 }

// Ordinal is the ordinal of server id: the inverse of MyID.
func Ordinal(myid int) int { return myid - 1 }

// New lists voters participants, then observers observers, as ordinals
// 0, 1, ... of the ensemble's StatefulSet, each with a claim per template.
func New(e names.Ensemble, voters, observers int, templates []string) Membership {
	m := Membership{Ensemble: e, Templates: templates, Members: make([]Member, 0, voters+observers)}
	for i := 0; i < voters+observers; i++ {
		role := Participant
		if i >= voters {
			role = Observer
		}
		claims := make(map[string]string, len(templates))
		for _, t := range templates {
			claims[t] = e.Claim(t, i)
		}
		m.Members = append(m.Members, Member{Ordinal: i, MyID: MyID(i), Pod: e.Pod(i), Host: e.Host(i), Role: role, Claims: claims})
	}
	return m
}

// Replicas is the StatefulSet's size: every member, voting or not.
func (m Membership) Replicas() int32 { return int32(len(m.Members)) }

// Voters is the number of members that vote.
func (m Membership) Voters() int {
	n := 0
	for _, x := range m.Members {
		if x.Voting() {
			n++
		}
	}
	return n
}

// Majority is the quorum: how many voters must agree on every write and
// election.
func Majority(voters int) int { return voters/2 + 1 }

// Majority is the ensemble's quorum size.
func (m Membership) Majority() int { return Majority(m.Voters()) }

// FaultTolerance is how many voters may fail with a majority left.
func (m Membership) FaultTolerance() int { return m.Voters() - m.Majority() }

// MaxUnavailable is the PodDisruptionBudget's budget: one member at a
// time. With 2f+1 voters that keeps a majority even when one more member
// fails meanwhile (f >= 1); with one voter there is no quorum to protect,
// and a budget of 0 would block node drains forever.
func (m Membership) MaxUnavailable() int { return 1 }
