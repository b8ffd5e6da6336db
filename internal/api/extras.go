package api

import (
	"fmt"
	"path"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Extras are escape hatches into the pod: more environment, volumes and
// containers. They are checked against the function's own names, paths
// and ports, and against the restricted Pod Security Standard unless
// spec.podSecurity.allowNonRestricted opts out.
type Extras struct {
	// Env is added to the ZooKeeper container. Names the function or the
	// image's scripts use (ZOOCFGDIR, ZK_SERVER_HEAP, SERVER_JVMFLAGS, ...)
	// are refused: use spec.jvm and spec.zookeeper instead.
	Env []corev1.EnvVar `json:"env,omitempty"`
	// EnvFrom is added to the ZooKeeper container. Variables set by the
	// function take precedence over same-named keys (Kubernetes' rule).
	EnvFrom []corev1.EnvFromSource `json:"envFrom,omitempty"`
	// Volumes are added to the pod; names must differ from the function's.
	Volumes []corev1.Volume `json:"volumes,omitempty"`
	// VolumeMounts are added to the ZooKeeper container; they name a
	// volume from spec.extras.volumes and a path outside the function's.
	VolumeMounts []corev1.VolumeMount `json:"volumeMounts,omitempty"`
	// Sidecars run next to ZooKeeper in every member pod.
	Sidecars []corev1.Container `json:"sidecars,omitempty"`
	// InitContainers run before ZooKeeper (after the restore container).
	InitContainers []corev1.Container `json:"initContainers,omitempty"`
}

// Reserved names and paths of the pod the function renders; a test in
// package render checks them against what it renders with every option.
var (
	ReservedEnv = []string{"ZOOCFGDIR", "ZOOCFG", "ZOO_LOG_DIR", "ZOO_LOG_FILE", "ZK_SERVER_HEAP",
		"SERVER_JVMFLAGS", "JVMFLAGS", "ZK_CLIENT_PORT", "ZOOPIDFILE", "ZOOMAIN", "CLASSPATH"}
	ReservedVolumes    = []string{"config", "logs", "tmp", "data", "datalog", "backup-scripts", "backup-scratch", "backup-target"}
	ReservedPaths      = []string{"/conf", "/data", "/datalog", "/logs", "/tmp", "/zkfn-backup", "/scratch", "/backup"}
	ReservedContainers = []string{"zookeeper", "backup", "restore"}
)

// restrictedVolumeSources are the volume types the restricted Pod Security
// Standard allows.
func restrictedVolume(v corev1.VolumeSource) bool {
	return v.ConfigMap != nil || v.CSI != nil || v.DownwardAPI != nil || v.EmptyDir != nil ||
		v.Ephemeral != nil || v.PersistentVolumeClaim != nil || v.Projected != nil || v.Secret != nil
}

func (s *Spec) checkExtras(ps *Problems) {
	x := s.Extras
	checkEnv(ps, "spec.extras.env", x.Env, ReservedEnv)
	for i, f := range x.EnvFrom {
		if f.Prefix != "" && len(validation.IsEnvVarName(f.Prefix)) > 0 {
			ps.errorf(fmt.Sprintf("spec.extras.envFrom[%d].prefix", i), "%q does not start a valid variable name; use letters, digits and '_'", clip(f.Prefix))
		}
		if (f.ConfigMapRef == nil) == (f.SecretRef == nil) {
			ps.errorf(fmt.Sprintf("spec.extras.envFrom[%d]", i), "names neither or both of configMapRef and secretRef; name exactly one")
		}
	}
	volumes := s.checkExtraVolumes(ps)
	checkMounts(ps, "spec.extras.volumeMounts", x.VolumeMounts, volumes, true)
	containers := map[string]string{}
	for _, n := range ReservedContainers {
		containers[n] = "the function's own container"
	}
	for _, l := range []struct {
		name string
		list []corev1.Container
	}{{"initContainers", x.InitContainers}, {"sidecars", x.Sidecars}} {
		for i := range l.list {
			s.checkContainer(ps, fmt.Sprintf("spec.extras.%s[%d]", l.name, i), &l.list[i], containers, volumes)
		}
	}
}

func checkEnv(ps *Problems, path string, env []corev1.EnvVar, reserved []string) {
	seen := map[string]int{}
	for i, v := range env {
		p := fmt.Sprintf("%s[%d].name", path, i)
		if errs := validation.IsEnvVarName(v.Name); len(errs) > 0 {
			ps.errorf(p, "%q is not a variable name (%s)", clip(v.Name), errs[0])
		} else if contains(reserved, v.Name) {
			ps.errorf(p, "%s is set or read by the function's scripts; use spec.jvm.flags, spec.jvm.heap or spec.zookeeper instead", v.Name)
		} else if j, dup := seen[v.Name]; dup {
			ps.errorf(p, "%s is also %s[%d]; set each variable once", v.Name, path, j)
		}
		seen[v.Name] = i
		if v.Value != "" && v.ValueFrom != nil {
			ps.errorf(fmt.Sprintf("%s[%d]", path, i), "sets both value and valueFrom; use one")
		}
	}
}

// checkExtraVolumes returns every volume name a mount may use.
func (s *Spec) checkExtraVolumes(ps *Problems) map[string]bool {
	known := map[string]bool{}
	for _, n := range ReservedVolumes {
		known[n] = true
	}
	for i, v := range s.Extras.Volumes {
		p := fmt.Sprintf("spec.extras.volumes[%d]", i)
		if errs := validation.IsDNS1123Label(v.Name); len(errs) > 0 {
			ps.errorf(p+".name", "%q is not a volume name (%s)", clip(v.Name), errs[0])
		} else if known[v.Name] {
			ps.errorf(p+".name", "%q is taken by the function or an earlier volume; use another name", v.Name)
		}
		known[v.Name] = true
		if !restrictedVolume(v.VolumeSource) && !s.PodSecurity.AllowNonRestricted {
			ps.errorf(p, "is not a volume type the restricted Pod Security Standard allows (configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret); use one of those, or set spec.podSecurity.allowNonRestricted: true for a namespace that is not restricted")
		}
	}
	return known
}

func checkMounts(ps *Problems, field string, mounts []corev1.VolumeMount, volumes map[string]bool, zk bool) {
	seen := map[string]int{}
	for i, m := range mounts {
		p := fmt.Sprintf("%s[%d]", field, i)
		if !volumes[m.Name] {
			ps.errorf(p+".name", "%q is not a volume of the pod; add it to spec.extras.volumes", clip(m.Name))
		}
		mp := m.MountPath
		if !path.IsAbs(mp) || path.Clean(mp) != mp || strings.ContainsAny(mp, ":\n") {
			ps.errorf(p+".mountPath", "%q is not a clean absolute path", clip(mp))
			continue
		}
		if j, dup := seen[mp]; dup {
			ps.errorf(p+".mountPath", "%s is also mounted by entry %d", mp, j)
		}
		seen[mp] = i
		if zk {
			for _, r := range ReservedPaths {
				if mp == r || strings.HasPrefix(mp, r+"/") || strings.HasPrefix(r, mp+"/") || mp == "/" {
					ps.errorf(p+".mountPath", "%s overlaps the function's mount %s; use another path, e.g. /extra/<name>", mp, r)
					break
				}
			}
		}
	}
}
