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
	Set     string // the StatefulSet that runs it: the voters' or the observers'
	Ordinal int    // the pod's ordinal in Set
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

// Membership is an ensemble's members, voters in ordinal order then
// observers in ordinal order, and the names they derive from.
type Membership struct {
	names.Ensemble
	Members []Member
	// Templates are the volume claim templates, in the StatefulSet's order.
	Templates []string
}

// MyID is the ZooKeeper id of voter ordinal i: ids start at 1, ordinals at 0.
func MyID(ordinal int) int { return ordinal + 1 }

// Ordinal is the voter ordinal of server id: the inverse of MyID.
func Ordinal(myid int) int { return myid - 1 }

// Observer ids. Voters own 1 to ObserverIDBase, observers the ids above
// it, by their own ordinal: adding or removing voters never renumbers an
// observer (its myid file and its server.N line stay), and no voter id
// can ever be an observer's. ZooKeeper's administrator's guide asks for
// ids of at most 254 (255 is reserved once TTL nodes are on), which
// bounds the observers to MaxObserverID - ObserverIDBase.
const (
	ObserverIDBase = 100
	MaxObserverID  = 254
)

// ObserverMyID is the ZooKeeper id of observer ordinal i.
func ObserverMyID(ordinal int) int { return ObserverIDBase + ordinal + 1 }

// ObserverOrdinal is the observer ordinal of server id, and whether the
// id is an observer's at all.
func ObserverOrdinal(myid int) (int, bool) {
	return myid - ObserverIDBase - 1, myid > ObserverIDBase
}

// New lists voters participants, ordinals 0, 1, ... of the ensemble's
// StatefulSet, then observers observers, ordinals 0, 1, ... of the
// observers' StatefulSet, each with a claim per template.
func New(e names.Ensemble, voters, observers int, templates []string) Membership {
	m := Membership{Ensemble: e, Templates: templates, Members: make([]Member, 0, voters+observers)}
	for i := 0; i < voters; i++ {
		m.Members = append(m.Members, member(e.StatefulSet(), i, MyID(i), Participant, e, templates))
	}
	for i := 0; i < observers; i++ {
		m.Members = append(m.Members, member(e.ObserverStatefulSet(), i, ObserverMyID(i), Observer, e, templates))
	}
	return m
}

func member(set string, i, myid int, role Role, e names.Ensemble, templates []string) Member {
	pod := names.Pod(set, i)
	claims := make(map[string]string, len(templates))
	for _, t := range templates {
		claims[t] = names.Claim(t, pod)
	}
	host := names.Host(pod, e.HeadlessService(), e.NamespaceOrDefault(), e.ClusterDomain)
	return Member{Set: set, Ordinal: i, MyID: myid, Pod: pod, Host: host, Role: role, Claims: claims}
}

// Replicas is the voters' StatefulSet's size.
func (m Membership) Replicas() int32 { return int32(m.Voters()) }

// ObserverReplicas is the observers' StatefulSet's size (0: none rendered).
func (m Membership) ObserverReplicas() int32 { return int32(len(m.Members) - m.Voters()) }

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

// Observers are the members that do not vote, in ordinal order.
func (m Membership) Observers() []Member {
	var out []Member
	for _, x := range m.Members {
		if !x.Voting() {
			out = append(out, x)
		}
	}
	return out
}

// Majority is the quorum: how many voters must agree on every write and
// election.
func Majority(voters int) int { return voters/2 + 1 }

// Majority is the ensemble's quorum size.
func (m Membership) Majority() int { return Majority(m.Voters()) }

// FaultTolerance is how many voters may fail with a majority left.
func (m Membership) FaultTolerance() int { return m.Voters() - m.Majority() }

// MaxUnavailable is the PodDisruptionBudget's budget: one voter at a
// time (the budget selects voters only: observers hold no quorum). With 2f+1 voters that keeps a majority even when one more member
// fails meanwhile (f >= 1); with one voter there is no quorum to protect,
// and a budget of 0 would block node drains forever.
func (m Membership) MaxUnavailable() int { return 1 }
