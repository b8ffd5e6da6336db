//go:build e2e

package kubernetes

import (
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// overlay is what each overlay asks for, as the brief and the overlay's
// own comments state it; the test fails when the rendered output or the
// cluster's handling of it differs.
type overlay struct {
	name, namespace string
	replicas        int
	antiAffinity    string // "required" or "preferred"
	zoneSpread      bool
	// class and reclaim of every member volume. dev and staging leave the
	// class empty, so their claims get the cluster's default class (the
	// provisioner stand-in's "standard", reclaim Delete); prod names its
	// own class, which the function creates with reclaim Retain.
	class   string
	reclaim corev1.PersistentVolumeReclaimPolicy
}

var (
	dev     = overlay{"dev", "zookeeper-dev", 1, "preferred", false, "standard", corev1.PersistentVolumeReclaimDelete}
	staging = overlay{"staging", "zookeeper-staging", 3, "preferred", false, "standard", corev1.PersistentVolumeReclaimDelete}
	prod    = overlay{"prod", "zookeeper-prod", 5, "required", true, "zookeeper-ssd", corev1.PersistentVolumeReclaimRetain}
)

// render builds a kustomization with the real kustomize and function.
func render(t *testing.T, dir string) *Manifests {
	t.Helper()
	return ParseManifests(t, harness.Build(t, dir))
}

// startZonedCluster starts a cluster of three nodes, prefix-0 to prefix-2,
// one in each of three zones, with the local-volume provisioner.
func startZonedCluster(t *testing.T, prefix string) *Cluster {
	t.Helper()
	c := StartCluster(t, Options{Nodes: nodesIn(prefix, 3, "zone-a", "zone-b", "zone-c")})
	StartProvisioner(c)
	return c
}

// renderCase renders the kustomization testdata/e2e-kubernetes/<elem...>.
func renderCase(t *testing.T, elem ...string) *Manifests {
	t.Helper()
	return render(t, filepath.Join(append([]string{harness.Root(t), "testdata", "e2e-kubernetes"}, elem...)...))
}

// deploy renders an overlay, checks what it asks for, applies it and
// waits until `ready` members are Ready.
func deploy(t *testing.T, c *Cluster, o overlay, ready int) *Ensemble {
	t.Helper()
	e := NewEnsemble(t, c, render(t, harness.Overlay(t, o.name)))
	if e.NS != o.namespace || e.Replicas() != o.replicas {
		t.Fatalf("overlay %s renders %d members in %q, want %d in %q", o.name, e.Replicas(), e.NS, o.replicas, o.namespace)
	}
	if got := e.AntiAffinity(); got != o.antiAffinity {
		t.Fatalf("overlay %s renders %q anti-affinity on hostnames, want %q", o.name, got, o.antiAffinity)
	}
	if z := e.ZoneSpread(); (z != nil) != o.zoneSpread ||
		(z != nil && (z.MaxSkew != 1 || z.WhenUnsatisfiable != corev1.DoNotSchedule)) {
		t.Fatalf("overlay %s zone spread %+v, want required (maxSkew 1, DoNotSchedule): %v", o.name, z, o.zoneSpread)
	}
	e.Apply()
	e.WaitReady(ready)
	return e
}

// checkCommon runs the checks every overlay must pass once all its
// members are Ready.
func checkCommon(t *testing.T, c *Cluster, p *Provisioner, e *Ensemble, o overlay) {
	t.Helper()
	e.CheckServices()
	e.CheckStorage(p, o.class, o.reclaim)
	e.CheckNetworkPolicies(c.CreateDecoy(e.NS))
	e.CheckPodDeletionKeepsVolume(0)
}

// TestSmallCluster runs dev and staging on two nodes in two zones (fewer
// nodes than staging's three members), then scales a three-member
// ensemble to five.
func TestSmallCluster(t *testing.T) {
	t.Parallel()
	nodes := nodesIn("small", 2, "zone-a", "zone-b")
	c := StartCluster(t, Options{Nodes: nodes})
	p := StartProvisioner(c)

	t.Run("dev", func(t *testing.T) {
		c := c.With(t)
		e := deploy(t, c, dev, dev.replicas)
		checkCommon(t, c, p, e, dev)
		// One member cannot survive a disruption, and maxUnavailable 1 lets
		// a drain take it: dev has no fault tolerance by design.
		e.WaitPDB(e.PDB().Name, 1, 1)
	})
	t.Run("staging", func(t *testing.T) {
		c := c.With(t)
		e := deploy(t, c, staging, staging.replicas)
		// Soft anti-affinity: three members on two nodes still schedule,
		// and the scheduler still uses both nodes.
		nodeOf, _ := e.Placement()
		used := map[string]int{}
		for _, n := range nodeOf {
			used[n]++
		}
		if len(nodeOf) != 3 || len(used) != 2 {
			t.Errorf("staging members on nodes %v, want all 3 placed over both nodes", nodeOf)
		}
		checkCommon(t, c, p, e, staging)
		e.CheckPDBBlocksSecondEviction()
	})
	t.Run("scale-3-to-5", func(t *testing.T) { checkScale(t, c.With(t)) })
}

// TestProd runs prod first on four nodes in three zones, where hard
// anti-affinity must leave the fifth member Pending, then adds a fifth
// node.
func TestProd(t *testing.T) {
	t.Parallel()
	zones := []string{"zone-a", "zone-b", "zone-c"}
	nodes := nodesIn("prod", 5, zones...) // zones a b c a b
	c := StartCluster(t, Options{Nodes: nodes[:4]})
	p := StartProvisioner(c)

	e := deploy(t, c, prod, 4)
	e.CheckOnePerNode()
	e.CheckZoneSpread(zones, 1)
	for _, pod := range e.Pods() {
		if msg := Unschedulable(pod); msg != "" {
			if !strings.Contains(msg, "anti-affinity") {
				t.Errorf("member %s is Pending for another reason than anti-affinity: %s", pod.Name, msg)
			}
			// Correct: a second member on an occupied node would let one node
			// failure take two of five members. Pending is visible, and the
			// four running members keep a quorum (3 of 5).
			t.Logf("as intended, %s stays Pending with 4 nodes for 5 members: %s", pod.Name, msg)
		}
	}
	// With one member down the budget is spent: no other member may go.
	pdb := e.PDB()
	e.WaitPDB(pdb.Name, 4, 0)
	for _, pod := range e.Pods() {
		if PodReady(pod) {
			if err := e.Evict(pod.Name); !IsStatus(err, 429) {
				t.Errorf("evicting %s while a member is Pending: %v; want 429 from the disruption budget", pod.Name, err)
			}
			break
		}
	}

	c.AddNode(nodes[4])
	c.WaitNodesSchedulable(nodes[4])
	e.WaitReady(5)
	e.CheckOnePerNode()
	e.CheckZoneSpread(zones, 1)
	checkCommon(t, c, p, e, prod)
	e.CheckPDBBlocksSecondEviction()
	e.CheckOnePerNode()
	e.CheckZoneSpread(zones, 1)
}
