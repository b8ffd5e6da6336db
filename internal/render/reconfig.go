package render

import (
	_ "embed"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/membership"
)

// ConfigMap keys of dynamic membership (spec.membership).
const (
	KeyServers    = "servers"
	KeyMembership = "membership.sh"
	KeyReconfig   = "reconfig.sh"
	KeyStop       = "stop.sh"
)

// SuperuserDir is where the superuser's Secret is mounted.
const SuperuserDir = "/superuser"

const volumeSuperuser = "superuser"

// EnvSuperuserFile names the password file for the scripts; the
// processor also recognises an earlier dynamic rendering by it.
const EnvSuperuserFile = "ZKFN_SUPERUSER_FILE"

var (
	//go:embed scripts/membership.sh
	membershipScript string
	//go:embed scripts/reconfig.sh
	reconfigScript string
	//go:embed scripts/stop.sh
	stopScript string
)

// ServerLines is the membership the spec asks for: one server line per
// member, in ordinal order.
func ServerLines(z *api.ZookeeperSpec, m membership.Membership) string {
	var b strings.Builder
	for _, x := range m.Members {
		b.WriteString(securedServerLine(z, ServerLine(x)) + "\n")
	}
	return b.String()
}

// membershipData adds the dynamic-membership files to the ConfigMap:
// zoo.cfg then carries no server lines (ZooKeeper refuses them next to a
// dynamic file); start.sh reads the wanted members from KeyServers.
func membershipData(z *api.ZookeeperSpec, m membership.Membership, data map[string]string) {
	if !z.Spec.Membership.Dynamic() {
		return
	}
	data[KeyServers] = ServerLines(z, m)
	data[KeyMembership] = membershipScript
	data[KeyReconfig] = reconfigScript
	data[KeyStop] = stopScript
}

// membershipProperties: reconfig on; standalone off, because a member
// that started standalone can never be reconfigured into an ensemble; and
// the conf word, which members use to learn the membership they join.
func membershipProperties(z *api.ZookeeperSpec, p map[string]string) {
	if !z.Spec.Membership.Dynamic() {
		return
	}
	p["reconfigEnabled"] = "true"
	p["standaloneEnabled"] = "false"
	words := p["4lw.commands.whitelist"]
	if !strings.Contains(","+words+",", ",conf,") {
		p["4lw.commands.whitelist"] = words + ",conf"
	}
}

// membershipPod mounts the superuser's Secret, tells the scripts where
// the password is, and removes the member before it stops.
func membershipPod(z *api.ZookeeperSpec, spec *corev1.PodSpec) {
	s := z.Spec.Membership.SuperuserSecret
	if s == nil {
		return
	}
	// Group-readable: the files belong to root and the pod's fsGroup.
	mode := int32(0o440)
	spec.Volumes = append(spec.Volumes, corev1.Volume{Name: volumeSuperuser, VolumeSource: corev1.VolumeSource{
		Secret: &corev1.SecretVolumeSource{SecretName: s.Name, DefaultMode: &mode,
			Items: []corev1.KeyToPath{{Key: s.Key, Path: s.Key}}},
	}})
	c := &spec.Containers[0]
	c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: volumeSuperuser, MountPath: SuperuserDir, ReadOnly: true})
	c.Env = append(c.Env, corev1.EnvVar{Name: EnvSuperuserFile, Value: SuperuserDir + "/" + s.Key})
	c.Lifecycle = &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{
		Exec: &corev1.ExecAction{Command: []string{"bash", ConfDir + "/" + KeyStop}},
	}}
}
