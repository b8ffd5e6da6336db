package consistency

import (
	"fmt"
	"sort"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/membership"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// observerSet is the observers' StatefulSet (spec.observers): the one
// whose pods carry the observer role label.
type observerSet struct {
	o   object
	sts appsv1.StatefulSet
}

// splitObservers takes the observers' StatefulSet out of an ensemble's
// StatefulSets; the rest are the voters' (one, or the duplicate check
// reports the others).
func (c *checker) splitObservers(sets []object) ([]object, *observerSet) {
	var voters []object
	var obs *observerSet
	for _, o := range sets {
		var sts appsv1.StatefulSet
		if o.decode(&sts) != nil || sts.Spec.Template.Labels[names.LabelRole] != string(membership.Observer) {
			voters = append(voters, o)
			continue
		}
		if obs != nil {
			c.add(o.errorf("metadata.annotations["+names.OwnerAnnotation+"]", "is a second observers' StatefulSet of the ensemble (the first is %q); one spec renders one: remove the copy or render again", obs.o.name))
			continue
		}
		obs = &observerSet{o: o, sts: sts}
	}
	return voters, obs
}

// splitServers separates the observers' server lines (ids above
// membership.ObserverIDBase) from the voters'.
func splitServers(all map[int]server) (voters, observers map[int]server) {
	voters, observers = map[int]server{}, map[int]server{}
	for id, s := range all {
		if _, ok := membership.ObserverOrdinal(id); ok {
			observers[id] = s
		} else {
			voters[id] = s
		}
	}
	return voters, observers
}

// observerServers checks the observers' server lines against their
// StatefulSet: hostnames, ids 101, 102, ... without gaps, and one line per
// replica.
func (c *checker) observerServers(g *group, cm object, path string, servers map[int]server) {
	obs := g.obs
	if obs == nil {
		if len(servers) > 0 {
			c.add(cm.errorf(path, "lists %d observer server lines (ids above %d), but the stream holds no observers' StatefulSet (pods labelled %s=observer); the observers never start: %s", len(servers), membership.ObserverIDBase, names.LabelRole, fix))
		}
		return
	}
	so, sts := obs.o, &obs.sts
	ids := make([]int, 0, len(servers))
	for id := range servers {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	domain := ""
	if g.spec != nil {
		domain = g.spec.Spec.ClusterDomain
	}
	for i, id := range ids {
		ord, _ := membership.ObserverOrdinal(id)
		want := names.Host(names.Pod(so.name, ord), sts.Spec.ServiceName, namespaceOf(so), domain)
		host := servers[id].host
		if host != want && !(domain == "" && len(host) > len(want) && host[:len(want)] == want) {
			c.add(cm.errorf(path, "server.%d is %q where observer %d of StatefulSet %q is %q; the observer cannot join: %s", id, clip(host), ord, so.name, want, fix))
		}
		if id != membership.ObserverMyID(i) {
			c.add(cm.errorf(path, "lists observer ids %v; observer i has id %d+i+1, so they must run from %d without gaps: render again instead of editing zoo.cfg", ids, membership.ObserverIDBase, membership.ObserverMyID(0)))
			break
		}
	}
	replicas := int32(1)
	if sts.Spec.Replicas != nil {
		replicas = *sts.Spec.Replicas
	}
	if int(replicas) != len(ids) {
		c.add(so.errorf("spec.replicas", "is %d, but zoo.cfg in ConfigMap %q lists %d observers; observers outside the list cannot join: change spec.observers in the ZookeeperSpec and render again instead of patching the StatefulSet", replicas, cm.name, len(ids)))
	}
	if g.spec != nil && replicas != g.spec.Spec.ObserverCount() {
		c.add(so.errorf("spec.replicas", "is %d, but the ZookeeperSpec asks for %d observers: change spec.observers in the ZookeeperSpec and render again", replicas, g.spec.Spec.ObserverCount()))
	}
}

// observerSelectors: the observers' own selector, anti-affinity and spread
// must select their pods, as the voters' do theirs.
func (c *checker) observerSelectors(g *group) {
	if g.obs == nil {
		return
	}
	so, sts := g.obs.o, &g.obs.sts
	if len(so.name) > api.MaxNameLength {
		c.add(so.errorf("metadata.name", "is %d characters; at most %d fit, because every pod carries the label controller-revision-hash=<name>-<10 characters>, which must stay within 63: shorten the namePrefix/nameSuffix or the spec's name", len(so.name), api.MaxNameLength))
	}
	pods := sts.Spec.Template.Labels
	c.checkSelector(so, "spec.selector", sts.Spec.Selector, pods, so.name, "the StatefulSet adopts no pods and the API server refuses it")
	for i, t := range sts.Spec.Template.Spec.TopologySpreadConstraints {
		if t.LabelSelector != nil {
			c.checkSelector(so, fmt.Sprintf("spec.template.spec.topologySpreadConstraints[%d].labelSelector", i), t.LabelSelector, pods, so.name, "observers are not spread")
		}
	}
}

// selectsObservers reports whether sel selects the observers' pods: a
// Service for reads (<name>-observers) selects them and not the voters.
func (g *group) selectsObservers(sel *metav1.LabelSelector) bool {
	if g.obs == nil || sel == nil {
		return false
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	return err == nil && !s.Empty() && s.Matches(labels.Set(g.obs.sts.Spec.Template.Labels))
}

// observerClaims are the claims the observers' StatefulSet creates.
func (g *group) observerClaims(templates map[string]string, claims map[string]string) {
	if g.obs == nil || g.obs.sts.Spec.Replicas == nil {
		return
	}
	for t := range templates {
		for i := 0; i < int(*g.obs.sts.Spec.Replicas); i++ {
			claims[names.Claim(t, names.Pod(g.obs.o.name, i))] = t
		}
	}
}
