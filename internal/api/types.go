package api

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// Group, Version and Kind identify the resource users write.
const (
	Group   = names.Group
	Version = "v1alpha1"
	Kind    = "ZookeeperSpec"
)

// APIVersion is Group/Version as it appears in YAML.
var APIVersion = Group + "/" + Version

// ZookeeperSpec describes one ZooKeeper ensemble. The function expands it
// into every object the ensemble needs.
type ZookeeperSpec struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              Spec `json:"spec,omitempty"`
}

// Spec is the body of a ZookeeperSpec.
type Spec struct {
	// Replicas is the ensemble size: an odd number, so that a majority
	// survives the loss of (replicas-1)/2 members.
	Replicas *int32 `json:"replicas,omitempty"`
	// Observers is the number of observers: members that receive every
	// write and serve reads but do not vote, so they add read capacity
	// without adding write latency or counting towards the majority. They
	// run in a StatefulSet of their own (<name>-observer) and clients
	// reach them through the client Service or <name>-observers. 0 (the
	// default) renders none. See observers.go and docs/observers.md.
	Observers *int32 `json:"observers,omitempty"`
	// Image is the ZooKeeper image. The rendered scripts assume the
	// official image's layout (bash, zkServer.sh on PATH, uid 1000).
	Image string `json:"image,omitempty"`
	// ImagePullPolicy is the container's pull policy.
	ImagePullPolicy corev1.PullPolicy `json:"imagePullPolicy,omitempty"`
	// ImagePullSecrets are Secrets (in the ensemble's namespace) with
	// credentials for the registry of every image the function renders.
	ImagePullSecrets []corev1.LocalObjectReference `json:"imagePullSecrets,omitempty"`
	// ImageRegistry, when set, replaces the registry host of every image
	// the function renders (ZooKeeper, the backup sidecar): a private
	// mirror such as mirror.example.com or harbor.example.com/dockerhub.
	// Docker Hub short names keep their implied path: zookeeper:3.9.6
	// becomes <imageRegistry>/library/zookeeper:3.9.6.
	ImageRegistry string `json:"imageRegistry,omitempty"`
	// Pod adds labels and annotations to the member pods.
	Pod Pod `json:"pod,omitempty"`
	// ServiceAccount adds annotations to the ensemble's ServiceAccount.
	ServiceAccount ServiceAccount `json:"serviceAccount,omitempty"`
	// ClientService configures the Service clients connect through.
	ClientService ClientService `json:"clientService,omitempty"`
	// Probes tunes the probes' timings (not what they check).
	Probes Probes `json:"probes,omitempty"`
	// Logging sets the root and named loggers' levels.
	Logging Logging `json:"logging,omitempty"`
	// Extras adds environment, volumes, sidecars and init containers.
	Extras Extras `json:"extras,omitempty"`
	// PodSecurity selects OpenShift mode and the restricted opt-out.
	PodSecurity PodSecurity `json:"podSecurity,omitempty"`
	// Resources are the container's requests and limits.
	Resources corev1.ResourceRequirements `json:"resources,omitempty"`
	// JVM sets the heap and extra JVM flags.
	JVM JVM `json:"jvm,omitempty"`
	// Storage describes the data (and optional transaction-log) volumes.
	Storage Storage `json:"storage,omitempty"`
	// Placement spreads members over failure domains.
	Placement Placement `json:"placement,omitempty"`
	// ZooKeeper holds zoo.cfg settings.
	ZooKeeper ZooKeeper `json:"zookeeper,omitempty"`
	// NetworkPolicy restricts traffic to what the ensemble needs.
	NetworkPolicy NetworkPolicy `json:"networkPolicy,omitempty"`
	// ClusterDomain is the cluster's DNS domain, used in server.X hostnames.
	ClusterDomain string `json:"clusterDomain,omitempty"`
	// Monitoring configures the metrics Service, ServiceMonitor, alert
	// rules and Grafana dashboard; see docs/monitoring.md.
	Monitoring Monitoring `json:"monitoring,omitempty"`
	// Backup configures scheduled backups and restores; see docs/backup.md.
	Backup Backup `json:"backup,omitempty"`
	// Membership chooses how members join and leave (see membership.go).
	Membership Membership `json:"membership,omitempty"`
	// Security turns on TLS and authentication (see security.go).
	Security Security `json:"security,omitempty"`
}

// JVM configures the Java process.
type JVM struct {
	// Heap is the maximum heap (-Xmx), with a unit (512Mi; a bare number
	// means bytes and is refused), at least 64Mi. When empty it is 75% of
	// the memory limit (or request), leaving room for metaspace, thread
	// stacks and direct buffers inside the container's memory.
	Heap *resource.Quantity `json:"heap,omitempty"`
	// Flags are appended to the server's JVM flags, one flag per entry;
	// flags that set the heap or a ZooKeeper property are refused.
	Flags []string `json:"flags,omitempty"`
}

// Storage describes the member volumes.
type Storage struct {
	// ClassName is the StorageClass of the claims; empty means the
	// cluster's default class.
	ClassName string `json:"className,omitempty"`
	// Size of each member's data volume.
	Size *resource.Quantity `json:"size,omitempty"`
	// AccessMode of the claims: ReadWriteOnce or ReadWriteOncePod.
	AccessMode corev1.PersistentVolumeAccessMode `json:"accessMode,omitempty"`
	// ReclaimPolicy of the volumes the function creates (the StorageClass
	// and static PersistentVolumes): Retain or Delete.
	ReclaimPolicy corev1.PersistentVolumeReclaimPolicy `json:"reclaimPolicy,omitempty"`
	// DataLog, when set, gives the transaction log its own volume
	// (dataLogDir), the admin guide's main performance advice.
	DataLog *DataLogVolume `json:"dataLog,omitempty"`
	// RetentionPolicy is the StatefulSet's PVC retention policy.
	RetentionPolicy *RetentionPolicy `json:"retentionPolicy,omitempty"`
	// StorageClass, when set, makes the function create the class.
	StorageClass *StorageClass `json:"storageClass,omitempty"`
	// PersistentVolumes, when set, makes the function create one static
	// local volume per member, pre-bound to the member's claim.
	PersistentVolumes *PersistentVolumes `json:"persistentVolumes,omitempty"`
}

// DataLogVolume is the separate transaction-log volume.
type DataLogVolume struct {
	// Size of each member's transaction-log volume.
	Size *resource.Quantity `json:"size,omitempty"`
	// ClassName defaults to storage.className.
	ClassName string `json:"className,omitempty"`
}

// RetentionPolicy mirrors StatefulSetPersistentVolumeClaimRetentionPolicy
// with Retain/Delete values.
type RetentionPolicy struct {
	// WhenDeleted: what happens to the claims when the StatefulSet is
	// deleted. Retain by default: the volumes hold the only copy of a
	// member's state.
	WhenDeleted string `json:"whenDeleted,omitempty"`
	// WhenScaled: what happens to a removed member's claims on scale-down.
	// Retain by default, so scaling back up finds the data again.
	WhenScaled string `json:"whenScaled,omitempty"`
}

// StorageClass is the class the function creates when asked.
type StorageClass struct {
	// Provisioner is the CSI driver (or kubernetes.io/no-provisioner).
	Provisioner string `json:"provisioner,omitempty"`
	// Parameters are passed to the provisioner.
	Parameters map[string]string `json:"parameters,omitempty"`
	// VolumeBindingMode: WaitForFirstConsumer (default) creates each
	// volume in the zone the scheduler picked for the member.
	VolumeBindingMode string `json:"volumeBindingMode,omitempty"`
	// AllowVolumeExpansion lets claims grow in place (default true).
	AllowVolumeExpansion *bool `json:"allowVolumeExpansion,omitempty"`
	// MountOptions of the volumes.
	MountOptions []string `json:"mountOptions,omitempty"`
}

// PersistentVolumes are static local volumes, one per member.
type PersistentVolumes struct {
	// Nodes names the node (kubernetes.io/hostname) that holds member i's
	// disk; one entry per replica, all different.
	Nodes []string `json:"nodes,omitempty"`
	// Path is the directory on each node; member volumes live in
	// <path>/data and <path>/datalog.
	Path string `json:"path,omitempty"`
}

// Anti-affinity modes.
const (
	AntiAffinityRequired  = "required"
	AntiAffinityPreferred = "preferred"
	AntiAffinityNone      = "none"
)

// Placement controls where members run.
type Placement struct {
	// AntiAffinity keeps members off the same topology domain:
	// required, preferred or none.
	AntiAffinity string `json:"antiAffinity,omitempty"`
	// TopologyKey is the domain for anti-affinity (kubernetes.io/hostname).
	TopologyKey string `json:"topologyKey,omitempty"`
	// ZoneSpread spreads members evenly over zones: required, preferred or none.
	ZoneSpread string `json:"zoneSpread,omitempty"`
	// ZoneTopologyKey is the zone label (topology.kubernetes.io/zone).
	ZoneTopologyKey string `json:"zoneTopologyKey,omitempty"`
	// NodeSelector restricts members to matching nodes.
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`
	// Tolerations let members run on tainted (dedicated) nodes.
	Tolerations []corev1.Toleration `json:"tolerations,omitempty"`
	// PriorityClassName of the member pods.
	PriorityClassName string `json:"priorityClassName,omitempty"`
	// Affinity adds node affinity, pod affinity and pod anti-affinity terms
	// to the preset's; the preset's terms are kept. A pod (anti-)affinity
	// term without a labelSelector selects the ensemble's members.
	Affinity *corev1.Affinity `json:"affinity,omitempty"`
	// TopologySpreadConstraints are added to zoneSpread's; one without a
	// labelSelector spreads the ensemble's members.
	TopologySpreadConstraints []corev1.TopologySpreadConstraint `json:"topologySpreadConstraints,omitempty"`
}

// ZooKeeper holds the zoo.cfg settings the function manages.
type ZooKeeper struct {
	// TickTime is ZooKeeper's basic time unit in milliseconds.
	TickTime *int32 `json:"tickTime,omitempty"`
	// InitLimit is how many ticks a follower may take to connect and sync
	// to the leader; raise it for large snapshots.
	InitLimit *int32 `json:"initLimit,omitempty"`
	// SyncLimit is how many ticks a follower may lag behind the leader.
	SyncLimit *int32 `json:"syncLimit,omitempty"`
	// MaxClientCnxns limits connections per client IP (0: unlimited).
	MaxClientCnxns *int32 `json:"maxClientCnxns,omitempty"`
	// Autopurge keeps the newest snapshots and purges the rest.
	Autopurge *Autopurge `json:"autopurge,omitempty"`
	// ReadOnlyMode lets a member cut off from the quorum serve reads to
	// clients that ask for read-only sessions.
	ReadOnlyMode *bool `json:"readOnlyMode,omitempty"`
	// FourLetterWords is the 4lw whitelist; srvr and ruok, which the
	// probes use, are always added.
	FourLetterWords []string `json:"fourLetterWords,omitempty"`
	// AdminServer is ZooKeeper's embedded HTTP admin server.
	AdminServer *AdminServer `json:"adminServer,omitempty"`
	// Metrics is ZooKeeper's Prometheus metrics provider.
	Metrics *Metrics `json:"metrics,omitempty"`
	// Config holds further ZooKeeper properties by their admin-guide name
	// (forceSync, snapCount, jute.maxbuffer, ...), each checked against its
	// type and range and written where ZooKeeper reads it: zoo.cfg or a -D
	// JVM flag. docs/zookeeper-properties.md lists every accepted and
	// refused property.
	Config map[string]string `json:"config,omitempty"`
}

// Autopurge keeps the newest snapshots and purges the rest.
type Autopurge struct {
	// SnapRetainCount is how many snapshots (and their logs) to keep; at
	// least 3.
	SnapRetainCount *int32 `json:"snapRetainCount,omitempty"`
	// PurgeInterval in hours (default 1); 0 disables purging.
	PurgeInterval *int32 `json:"purgeInterval,omitempty"`
}

// AdminServer is ZooKeeper's embedded Jetty admin server.
type AdminServer struct {
	// Enabled turns the admin server on.
	Enabled *bool `json:"enabled,omitempty"`
	// Port the admin server listens on.
	Port *int32 `json:"port,omitempty"`
}

// Metrics is ZooKeeper's Prometheus metrics provider.
type Metrics struct {
	// Enabled turns the Prometheus metrics provider on.
	Enabled *bool `json:"enabled,omitempty"`
	// Port the /metrics endpoint listens on.
	Port *int32 `json:"port,omitempty"`
}

// NetworkPolicy restricts ingress and egress of the members.
type NetworkPolicy struct {
	// Enabled renders the NetworkPolicy.
	Enabled *bool `json:"enabled,omitempty"`
	// Clients may reach the client port; default: every pod in the
	// ensemble's namespace.
	Clients []networkingv1.NetworkPolicyPeer `json:"clients,omitempty"`
	// Scrapers may reach the metrics port; default: any pod in any namespace.
	Scrapers []networkingv1.NetworkPolicyPeer `json:"scrapers,omitempty"`
}
