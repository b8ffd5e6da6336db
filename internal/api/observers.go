package api

import "github.com/zookeeper-fn/zookeeper-fn/internal/names"

// MaxObservers bounds spec.observers. The leader sends every committed
// write to each observer as it does to each follower, so observers trade
// leader bandwidth for read capacity; 16 is well past the read scaling
// one ensemble's leader can feed. Their ids (membership.ObserverMyID)
// must also stay at most membership.MaxObserverID.
const MaxObservers = 16

// ObserverCount is spec.observers, 0 when unset.
func (s *Spec) ObserverCount() int32 {
	if s.Observers == nil {
		return 0
	}
	return *s.Observers
}

// HasObservers reports whether the spec renders observers.
func (s *Spec) HasObservers() bool { return s.ObserverCount() > 0 }

func (s *Spec) observersInBounds() bool {
	n := s.ObserverCount()
	return n >= 0 && n <= MaxObservers
}

// checkObservers: a bounded count, a name that leaves room for the
// observers' StatefulSet, and static membership.
func (z *ZookeeperSpec) checkObservers(ps *Problems) {
	s := &z.Spec
	n := s.ObserverCount()
	switch {
	case n < 0:
		ps.errorf("spec.observers", "is %d; use 0 for no observers, or a positive number of non-voting members for read scaling", n)
		return
	case n > MaxObservers:
		ps.errorf("spec.observers", "is %d; at most %d are supported: the leader sends every write to each observer, so more observers load the leader more than they relieve it; use a few observers and spread clients over them", n, MaxObservers)
		return
	case n == 0:
		return
	}
	if sts := z.Names().ObserverStatefulSet(); len(z.Name) <= MaxNameLength && len(sts) > MaxNameLength {
		ps.errorf("metadata.name", "%q is %d characters; with spec.observers the observers' StatefulSet %q adds %d, and at most %d fit (its revision label must stay within 63): use a name of at most %d characters",
			clip(z.Name), len(z.Name), clip(sts), len(names.ObserverSuffix), MaxNameLength, MaxNameLength-len(names.ObserverSuffix))
	}
}

// members is how many servers the spec runs, voters and observers.
func (s *Spec) members() int32 { return *s.Replicas + s.ObserverCount() }
