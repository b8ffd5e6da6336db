package api

import (
	"fmt"
	"path"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/zookeeper-fn/zookeeper-fn/internal/membership"
)

// Limits on the ensemble.
const (
	// MaxReplicas bounds the ensemble: every write waits for a majority,
	// so latency grows with size, and 11 members already survive 5 failures.
	MaxReplicas = 11
	// MaxNameLength keeps every derived name legal: pods are <name>-<ordinal>
	// and the StatefulSet's controller-revision-hash label is
	// <name>-<10 characters>, which must fit in a 63-character label value.
	MaxNameLength = 52
)

// Validate checks a defaulted spec. It returns every problem at once, so a
// user fixes their spec in one pass.
func (z *ZookeeperSpec) Validate() error {
	ps := z.Check()
	if ps.HasErrors() {
		return ps
	}
	return nil
}

// Check returns every error and warning for a defaulted spec.
func (z *ZookeeperSpec) Check() Problems {
	var ps Problems
	z.checkMeta(&ps)
	s := &z.Spec
	m, ok := z.TryMembership()
	s.checkReplicas(&ps, m, ok)
	z.checkObservers(&ps)
	s.checkImage(&ps)
	s.checkPodSettings(&ps)
	z.checkCarried(&ps)
	s.checkClientService(&ps)
	s.checkProbes(&ps)
	s.checkLogging(&ps)
	s.checkExtras(&ps)
	s.Placement.checkCustom(&ps)
	s.checkResources(&ps)
	members := s.members() // out of bounds: reported above, and still compared
	if ok {
		members = int32(len(m.Members))
	}
	s.Storage.check(&ps, members)
	s.Placement.check(&ps)
	s.ZooKeeper.check(&ps)
	z.checkHostile(&ps, m, ok)
	z.checkRisks(&ps)
	s.checkMonitoring(&ps)
	s.checkBackup(&ps)
	s.checkEdges(&ps)
	s.Membership.check(&ps)
	s.checkSecurity(&ps)
	z.checkDynamicSecurity(&ps)
	if errs := validation.IsDNS1123Subdomain(s.ClusterDomain); len(errs) > 0 {
		ps.errorf("spec.clusterDomain", "%q is not a DNS domain (%s); use the cluster's domain, usually cluster.local", s.ClusterDomain, errs[0])
	}
	return ps
}

func (z *ZookeeperSpec) checkMeta(ps *Problems) {
	name := z.Name
	switch {
	case name == "":
		ps.errorf("metadata.name", "is required: the name of the StatefulSet, Services and every other object of the ensemble")
	case len(name) > MaxNameLength:
		ps.errorf("metadata.name", "%q is %d characters; at most %d fit (pod names and the StatefulSet's revision label are derived from it and must stay within 63): use a shorter name or namePrefix", clip(name), len(name), MaxNameLength)
	default:
		if errs := validation.IsDNS1123Label(name); len(errs) > 0 {
			ps.errorf("metadata.name", "%q is not a DNS label (%s): it becomes the members' hostnames; use lower-case letters, digits and '-', e.g. zk", clip(name), errs[0])
		}
	}
	if ns := z.Namespace; ns != "" {
		if errs := validation.IsDNS1123Label(ns); len(errs) > 0 {
			ps.errorf("metadata.namespace", "%q is not a valid namespace (%s); use lower-case letters, digits and '-'", clip(ns), errs[0])
		}
	} else {
		ps.warnf("metadata.namespace", "is not set: the server.X hostnames assume namespace \"default\"; set the namespace (or kustomize's namespace field) to where the ensemble runs")
	}
}

// checkReplicas: the size must be within bounds (ok reports it) and the
// voters odd.
func (s *Spec) checkReplicas(ps *Problems, m membership.Membership, ok bool) {
	n := *s.Replicas
	switch {
	case n < 1:
		ps.errorf("spec.replicas", "is %d; an ensemble needs at least 1 member: use 3 (tolerates 1 failure) or 5 (tolerates 2)", n)
	case n > MaxReplicas:
		ps.errorf("spec.replicas", "is %d; at most %d are supported: every write waits for a majority, so larger ensembles only get slower; use 5 or 7", n, MaxReplicas)
	case ok && m.Voters()%2 == 0:
		v := m.Voters()
		ps.errorf("spec.replicas", "is %d, an even number: a majority of %d is %d, so it tolerates no more failures than %d members and adds write latency; use %d or %d", v, v, m.Majority(), v-1, v-1, v+1)
	}
}

func (s *Spec) checkImage(ps *Problems) {
	if strings.TrimSpace(s.Image) == "" || strings.ContainsAny(s.Image, " \t\n") {
		ps.errorf("spec.image", "%q is not an image reference; use e.g. %s", s.Image, DefaultImage)
	}
	switch s.ImagePullPolicy {
	case corev1.PullAlways, corev1.PullIfNotPresent, corev1.PullNever:
	default:
		ps.errorf("spec.imagePullPolicy", "%q is not a pull policy; use Always, IfNotPresent or Never", s.ImagePullPolicy)
	}
}

func (s *Spec) checkResources(ps *Problems) {
	r := s.Resources
	for _, kind := range []struct {
		name string
		list corev1.ResourceList
	}{{"requests", r.Requests}, {"limits", r.Limits}} {
		for res, q := range kind.list {
			if q.Sign() < 0 {
				ps.errorf(fmt.Sprintf("spec.resources.%s.%s", kind.name, res), "%s is negative; use a positive quantity", q.String())
			}
		}
	}
	for res, limit := range r.Limits {
		if req, ok := r.Requests[res]; ok && req.Cmp(limit) > 0 {
			ps.errorf(fmt.Sprintf("spec.resources.requests.%s", res), "%s is above the limit %s; the API server rejects requests above limits: raise the limit or lower the request", req.String(), limit.String())
		}
	}
	if _, ok := r.Limits[corev1.ResourceMemory]; !ok && r.Requests.Memory().Sign() > 0 {
		ps.warnf("spec.resources.limits.memory", "is not set: without a memory limit the heap is sized from the request and a leak can take the node's memory; set a memory limit")
	}
	s.checkHeap(ps)
	s.checkFlags(ps)
}

func (st *Storage) check(ps *Problems, members int32) {
	checkSize(ps, "spec.storage.size", st.Size)
	if st.ClassName != "" {
		if errs := validation.IsDNS1123Subdomain(st.ClassName); len(errs) > 0 {
			ps.errorf("spec.storage.className", "%q is not a valid StorageClass name (%s); use lower-case letters, digits, '-' and '.', e.g. fast-ssd", clip(st.ClassName), errs[0])
		}
	}
	switch st.AccessMode {
	case corev1.ReadWriteOnce, corev1.ReadWriteOncePod:
	default:
		ps.errorf("spec.storage.accessMode", "%q is not supported: each member needs its own volume; use ReadWriteOnce or ReadWriteOncePod", st.AccessMode)
	}
	switch st.ReclaimPolicy {
	case corev1.PersistentVolumeReclaimRetain, corev1.PersistentVolumeReclaimDelete:
	default:
		ps.errorf("spec.storage.reclaimPolicy", "%q is not supported; use Retain (keep the data when a claim is deleted) or Delete", st.ReclaimPolicy)
	}
	if st.DataLog != nil {
		checkSize(ps, "spec.storage.dataLog.size", st.DataLog.Size)
	}
	for _, f := range [][2]string{{"whenDeleted", st.RetentionPolicy.WhenDeleted}, {"whenScaled", st.RetentionPolicy.WhenScaled}} {
		if f[1] != "Retain" && f[1] != "Delete" {
			ps.errorf("spec.storage.retentionPolicy."+f[0], "%q is not supported; use Retain or Delete", f[1])
		}
	}
	if sc := st.StorageClass; sc != nil {
		if st.ClassName == "" {
			ps.errorf("spec.storage.className", "is required with spec.storage.storageClass: it names the class the function creates")
		}
		if sc.Provisioner == "" {
			ps.errorf("spec.storage.storageClass.provisioner", "is required: name the CSI driver, e.g. ebs.csi.aws.com or kubernetes.io/no-provisioner for local disks")
		}
		if sc.VolumeBindingMode != "WaitForFirstConsumer" && sc.VolumeBindingMode != "Immediate" {
			ps.errorf("spec.storage.storageClass.volumeBindingMode", "%q is not a binding mode; use WaitForFirstConsumer (binds in the zone the scheduler picks) or Immediate", sc.VolumeBindingMode)
		}
	}
	if pv := st.PersistentVolumes; pv != nil {
		pv.check(ps, st, members)
	}
}

func (pv *PersistentVolumes) check(ps *Problems, st *Storage, members int32) {
	const p = "spec.storage.persistentVolumes"
	if st.ClassName == "" {
		ps.errorf("spec.storage.className", "is required with %s: the static volumes and the claims meet on that class name", p)
	}
	if int32(len(pv.Nodes)) != members {
		ps.errorf(p+".nodes", "lists %d nodes for %d members; name one node per member in ordinal order, the voters (spec.replicas) then the observers (spec.observers)", len(pv.Nodes), members)
	}
	seen := map[string]int{}
	for i, n := range pv.Nodes {
		if j, dup := seen[n]; dup {
			ps.errorf(fmt.Sprintf("%s.nodes[%d]", p, i), "%q is also nodes[%d]: two members on one node fail together; name distinct nodes", n, j)
		}
		seen[n] = i
		if n == "" {
			ps.errorf(fmt.Sprintf("%s.nodes[%d]", p, i), "is empty; name the node's kubernetes.io/hostname")
		}
	}
	if !path.IsAbs(pv.Path) || path.Clean(pv.Path) != pv.Path {
		ps.errorf(p+".path", "%q is not a clean absolute path; use the directory of the node's disk, e.g. /mnt/disks/zookeeper", pv.Path)
	}
}

func checkSize(ps *Problems, field string, q *resource.Quantity) {
	if q != nil && q.Sign() <= 0 {
		ps.errorf(field, "%s is not a positive size; use e.g. 10Gi", q.String())
	}
}

func (p *Placement) check(ps *Problems) {
	modes := []string{AntiAffinityRequired, AntiAffinityPreferred, AntiAffinityNone}
	if !contains(modes, p.AntiAffinity) {
		ps.errorf("spec.placement.antiAffinity", "%q is not a mode; use required, preferred or none", p.AntiAffinity)
	}
	if !contains(modes, p.ZoneSpread) {
		ps.errorf("spec.placement.zoneSpread", "%q is not a mode; use required, preferred or none", p.ZoneSpread)
	}
	for _, f := range [][2]string{{"topologyKey", p.TopologyKey}, {"zoneTopologyKey", p.ZoneTopologyKey}} {
		if errs := validation.IsQualifiedName(f[1]); len(errs) > 0 {
			ps.errorf("spec.placement."+f[0], "%q is not a label key (%s); use a node label key such as kubernetes.io/hostname or topology.kubernetes.io/zone", clip(f[1]), errs[0])
		}
	}
	if p.AntiAffinity == AntiAffinityRequired && p.ZoneSpread != AntiAffinityNone && p.TopologyKey == p.ZoneTopologyKey {
		ps.errorf("spec.placement.topologyKey", "required anti-affinity on %q already puts one member per zone, which conflicts with zoneSpread on the same key; use kubernetes.io/hostname for anti-affinity or set zoneSpread to none", p.TopologyKey)
	}
	if p.PriorityClassName != "" {
		if errs := validation.IsDNS1123Subdomain(p.PriorityClassName); len(errs) > 0 {
			ps.errorf("spec.placement.priorityClassName", "%q is not a valid name (%s); name an existing PriorityClass", clip(p.PriorityClassName), errs[0])
		}
	}
}
