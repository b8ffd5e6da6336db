//go:build e2e

package kubernetes

import (
	"fmt"
	"sort"
	"testing"
	"time"

	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// roleEnsemble is the part of a rendered ensemble that one StatefulSet
// runs (voters or observers), with the pods of that role only.
func roleEnsemble(t *testing.T, c *Cluster, m *Manifests, sts, role string) *Ensemble {
	t.Helper()
	e := &Ensemble{t: t, c: c, M: m}
	for _, o := range m.All("StatefulSet") {
		if o.Name == sts {
			o.Decode(t, &e.STS)
		}
	}
	if e.STS.Name != sts {
		t.Fatalf("the rendered output has no StatefulSet %s", sts)
	}
	e.NS = e.STS.Namespace
	e.sel = labels.SelectorFromSet(labels.Set{names.LabelName: names.AppName, names.LabelInstance: "zk", names.LabelRole: role})
	return e
}

// TestObservers applies testdata/e2e-kubernetes/observers (3 voters and 2
// observers, hard anti-affinity and zone spread) strict and server-side
// into a Pod Security "restricted" namespace, and shows the real scheduler
// placing both roles by the rendered rules:
//   - on three nodes (one a zone) every voter gets its own node and zone
//     and the observers still run: they share nodes with voters (a
//     preference), never with each other, and never keep a voter Pending;
//   - with three more nodes, recreated observers land on nodes without
//     voters, in two different zones.
//
// The PodDisruptionBudget counts the voters only, and <name>-observers
// has the observers as its endpoints.
func TestObservers(t *testing.T) {
	t.Parallel()
	zones := []string{"zone-a", "zone-b", "zone-c"}
	nodes := nodesIn("obs", 6, zones...) // zones a b c a b c
	c := StartCluster(t, Options{Nodes: nodes[:3]})
	StartProvisioner(c)
	m := renderCase(t, "observers")
	voters := roleEnsemble(t, c, m, "zk", "participant")
	observers := roleEnsemble(t, c, m, "zk-observer", "observer")
	if voters.Replicas() != 3 || observers.Replicas() != 2 {
		t.Fatalf("rendered %d voters and %d observers, want 3 and 2", voters.Replicas(), observers.Replicas())
	}
	if voters.AntiAffinity() != "required" || observers.AntiAffinity() != "required" || voters.ZoneSpread() == nil || observers.ZoneSpread() == nil {
		t.Fatalf("want hard anti-affinity and zone spread on both roles: voters %q %v, observers %q %v",
			voters.AntiAffinity(), voters.ZoneSpread(), observers.AntiAffinity(), observers.ZoneSpread())
	}
	voters.Apply()
	voters.WaitReady(3)
	observers.WaitReady(2)
	voters.CheckOnePerNode()
	voters.CheckZoneSpread(zones, 0)
	observers.CheckOnePerNode()
	t.Logf("three nodes: voters %v, observers %v", nodesOf(voters), nodesOf(observers))

	// The live budget counts the three voters (3 healthy, 1 disruption
	// allowed), not the five members; PDB() checks it selects exactly them.
	voters.WaitPDB(voters.PDB().Name, 3, 1)
	checkEndpoints(t, c, voters.NS, "zk-observers", podSet(observers))
	checkEndpoints(t, c, voters.NS, "zk-client", append(podSet(voters), podSet(observers)...))

	for _, n := range nodes[3:] {
		c.AddNode(n)
	}
	c.WaitNodesSchedulable(nodes[3:]...)
	for _, p := range observers.Pods() {
		if err := c.API.Delete("/api/v1/namespaces/" + observers.NS + "/pods/" + p.Name); err != nil {
			t.Fatal(err)
		}
	}
	observers.WaitReady(2)
	observers.CheckZoneSpread(zones, 1)
	voterNodes := map[string]bool{}
	for _, n := range nodesOf(voters) {
		voterNodes[n] = true
	}
	obsNodes := nodesOf(observers)
	for pod, n := range obsNodes {
		if voterNodes[n] {
			t.Errorf("with 6 nodes, observer %s was placed on %s next to a voter; nodes: voters %v, observers %v", pod, n, nodesOf(voters), obsNodes)
		}
	}
	_, zoneOf := observers.Placement()
	if len(obsNodes) != 2 || zoneOf[observers.STS.Name+"-0"] == zoneOf[observers.STS.Name+"-1"] {
		t.Errorf("observers in zones %v, want two different zones", zoneOf)
	}
	t.Logf("six nodes: voters %v, observers %v (zones %v)", nodesOf(voters), obsNodes, zoneOf)
}

func nodesOf(e *Ensemble) map[string]string {
	nodeOf, _ := e.Placement()
	return nodeOf
}

func podSet(e *Ensemble) []string {
	var out []string
	for _, p := range e.Pods() {
		out = append(out, p.Name)
	}
	return out
}

// checkEndpoints waits until the Service's ready endpoints are the pods.
func checkEndpoints(t *testing.T, c *Cluster, ns, svc string, pods []string) {
	t.Helper()
	c.Eventually(60*time.Second, fmt.Sprintf("Service %s endpoints %v", svc, pods), func() (bool, string) {
		var l discoveryv1.EndpointSliceList
		if err := c.API.Get("/apis/discovery.k8s.io/v1/namespaces/"+ns+"/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3D"+svc, &l); err != nil {
			return false, err.Error()
		}
		var got []string
		for _, s := range l.Items {
			for _, ep := range s.Endpoints {
				if ep.TargetRef != nil && ep.Conditions.Ready != nil && *ep.Conditions.Ready {
					got = append(got, ep.TargetRef.Name)
				}
			}
		}
		sort.Strings(got)
		want := append([]string(nil), pods...)
		sort.Strings(want)
		return equal(got, want), fmt.Sprintf("ready endpoints %v", got)
	})
}
