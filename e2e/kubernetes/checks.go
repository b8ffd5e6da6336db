//go:build e2e

package kubernetes

import (
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// CheckServices asserts that each Service selects exactly the live
// members and that the endpoints controller published them: all members
// on the headless Service (it publishes not-ready addresses), the Ready
// ones on the others.
func (e *Ensemble) CheckServices() {
	e.t.Helper()
	members := podNames(e.Pods())
	for _, o := range e.M.All("Service") {
		var svc corev1.Service
		o.Decode(e.t, &svc)
		sel := labels.SelectorFromSet(svc.Spec.Selector)
		if got := podNames(e.c.Pods(e.NS, sel.String())); !equal(got, members) {
			e.t.Errorf("Service %s selects pods %v, want the members %v", svc.Name, got, members)
		}
		e.c.Eventually(30*time.Second, "endpoints of Service "+svc.Name, func() (bool, string) {
			var l discoveryList
			q := "/apis/discovery.k8s.io/v1/namespaces/" + e.NS + "/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3D" + svc.Name
			if err := e.c.API.Get(q, &l); err != nil {
				return false, err.Error()
			}
			var got []string
			for _, s := range l.Items {
				for _, ep := range s.Endpoints {
					if ep.TargetRef != nil {
						got = append(got, ep.TargetRef.Name)
					}
				}
			}
			sort.Strings(got)
			return equal(got, members), fmt.Sprintf("endpoints %v, want %v", got, members)
		})
	}
}

// CheckStorage asserts that every claim of every member is Bound to the
// intended volume: the static PersistentVolume pre-bound to it when the
// output has one, otherwise a volume of the claim's class; that the class
// and the reclaim policy are the ones asked for; and that the claim is the
// one the pod mounts.
func (e *Ensemble) CheckStorage(p *Provisioner, wantClass string, wantReclaim corev1.PersistentVolumeReclaimPolicy) {
	e.t.Helper()
	staticPV := map[string]corev1.PersistentVolume{} // claim name -> PV
	for _, o := range e.M.All("PersistentVolume") {
		var pv corev1.PersistentVolume
		o.Decode(e.t, &pv)
		if pv.Spec.ClaimRef == nil || pv.Spec.ClaimRef.Namespace != e.NS {
			e.t.Errorf("static PersistentVolume %s is not pre-bound to a claim in %s: claimRef %+v", pv.Name, e.NS, pv.Spec.ClaimRef)
			continue
		}
		staticPV[pv.Spec.ClaimRef.Name] = pv
	}
	var classes = map[string]storagev1.StorageClass{}
	for _, o := range e.M.All("StorageClass") {
		var sc storagev1.StorageClass
		o.Decode(e.t, &sc)
		classes[sc.Name] = sc
	}
	for _, pod := range e.Pods() {
		for _, tmpl := range e.STS.Spec.VolumeClaimTemplates {
			claim := tmpl.Name + "-" + pod.Name
			if !mountsClaim(pod, tmpl.Name, claim) {
				e.t.Errorf("pod %s does not mount claim %s as volume %s", pod.Name, claim, tmpl.Name)
			}
			var pvc corev1.PersistentVolumeClaim
			e.c.Eventually(60*time.Second, "claim "+claim+" Bound", func() (bool, string) {
				if err := e.c.API.Get("/api/v1/namespaces/"+e.NS+"/persistentvolumeclaims/"+claim, &pvc); err != nil {
					return false, err.Error()
				}
				return pvc.Status.Phase == corev1.ClaimBound, fmt.Sprintf("phase %s, volume %q", pvc.Status.Phase, pvc.Spec.VolumeName)
			})
			class := ""
			if pvc.Spec.StorageClassName != nil {
				class = *pvc.Spec.StorageClassName
			}
			if class != wantClass {
				e.t.Errorf("claim %s has class %q, want %q", claim, class, wantClass)
			}
			if pv, ok := staticPV[claim]; ok {
				if pvc.Spec.VolumeName != pv.Name {
					e.t.Errorf("claim %s bound to %q, want the static volume %q pre-bound to it", claim, pvc.Spec.VolumeName, pv.Name)
				}
			} else if len(staticPV) > 0 {
				e.t.Errorf("claim %s has no static volume although the output has static volumes", claim)
			} else if got := p.Provisioned(e.NS, claim); got == "" || got != pvc.Spec.VolumeName {
				e.t.Errorf("claim %s bound to %q, want the volume provisioned for it (%q)", claim, pvc.Spec.VolumeName, got)
			}
			var pv corev1.PersistentVolume
			if err := e.c.API.Get("/api/v1/persistentvolumes/"+pvc.Spec.VolumeName, &pv); err != nil {
				e.t.Errorf("volume of %s: %v", claim, err)
				continue
			}
			if pv.Spec.StorageClassName != wantClass {
				e.t.Errorf("volume %s has class %q, want %q", pv.Name, pv.Spec.StorageClassName, wantClass)
			}
			if pv.Spec.PersistentVolumeReclaimPolicy != wantReclaim {
				e.t.Errorf("volume %s has reclaim policy %s, want %s", pv.Name, pv.Spec.PersistentVolumeReclaimPolicy, wantReclaim)
			}
			if sc, ok := classes[class]; ok && sc.ReclaimPolicy != nil && *sc.ReclaimPolicy != wantReclaim {
				e.t.Errorf("StorageClass %s has reclaim policy %s, want %s", class, *sc.ReclaimPolicy, wantReclaim)
			}
			if pv.Spec.ClaimRef == nil || pv.Spec.ClaimRef.UID != pvc.UID {
				e.t.Errorf("volume %s claimRef %+v does not point at claim %s (uid %s)", pv.Name, pv.Spec.ClaimRef, claim, pvc.UID)
			}
			if ok, why := volumeFitsNode(pv, e.c.node(pod.Spec.NodeName)); !ok {
				e.t.Errorf("member %s runs on %s, but its volume %s %s", pod.Name, pod.Spec.NodeName, pv.Name, why)
			}
		}
	}
}

func mountsClaim(pod corev1.Pod, volume, claim string) bool {
	for _, v := range pod.Spec.Volumes {
		if v.Name == volume && v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName == claim {
			return true
		}
	}
	return false
}

func (c *Cluster) node(name string) corev1.Node {
	c.t.Helper()
	var n corev1.Node
	if err := c.API.Get("/api/v1/nodes/"+name, &n); err != nil {
		c.t.Fatal(err)
	}
	return n
}

func volumeFitsNode(pv corev1.PersistentVolume, node corev1.Node) (bool, string) {
	if pv.Spec.NodeAffinity == nil || pv.Spec.NodeAffinity.Required == nil {
		return true, ""
	}
	for _, term := range pv.Spec.NodeAffinity.Required.NodeSelectorTerms {
		if termMatches(term, node.Labels) {
			return true, ""
		}
	}
	return false, fmt.Sprintf("is pinned elsewhere: %+v", pv.Spec.NodeAffinity.Required.NodeSelectorTerms)
}

func termMatches(term corev1.NodeSelectorTerm, l map[string]string) bool {
	for _, r := range term.MatchExpressions {
		v, has := l[r.Key]
		in := false
		for _, x := range r.Values {
			in = in || x == v
		}
		switch r.Operator {
		case corev1.NodeSelectorOpIn:
			if !has || !in {
				return false
			}
		case corev1.NodeSelectorOpNotIn:
			if has && in {
				return false
			}
		case corev1.NodeSelectorOpExists:
			if !has {
				return false
			}
		case corev1.NodeSelectorOpDoesNotExist:
			if has {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// CheckPodDeletionKeepsVolume deletes member i and asserts that its
// claims and volumes survive, and that the replacement pod mounts the
// same claims once it is Ready.
func (e *Ensemble) CheckPodDeletionKeepsVolume(i int) {
	e.t.Helper()
	name := fmt.Sprintf("%s-%d", e.STS.Name, i)
	type held struct{ claimUID, volume string }
	before := map[string]held{}
	for _, tmpl := range e.STS.Spec.VolumeClaimTemplates {
		claim := tmpl.Name + "-" + name
		var pvc corev1.PersistentVolumeClaim
		if err := e.c.API.Get("/api/v1/namespaces/"+e.NS+"/persistentvolumeclaims/"+claim, &pvc); err != nil {
			e.t.Fatal(err)
		}
		before[claim] = held{string(pvc.UID), pvc.Spec.VolumeName}
	}
	if len(before) == 0 {
		e.t.Fatalf("StatefulSet %s has no volumeClaimTemplates: members would lose their data", e.STS.Name)
	}
	var old corev1.Pod
	podPath := "/api/v1/namespaces/" + e.NS + "/pods/" + name
	if err := e.c.API.Get(podPath, &old); err != nil {
		e.t.Fatal(err)
	}
	if err := e.c.API.Delete(podPath); err != nil {
		e.t.Fatalf("delete pod %s: %v", name, err)
	}
	e.c.Eventually(60*time.Second, "member "+name+" replaced and Ready", func() (bool, string) {
		var p corev1.Pod
		if err := e.c.API.Get(podPath, &p); err != nil {
			return false, err.Error()
		}
		return p.UID != old.UID && PodReady(p), fmt.Sprintf("uid %s (old %s) ready=%v", p.UID, old.UID, PodReady(p))
	})
	for claim, h := range before {
		var pvc corev1.PersistentVolumeClaim
		if err := e.c.API.Get("/api/v1/namespaces/"+e.NS+"/persistentvolumeclaims/"+claim, &pvc); err != nil {
			e.t.Errorf("claim %s after deleting %s: %v", claim, name, err)
			continue
		}
		if string(pvc.UID) != h.claimUID || pvc.Spec.VolumeName != h.volume || pvc.Status.Phase != corev1.ClaimBound {
			e.t.Errorf("claim %s changed when %s was deleted: uid %s->%s volume %s->%s phase %s",
				claim, name, h.claimUID, pvc.UID, h.volume, pvc.Spec.VolumeName, pvc.Status.Phase)
		}
		var pv corev1.PersistentVolume
		if err := e.c.API.Get("/api/v1/persistentvolumes/"+h.volume, &pv); err != nil {
			e.t.Errorf("volume %s after deleting %s: %v", h.volume, name, err)
		} else if pv.Status.Phase != corev1.VolumeBound {
			e.t.Errorf("volume %s is %s after deleting %s, want Bound", h.volume, pv.Status.Phase, name)
		}
	}
	var p corev1.Pod
	if err := e.c.API.Get(podPath, &p); err != nil {
		e.t.Fatal(err)
	}
	for claim := range before {
		tmpl := strings.TrimSuffix(claim, "-"+name)
		if !mountsClaim(p, tmpl, claim) {
			e.t.Errorf("replacement %s does not mount %s", name, claim)
		}
	}
}

// PDB returns the rendered PodDisruptionBudget after checking that it
// selects exactly the live members.
func (e *Ensemble) PDB() policyv1.PodDisruptionBudget {
	e.t.Helper()
	var pdb policyv1.PodDisruptionBudget
	e.M.One(e.t, "PodDisruptionBudget", &pdb)
	sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
	if err != nil {
		e.t.Fatalf("PDB selector: %v", err)
	}
	if got, want := podNames(e.c.Pods(e.NS, sel.String())), podNames(e.Pods()); !equal(got, want) {
		e.t.Errorf("PodDisruptionBudget %s selects %v, want the members %v", pdb.Name, got, want)
	}
	return pdb
}

// WaitPDB waits until the disruption controller reports the budget.
func (e *Ensemble) WaitPDB(name string, healthy, allowed int32) {
	e.t.Helper()
	e.c.Eventually(60*time.Second, fmt.Sprintf("PDB %s healthy=%d allowed=%d", name, healthy, allowed), func() (bool, string) {
		var live policyv1.PodDisruptionBudget
		if err := e.c.API.Get("/apis/policy/v1/namespaces/"+e.NS+"/poddisruptionbudgets/"+name, &live); err != nil {
			return false, err.Error()
		}
		s := live.Status
		return s.ObservedGeneration == live.Generation && s.CurrentHealthy == healthy && s.DisruptionsAllowed == allowed,
			fmt.Sprintf("expected=%d healthy=%d desired=%d allowed=%d", s.ExpectedPods, s.CurrentHealthy, s.DesiredHealthy, s.DisruptionsAllowed)
	})
}

// Evict asks the eviction API to evict a pod.
func (e *Ensemble) Evict(pod string) error {
	ev := policyv1.Eviction{
		TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "Eviction"},
		ObjectMeta: metav1.ObjectMeta{Name: pod, Namespace: e.NS},
	}
	return e.c.API.Create("/api/v1/namespaces/"+e.NS+"/pods/"+pod+"/eviction", ev, nil)
}

// SetSchedulable cordons or uncordons every node.
func (c *Cluster) SetSchedulable(ok bool) {
	c.t.Helper()
	var l corev1.NodeList
	if err := c.API.Get("/api/v1/nodes", &l); err != nil {
		c.t.Fatal(err)
	}
	for _, n := range l.Items {
		if err := c.API.MergePatch("/api/v1/nodes/"+n.Name, map[string]any{"spec": map[string]any{"unschedulable": !ok}}); err != nil {
			c.t.Fatal(err)
		}
	}
}

// NetworkPolicies asserts that every NetworkPolicy selects exactly the
// live members (and not an unrelated pod in the namespace), that the
// ports it opens are ports the members declare, and that the members may
// reach each other on the quorum and election ports.
func (e *Ensemble) CheckNetworkPolicies(decoy string) {
	e.t.Helper()
	pols := e.M.All("NetworkPolicy")
	if len(pols) == 0 {
		e.t.Fatalf("rendered output has no NetworkPolicy")
	}
	members := e.Pods()
	all := e.c.Pods(e.NS, "")
	names := podNames(members)
	declared := map[string]int32{}
	for _, c := range e.STS.Spec.Template.Spec.Containers {
		for _, p := range c.Ports {
			declared[p.Name] = p.ContainerPort
		}
	}
	peerPorts := map[int32]bool{}   // ingress from every member
	egressPorts := map[int32]bool{} // egress to every member
	egress, dns := false, false
	for _, o := range pols {
		var np networkingv1.NetworkPolicy
		o.Decode(e.t, &np)
		sel, err := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector)
		if err != nil {
			e.t.Fatalf("NetworkPolicy %s podSelector: %v", np.Name, err)
		}
		var got []string
		for _, p := range all {
			if sel.Matches(labels.Set(p.Labels)) {
				got = append(got, p.Name)
			}
		}
		sort.Strings(got)
		if !equal(got, names) {
			e.t.Errorf("NetworkPolicy %s selects %v (decoy %s present), want exactly the members %v", np.Name, got, decoy, names)
		}
		for _, rule := range np.Spec.Ingress {
			ports := e.resolvePorts(np.Name, rule.Ports, declared)
			if e.peersIncludeMembers(np.Name, rule.From, members) {
				for _, p := range ports {
					peerPorts[p] = true
				}
			}
		}
		for _, t := range np.Spec.PolicyTypes {
			egress = egress || t == networkingv1.PolicyTypeEgress
		}
		for _, rule := range np.Spec.Egress {
			var ports []int32
			for _, p := range rule.Ports {
				if p.Port != nil && p.Port.Type == intstr.Int {
					ports = append(ports, p.Port.IntVal)
					dns = dns || (p.Port.IntVal == 53 && p.Protocol != nil && *p.Protocol == corev1.ProtocolUDP)
				}
			}
			if e.peersIncludeMembers(np.Name, rule.To, members) {
				for _, p := range ports {
					egressPorts[p] = true
				}
			}
		}
	}
	for _, name := range []string{"tcp-quorum", "tcp-election"} {
		p, ok := declared[name]
		if !ok {
			e.t.Errorf("the members declare no %s port", name)
			continue
		}
		if !peerPorts[p] {
			e.t.Errorf("no NetworkPolicy ingress rule lets the members reach each other on %s (%d)", name, p)
		}
		if egress && !egressPorts[p] {
			e.t.Errorf("egress is restricted but no rule lets the members reach each other on %s (%d)", name, p)
		}
	}
	if egress && !dns {
		e.t.Errorf("egress is restricted but DNS (UDP 53) is not allowed: members resolve their peers' hostnames")
	}
}

// peersIncludeMembers reports whether a rule's peers (same-namespace pod
// selectors) select every member. An empty peer list allows everyone.
func (e *Ensemble) peersIncludeMembers(policy string, peers []networkingv1.NetworkPolicyPeer, members []corev1.Pod) bool {
	if len(peers) == 0 {
		return true
	}
	for _, peer := range peers {
		if peer.PodSelector == nil || peer.NamespaceSelector != nil || peer.IPBlock != nil {
			continue
		}
		ps, err := metav1.LabelSelectorAsSelector(peer.PodSelector)
		if err != nil {
			e.t.Errorf("NetworkPolicy %s peer selector: %v", policy, err)
			continue
		}
		all := true
		for _, m := range members {
			all = all && ps.Matches(labels.Set(m.Labels))
		}
		if all {
			return true
		}
	}
	return false
}

func (e *Ensemble) resolvePorts(policy string, ports []networkingv1.NetworkPolicyPort, declared map[string]int32) []int32 {
	var out []int32
	for _, p := range ports {
		if p.Port == nil {
			continue
		}
		if p.Port.Type == intstr.String {
			n, ok := declared[p.Port.StrVal]
			if !ok {
				e.t.Errorf("NetworkPolicy %s names port %q, which the members do not declare", policy, p.Port.StrVal)
				continue
			}
			out = append(out, n)
			continue
		}
		found := false
		for _, n := range declared {
			found = found || n == p.Port.IntVal
		}
		if !found {
			e.t.Errorf("NetworkPolicy %s opens port %d, which the members do not declare", policy, p.Port.IntVal)
		}
		out = append(out, p.Port.IntVal)
	}
	return out
}

// CreateDecoy creates a restricted-compliant pod in the namespace that is
// not a member, to prove selectors do not over-match.
func (c *Cluster) CreateDecoy(ns string) string {
	c.t.Helper()
	f := false
	tr := true
	uid := int64(1000)
	pod := corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: "decoy-client", Namespace: ns, Labels: map[string]string{"app.kubernetes.io/name": "zookeeper-client"}},
		Spec: corev1.PodSpec{
			AutomountServiceAccountToken: &f,
			SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: &tr, RunAsUser: &uid,
				SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
			Containers: []corev1.Container{{
				Name: "client", Image: "zookeeper:3.9.6", Command: []string{"sleep", "infinity"},
				SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: &f,
					Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}},
			}},
		},
	}
	if err := c.API.Create("/api/v1/namespaces/"+ns+"/pods", pod, nil); err != nil {
		c.t.Fatalf("create decoy pod: %v", err)
	}
	return pod.Name
}

// discoveryList is the part of an EndpointSliceList the checks read.
type discoveryList struct {
	Items []struct {
		Endpoints []struct {
			TargetRef *corev1.ObjectReference `json:"targetRef"`
		} `json:"endpoints"`
	} `json:"items"`
}

func podNames(pods []corev1.Pod) []string {
	var out []string
	for _, p := range pods {
		out = append(out, p.Name)
	}
	sort.Strings(out)
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// CheckPDBBlocksSecondEviction drains the way `kubectl drain` does, with
// every member Ready: it cordons every node, evicts member 0 through the
// eviction API (allowed), waits until that member is down (its
// replacement cannot schedule) and the budget says so, and then asserts
// that evicting member 1 is refused with 429 and leaves it running.
// After uncordoning and recovery, the same eviction is allowed, which
// shows the refusal came from the budget.
func (e *Ensemble) CheckPDBBlocksSecondEviction() {
	e.t.Helper()
	pdb := e.PDB()
	n := int32(e.Replicas())
	e.WaitPDB(pdb.Name, n, 1)
	first, second := e.STS.Name+"-0", e.STS.Name+"-1"
	e.c.SetSchedulable(false)
	uncordoned := false
	defer func() {
		if !uncordoned {
			e.c.SetSchedulable(true)
		}
	}()
	if err := e.Evict(first); err != nil {
		e.t.Fatalf("evicting %s with every member Ready: %v; want it allowed (maxUnavailable 1)", first, err)
	}
	e.c.Eventually(60*time.Second, first+" evicted and its replacement unschedulable", func() (bool, string) {
		var p corev1.Pod
		err := e.c.API.Get("/api/v1/namespaces/"+e.NS+"/pods/"+first, &p)
		if err != nil {
			return IsStatus(err, 404), err.Error()
		}
		return Unschedulable(p) != "", fmt.Sprintf("phase %s node %q", p.Status.Phase, p.Spec.NodeName)
	})
	e.WaitPDB(pdb.Name, n-1, 0)
	err := e.Evict(second)
	if !IsStatus(err, 429) {
		e.t.Fatalf("evicting %s while %s is down: %v; want 429 Too Many Requests from the disruption budget", second, first, err)
	}
	e.t.Logf("with %s down, evicting %s was refused: %v", first, second, err)
	var p corev1.Pod
	if err := e.c.API.Get("/api/v1/namespaces/"+e.NS+"/pods/"+second, &p); err != nil || p.DeletionTimestamp != nil || !PodReady(p) {
		e.t.Errorf("%s after the refused eviction: err=%v deleting=%v ready=%v; want it untouched", second, err, p.DeletionTimestamp != nil, PodReady(p))
	}
	e.c.SetSchedulable(true)
	uncordoned = true
	e.WaitReady(e.Replicas())
	e.WaitPDB(pdb.Name, n, 1)
	if err := e.Evict(second); err != nil {
		e.t.Errorf("evicting %s once every member is back: %v; want it allowed", second, err)
	}
	e.c.Eventually(60*time.Second, second+" replaced", func() (bool, string) {
		var q corev1.Pod
		if err := e.c.API.Get("/api/v1/namespaces/"+e.NS+"/pods/"+second, &q); err != nil {
			return false, err.Error()
		}
		return q.UID != p.UID, "still the old pod"
	})
	e.WaitReady(e.Replicas())
	e.WaitPDB(pdb.Name, n, 1)
}
