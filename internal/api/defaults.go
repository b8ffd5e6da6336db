package api

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// Defaults that are not obvious from the field's documentation.
const (
	// DefaultImage is the official image. Its Dockerfile (docker-library
	// "zookeeper", 3.9.6/Dockerfile) builds on eclipse-temurin:17-jre-jammy,
	// installs bash and netcat, puts zkServer.sh on PATH, sets
	// ZOOCFGDIR=/conf and creates user zookeeper with uid/gid 1000: the
	// rendered scripts and the security context rely on exactly that.
	DefaultImage         = "zookeeper:3.9.6"
	DefaultClusterDomain = "cluster.local"
	DefaultReplicas      = int32(3)
	DefaultTopologyKey   = "kubernetes.io/hostname"
	DefaultZoneKey       = "topology.kubernetes.io/zone"
	// HeapPercent of the memory limit goes to the heap when the heap is not
	// set: the rest covers metaspace, thread stacks and Netty's direct buffers.
	HeapPercent = 75
	// DefaultPurgeIntervalHours is autopurge.purgeInterval.
	DefaultPurgeIntervalHours = 1
)

// DefaultFourLetterWords are whitelisted unless the user lists their own;
// ProbeFourLetterWords are always added because the probes use them.
var (
	DefaultFourLetterWords = []string{"srvr", "ruok", "mntr", "conf", "stat"}
	ProbeFourLetterWords   = []string{"srvr", "ruok"}
)

// Default fills every unset field. It never overrides what the user set.
func (z *ZookeeperSpec) Default() error {
	s := &z.Spec
	setInt32(&s.Replicas, DefaultReplicas)
	setString(&s.Image, DefaultImage)
	if s.ImagePullPolicy == "" {
		s.ImagePullPolicy = corev1.PullIfNotPresent
	}
	if s.ClusterDomain == "" {
		s.ClusterDomain = DefaultClusterDomain
	}
	setResources(&s.Resources, "500m", "1Gi", "1Gi")
	s.Storage.defaults()
	s.Placement.defaults()
	s.ZooKeeper.defaults()
	setBool(&s.NetworkPolicy.Enabled, true)
	s.Monitoring.defaults()
	s.Backup.defaults(z.Namespace, z.Name)
	s.defaultSecurity()
	return nil
}

func (st *Storage) defaults() {
	if st.Size == nil {
		q := resource.MustParse("10Gi")
		st.Size = &q
	}
	if st.AccessMode == "" {
		st.AccessMode = corev1.ReadWriteOnce
	}
	if st.ReclaimPolicy == "" {
		st.ReclaimPolicy = corev1.PersistentVolumeReclaimRetain
	}
	if st.DataLog != nil {
		if st.DataLog.Size == nil {
			q := resource.MustParse("10Gi")
			st.DataLog.Size = &q
		}
		setString(&st.DataLog.ClassName, st.ClassName)
	}
	if st.RetentionPolicy == nil {
		st.RetentionPolicy = &RetentionPolicy{}
	}
	// Retain on both: a ZooKeeper volume holds the only copy of a member's
	// state. Deleting the StatefulSet or scaling down must never delete it;
	// reclaiming is an explicit, separate act.
	setString(&st.RetentionPolicy.WhenDeleted, "Retain")
	setString(&st.RetentionPolicy.WhenScaled, "Retain")
	if sc := st.StorageClass; sc != nil {
		setString(&sc.VolumeBindingMode, "WaitForFirstConsumer")
		setBool(&sc.AllowVolumeExpansion, true)
	}
}

func (p *Placement) defaults() {
	setString(&p.AntiAffinity, AntiAffinityPreferred)
	setString(&p.TopologyKey, DefaultTopologyKey)
	setString(&p.ZoneSpread, AntiAffinityNone)
	setString(&p.ZoneTopologyKey, DefaultZoneKey)
}

func (zk *ZooKeeper) defaults() {
	setInt32(&zk.TickTime, 2000)
	setInt32(&zk.InitLimit, 10)
	setInt32(&zk.SyncLimit, 5)
	setInt32(&zk.MaxClientCnxns, 60)
	if zk.Autopurge == nil {
		zk.Autopurge = &Autopurge{}
	}
	setInt32(&zk.Autopurge.SnapRetainCount, 5)
	// Every hour: a busy ensemble writes a snapshot every snapCount
	// transactions, and with a daily purge a day of snapshots and logs
	// piles up on the data volume before the first purge (a full volume
	// stops the member). Purging keeps the newest snapRetainCount and is
	// cheap, so running it hourly costs nothing.
	setInt32(&zk.Autopurge.PurgeInterval, DefaultPurgeIntervalHours)
	setBool(&zk.ReadOnlyMode, false)
	if len(zk.FourLetterWords) == 0 {
		zk.FourLetterWords = append([]string(nil), DefaultFourLetterWords...)
	}
	for _, w := range ProbeFourLetterWords {
		if !contains(zk.FourLetterWords, w) {
			zk.FourLetterWords = append(zk.FourLetterWords, w)
		}
	}
	if zk.AdminServer == nil {
		zk.AdminServer = &AdminServer{}
	}
	setBool(&zk.AdminServer.Enabled, true)
	setInt32(&zk.AdminServer.Port, 8080)
	if zk.Metrics == nil {
		zk.Metrics = &Metrics{}
	}
	setBool(&zk.Metrics.Enabled, true)
	setInt32(&zk.Metrics.Port, 7000)
}

// HeapMiB is the -Xmx value in MiB: the explicit heap, or HeapPercent of
// the memory limit (or request). Validation refuses a spec where it is
// below MinHeapMiB, so a valid spec never leaves the JVM on the image's
// default heap.
func (s *Spec) HeapMiB() int64 {
	if s.JVM.Heap != nil {
		return s.JVM.Heap.Value() / (1 << 20)
	}
	if m := s.memoryBudget(); m != nil {
		return m.Value() * HeapPercent / 100 / (1 << 20)
	}
	return 0
}

// memoryBudget is the memory limit, or the request when there is no limit.
func (s *Spec) memoryBudget() *resource.Quantity {
	if q, ok := s.Resources.Limits[corev1.ResourceMemory]; ok {
		return &q
	}
	if q, ok := s.Resources.Requests[corev1.ResourceMemory]; ok {
		return &q
	}
	return nil
}

func setInt32(p **int32, v int32) {
	if *p == nil {
		*p = &v
	}
}

func setBool(p **bool, v bool) {
	if *p == nil {
		*p = &v
	}
}

func setString(p *string, v string) {
	if *p == "" {
		*p = v
	}
}

// setResources fills requirements given neither requests nor limits:
// CPU and memory requests and a memory limit, never a CPU limit, since
// CFS throttling stalls the JVM's GC and heartbeats, which ZooKeeper
// reads as a dead member.
func setResources(r *corev1.ResourceRequirements, cpu, memory, memoryLimit string) {
	if len(r.Requests) > 0 || len(r.Limits) > 0 {
		return
	}
	r.Requests = corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse(cpu),
		corev1.ResourceMemory: resource.MustParse(memory),
	}
	r.Limits = corev1.ResourceList{corev1.ResourceMemory: resource.MustParse(memoryLimit)}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
