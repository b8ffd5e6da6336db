package membership_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	_ "github.com/zookeeper-fn/zookeeper-fn/internal/golden" // -update, see there
	"github.com/zookeeper-fn/zookeeper-fn/internal/membership"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

var zk = names.New("zk", "ns", "cluster.local", "zookeeper:3.9.6")

func TestMembers(t *testing.T) {
	m := membership.New(zk, 3, 0, []string{names.DataVolume, names.DataLogVolume})
	assert.Equal(t, []membership.Member{
		{Set: "zk", Ordinal: 0, MyID: 1, Pod: "zk-0", Host: "zk-0.zk-headless.ns.svc.cluster.local", Role: membership.Participant,
			Claims: map[string]string{"data": "data-zk-0", "datalog": "datalog-zk-0"}},
		{Set: "zk", Ordinal: 1, MyID: 2, Pod: "zk-1", Host: "zk-1.zk-headless.ns.svc.cluster.local", Role: membership.Participant,
			Claims: map[string]string{"data": "data-zk-1", "datalog": "datalog-zk-1"}},
		{Set: "zk", Ordinal: 2, MyID: 3, Pod: "zk-2", Host: "zk-2.zk-headless.ns.svc.cluster.local", Role: membership.Participant,
			Claims: map[string]string{"data": "data-zk-2", "datalog": "datalog-zk-2"}},
	}, m.Members)
	assert.Equal(t, []string{"data", "datalog"}, m.Templates)
	assert.Equal(t, "ns/zk", m.Owner(), "the names come along")
}

func TestQuorum(t *testing.T) {
	cases := map[string]struct {
		voters, observers                                 int
		replicas, voting, majority, tolerance, disruption int
	}{
		"one member tolerates nothing":       {voters: 1, replicas: 1, voting: 1, majority: 1, tolerance: 0, disruption: 1},
		"three tolerate one":                 {voters: 3, replicas: 3, voting: 3, majority: 2, tolerance: 1, disruption: 1},
		"five tolerate two":                  {voters: 5, replicas: 5, voting: 5, majority: 3, tolerance: 2, disruption: 1},
		"four tolerate no more than three":   {voters: 4, replicas: 4, voting: 4, majority: 3, tolerance: 1, disruption: 1},
		"observers run but do not vote":      {voters: 3, observers: 2, replicas: 3, voting: 3, majority: 2, tolerance: 1, disruption: 1},
		"eleven, the most the spec accepts":  {voters: 11, replicas: 11, voting: 11, majority: 6, tolerance: 5, disruption: 1},
		"observers do not make a quorum odd": {voters: 2, observers: 1, replicas: 2, voting: 2, majority: 2, tolerance: 0, disruption: 1},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m := membership.New(zk, tc.voters, tc.observers, []string{names.DataVolume})
			assert.EqualValues(t, tc.replicas, m.Replicas(), "replicas")
			assert.Equal(t, tc.voting, m.Voters(), "voters")
			assert.Equal(t, tc.majority, m.Majority(), "majority")
			assert.Equal(t, tc.tolerance, m.FaultTolerance(), "fault tolerance")
			assert.Equal(t, tc.disruption, m.MaxUnavailable(), "disruption budget")
		})
	}
}

func TestObserversHaveTheirOwnSet(t *testing.T) {
	m := membership.New(zk, 3, 2, []string{names.DataVolume})
	assert.Equal(t, []membership.Member{
		{Set: "zk-observer", Ordinal: 0, MyID: 101, Pod: "zk-observer-0", Host: "zk-observer-0.zk-headless.ns.svc.cluster.local",
			Role: membership.Observer, Claims: map[string]string{"data": "data-zk-observer-0"}},
		{Set: "zk-observer", Ordinal: 1, MyID: 102, Pod: "zk-observer-1", Host: "zk-observer-1.zk-headless.ns.svc.cluster.local",
			Role: membership.Observer, Claims: map[string]string{"data": "data-zk-observer-1"}},
	}, m.Observers())
	assert.EqualValues(t, 2, m.ObserverReplicas())
	assert.False(t, m.Members[3].Voting())
}

// Observer ids never collide with voter ids and do not move when the
// voters scale: the observers' myid files and server lines stay.
func TestObserverIDsAreStable(t *testing.T) {
	for _, voters := range []int{1, 3, 5, 7, 9, 11} {
		m := membership.New(zk, voters, 3, nil)
		seen := map[int]bool{}
		for _, x := range m.Members {
			assert.False(t, seen[x.MyID], "id %d twice with %d voters", x.MyID, voters)
			seen[x.MyID] = true
			assert.LessOrEqual(t, x.MyID, membership.MaxObserverID)
		}
		assert.Equal(t, []int{101, 102, 103}, ids(m.Observers()), "with %d voters", voters)
	}
	for i := 0; i < 5; i++ {
		ord, ok := membership.ObserverOrdinal(membership.ObserverMyID(i))
		assert.True(t, ok)
		assert.Equal(t, i, ord, "observer myid and ordinal map both ways")
	}
	_, ok := membership.ObserverOrdinal(membership.MyID(membership.ObserverIDBase - 1))
	assert.False(t, ok, "the highest voter id is no observer's")
}

func ids(ms []membership.Member) []int {
	var out []int
	for _, x := range ms {
		out = append(out, x.MyID)
	}
	return out
}
