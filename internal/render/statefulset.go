package render

import (
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/membership"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
	"github.com/zookeeper-fn/zookeeper-fn/internal/zkprops"
)

// ConfigHashAnnotation carries ConfigHash on the pod template.
const ConfigHashAnnotation = api.Group + "/config-hash"

// ImageUID is the uid and gid of user "zookeeper" in the official image
// (groupadd/useradd --gid=1000 --uid=1000 in its Dockerfile). fsGroup uses
// it so the non-root server can write to freshly provisioned volumes.
const ImageUID = int64(1000)

const volumeConfig, volumeLogs, volumeTmp = "config", "logs", "tmp"

// StatefulSet runs the members. Pods start in parallel so that peers can
// reach each other and form a quorum; updates roll one member at a time,
// each waiting for the previous one to rejoin (the readiness probe).
//
// minReadySeconds stays 0: with Parallel pod management the StatefulSet
// controller deletes every old-revision pod that is not yet *available*
// at once, so a delay between Ready and available would let one update
// take down several members that are already back in the quorum (seen on
// a real v1.37 control plane by e2e/kubernetes). Readiness itself already
// waits for the member to rejoin.
func StatefulSet(z *api.ZookeeperSpec, m membership.Membership, configHash string) *appsv1.StatefulSet {
	e := m.Ensemble
	replicas := m.Replicas()
	rp := z.Spec.Storage.RetentionPolicy
	sts := &appsv1.StatefulSet{
		TypeMeta:   typeMeta("apps/v1", "StatefulSet"),
		ObjectMeta: objectMeta(e, e.StatefulSet()),
		Spec: appsv1.StatefulSetSpec{
			Replicas:            &replicas,
			ServiceName:         e.HeadlessService(),
			Selector:            selector(e),
			PodManagementPolicy: appsv1.ParallelPodManagement,
			UpdateStrategy:      appsv1.StatefulSetUpdateStrategy{Type: appsv1.RollingUpdateStatefulSetStrategyType},
			PersistentVolumeClaimRetentionPolicy: &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{
				WhenDeleted: appsv1.PersistentVolumeClaimRetentionPolicyType(rp.WhenDeleted),
				WhenScaled:  appsv1.PersistentVolumeClaimRetentionPolicyType(rp.WhenScaled),
			},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{
					Labels:      e.Labels(),
					Annotations: podAnnotations(z, configHash),
				},
				Spec: podSpec(z, e, m.Voters()),
			},
			VolumeClaimTemplates: claimTemplates(z, m),
		},
	}
	if m.ObserverReplicas() > 0 {
		// The selector stays the one of an ensemble without observers
		// (it is immutable); the role label tells the PDB and the voters'
		// zone spread which pods vote.
		withRole(sts, e, membership.Participant)
	}
	return sts
}

func podAnnotations(z *api.ZookeeperSpec, configHash string) map[string]string {
	a := map[string]string{ConfigHashAnnotation: configHash}
	if m := z.Spec.ZooKeeper.Metrics; *m.Enabled {
		a["prometheus.io/scrape"] = "true"
		a["prometheus.io/port"] = strconv.Itoa(int(*m.Port))
		a["prometheus.io/path"] = "/metrics"
	}
	return a
}

func podSpec(z *api.ZookeeperSpec, e names.Ensemble, voters int) corev1.PodSpec {
	ps := basePodSpec(z, e, voters)
	membershipPod(z, &ps)
	return ps
}

func basePodSpec(z *api.ZookeeperSpec, e names.Ensemble, voters int) corev1.PodSpec {
	s := z.Spec
	f, t := false, true
	uid := ImageUID
	grace := int64(30)
	onRootMismatch := corev1.FSGroupChangeOnRootMismatch
	return corev1.PodSpec{
		ServiceAccountName:            e.ServiceAccount(),
		AutomountServiceAccountToken:  &f,
		TerminationGracePeriodSeconds: &grace,
		SecurityContext: &corev1.PodSecurityContext{
			RunAsNonRoot:        &t,
			RunAsUser:           &uid,
			RunAsGroup:          &uid,
			FSGroup:             &uid,
			FSGroupChangePolicy: &onRootMismatch,
			SeccompProfile:      &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
		Containers:                []corev1.Container{container(z)},
		Volumes:                   podVolumes(e),
		Affinity:                  affinity(s.Placement, e),
		TopologySpreadConstraints: spread(s.Placement, e, voters),
		NodeSelector:              s.Placement.NodeSelector,
		Tolerations:               s.Placement.Tolerations,
		PriorityClassName:         s.Placement.PriorityClassName,
	}
}

func container(z *api.ZookeeperSpec) corev1.Container {
	s := z.Spec
	f, t := false, true
	return corev1.Container{
		Name:            "zookeeper",
		Image:           s.Image,
		ImagePullPolicy: s.ImagePullPolicy,
		// Replaces the image's docker-entrypoint.sh, which would write its
		// own zoo.cfg and a myid of 1.
		Command:      []string{"bash", ConfDir + "/" + KeyStart},
		Ports:        containerPorts(z),
		Env:          env(z),
		Resources:    s.Resources,
		VolumeMounts: mounts(z),
		StartupProbe: &corev1.Probe{
			// Loading a large snapshot can take minutes; liveness starts
			// only once the server has answered.
			ProbeHandler:     execProbe(KeyLive),
			PeriodSeconds:    5,
			TimeoutSeconds:   5,
			FailureThreshold: 60,
		},
		ReadinessProbe: &corev1.Probe{
			ProbeHandler:     execProbe(KeyReady),
			PeriodSeconds:    5,
			TimeoutSeconds:   5,
			FailureThreshold: 2,
			SuccessThreshold: 1,
		},
		LivenessProbe: &corev1.Probe{
			ProbeHandler:     execProbe(KeyLive),
			PeriodSeconds:    10,
			TimeoutSeconds:   5,
			FailureThreshold: 6,
		},
		SecurityContext: &corev1.SecurityContext{
			AllowPrivilegeEscalation: &f,
			ReadOnlyRootFilesystem:   &t,
			RunAsNonRoot:             &t,
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
	}
}

func execProbe(script string) corev1.ProbeHandler {
	return corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"bash", ConfDir + "/" + script}}}
}

func containerPorts(z *api.ZookeeperSpec) []corev1.ContainerPort {
	zk := z.Spec.ZooKeeper
	ports := []corev1.ContainerPort{
		{Name: PortClient, ContainerPort: api.ClientPort, Protocol: corev1.ProtocolTCP},
		{Name: PortQuorum, ContainerPort: api.QuorumPort, Protocol: corev1.ProtocolTCP},
		{Name: PortElection, ContainerPort: api.ElectionPort, Protocol: corev1.ProtocolTCP},
	}
	if *zk.AdminServer.Enabled {
		ports = append(ports, corev1.ContainerPort{Name: PortAdmin, ContainerPort: *zk.AdminServer.Port, Protocol: corev1.ProtocolTCP})
	}
	if *zk.Metrics.Enabled {
		ports = append(ports, corev1.ContainerPort{Name: PortMetrics, ContainerPort: *zk.Metrics.Port, Protocol: corev1.ProtocolTCP})
	}
	return ports
}

// env configures zkServer.sh (ZK_SERVER_HEAP becomes -Xmx, SERVER_JVMFLAGS
// is appended to the server's java command line; see zkEnv.sh). The heap
// is always set: without it the image's default (1000 MB) ignores the
// pod's memory. The -D flags of JVM-flag properties come from the
// property model, which allows no spaces or shell characters in them.
func env(z *api.ZookeeperSpec) []corev1.EnvVar {
	s := z.Spec
	vars := []corev1.EnvVar{
		{Name: "ZOOCFGDIR", Value: ConfDir},
		{Name: "ZOO_LOG_DIR", Value: LogDir},
		{Name: "ZK_SERVER_HEAP", Value: strconv.FormatInt(s.HeapMiB(), 10)},
	}
	var flags []string
	if *s.ZooKeeper.ReadOnlyMode {
		flags = append(flags, "-Dreadonlymode.enabled=true")
	}
	flags = append(flags, zkprops.JVMFlags(s.ZooKeeper.Config)...)
	flags = append(flags, s.JVM.Flags...)
	if len(flags) > 0 {
		vars = append(vars, corev1.EnvVar{Name: "SERVER_JVMFLAGS", Value: strings.Join(flags, " ")})
	}
	return vars
}

func mounts(z *api.ZookeeperSpec) []corev1.VolumeMount {
	m := []corev1.VolumeMount{
		{Name: volumeConfig, MountPath: ConfDir, ReadOnly: true},
		{Name: names.DataVolume, MountPath: DataDir},
	}
	if z.Spec.Storage.DataLog != nil {
		m = append(m, corev1.VolumeMount{Name: names.DataLogVolume, MountPath: DataLogDir})
	}
	// The root filesystem is read-only: logs and the JVM's temporary
	// files (hsperfdata) get their own scratch volumes.
	return append(m,
		corev1.VolumeMount{Name: volumeLogs, MountPath: LogDir},
		corev1.VolumeMount{Name: volumeTmp, MountPath: TmpDir},
	)
}

func podVolumes(e names.Ensemble) []corev1.Volume {
	mode := int32(0o444)
	limit := func(size string) *corev1.EmptyDirVolumeSource {
		q := mustQuantity(size)
		return &corev1.EmptyDirVolumeSource{SizeLimit: &q}
	}
	return []corev1.Volume{
		{Name: volumeConfig, VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
			LocalObjectReference: corev1.LocalObjectReference{Name: e.ConfigMap()},
			DefaultMode:          &mode,
		}}},
		{Name: volumeLogs, VolumeSource: corev1.VolumeSource{EmptyDir: limit("1Gi")}},
		{Name: volumeTmp, VolumeSource: corev1.VolumeSource{EmptyDir: limit("256Mi")}},
	}
}

// claimTemplates are the membership's volume templates, in its order.
func claimTemplates(z *api.ZookeeperSpec, m membership.Membership) []corev1.PersistentVolumeClaim {
	out := make([]corev1.PersistentVolumeClaim, 0, len(m.Templates))
	for _, t := range m.Templates {
		class, size := volumeTemplate(z.Spec.Storage, t)
		out = append(out, claim(m.Ensemble, t, class, z.Spec.Storage.AccessMode, size.String()))
	}
	return out
}

// volumeTemplate is the class and size the spec gives claim template t.
func volumeTemplate(st api.Storage, t string) (string, resource.Quantity) {
	if t == names.DataLogVolume {
		return st.DataLog.ClassName, *st.DataLog.Size
	}
	return st.ClassName, *st.Size
}

// claim is a volume claim template. Its labels are the selector only: the
// templates are immutable, so nothing that changes with an upgrade (the
// version label) may be in them.
func claim(e names.Ensemble, name, class string, mode corev1.PersistentVolumeAccessMode, size string) corev1.PersistentVolumeClaim {
	c := corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: e.Selector()},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{mode},
			Resources: corev1.VolumeResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceStorage: mustQuantity(size)},
			},
		},
	}
	if class != "" {
		c.Spec.StorageClassName = &class
	}
	return c
}
