package render

import (
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// securePod mounts the Secrets, runs the start wrapper, passes the JAAS
// file and, with the plaintext port closed, switches the probes to the
// admin server on loopback.
func securePod(z *api.ZookeeperSpec, e names.Ensemble, sts *appsv1.StatefulSet) {
	s := &z.Spec
	pod := &sts.Spec.Template.Spec
	c := &pod.Containers[0]
	readOnly := int32(0o440)
	mem := mustQuantity("16Mi")
	pod.Volumes = append(pod.Volumes, corev1.Volume{Name: volumeSecure, VolumeSource: corev1.VolumeSource{
		EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory, SizeLimit: &mem}}})
	c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: volumeSecure, MountPath: SecureDir})
	if s.Security.TLS != nil {
		pod.Volumes = append(pod.Volumes, secretVolume(volumeTLS, TLSSecretName(z, e), readOnly))
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: volumeTLS, MountPath: TLSDir, ReadOnly: true})
	}
	if d := s.Security.Digest; d != nil {
		pod.Volumes = append(pod.Volumes, secretVolume(volumeDigest, d.SecretName, readOnly))
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: volumeDigest, MountPath: DigestDir, ReadOnly: true})
	}
	if q := s.Security.QuorumSASL; q != nil {
		pod.Volumes = append(pod.Volumes, secretVolume(volumeQuorum, q.SecretName, readOnly))
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: volumeQuorum, MountPath: QuorumDir, ReadOnly: true})
	}
	if s.Security.Digest != nil || s.Security.QuorumSASL != nil {
		// One JAAS file holds the Server (clients) and the QuorumServer
		// and QuorumLearner (members) sections.
		appendJVMFlag(c, "-Djava.security.auth.login.config="+JAASFile)
	}
	c.Command = []string{"bash", ConfDir + "/" + KeySecureStart}
	if rs := restartSecrets(z); len(rs) > 0 {
		sts.Annotations[ReloaderAnnotation] = strings.Join(rs, ",")
	}
	if s.TLSClient() {
		c.Ports = append(c.Ports, corev1.ContainerPort{Name: PortSecure, ContainerPort: api.SecureClientPort, Protocol: corev1.ProtocolTCP})
	}
	if !s.PlaintextClient() {
		c.Ports = removePort(c.Ports, PortClient)
		c.Env = append(c.Env, corev1.EnvVar{Name: "ZK_ADMIN_PORT", Value: strconv.Itoa(int(*s.ZooKeeper.AdminServer.Port))})
		for _, p := range []struct {
			probe *corev1.Probe
			what  string
		}{{c.StartupProbe, "live"}, {c.ReadinessProbe, "ready"}, {c.LivenessProbe, "live"}} {
			p.probe.Exec.Command = []string{"bash", ConfDir + "/" + KeyProbeAdmin, p.what}
		}
	}
}

func secretVolume(name, secret string, mode int32) corev1.Volume {
	return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: secret, DefaultMode: &mode}}}
}

func appendJVMFlag(c *corev1.Container, flag string) {
	for i := range c.Env {
		if c.Env[i].Name == "SERVER_JVMFLAGS" {
			c.Env[i].Value = strings.TrimSpace(c.Env[i].Value + " " + flag)
			return
		}
	}
	c.Env = append(c.Env, corev1.EnvVar{Name: "SERVER_JVMFLAGS", Value: flag})
}

func removePort(ports []corev1.ContainerPort, name string) []corev1.ContainerPort {
	out := ports[:0]
	for _, p := range ports {
		if p.Name != name {
			out = append(out, p)
		}
	}
	return out
}

// ReloaderAnnotation asks Stakater Reloader, where it runs, to roll the
// StatefulSet when a listed Secret changes: the server reads the JAAS
// file (digest users, quorum credentials) only at start, and the rolling
// update replaces one member at a time behind the readiness probe. The
// TLS Secret is not listed: secure-start.sh re-joins the stores when it
// changes and the server reloads them (docs/security.md, "Rotation").
// The function itself cannot see a Secret's contents in a GitOps stream.
const ReloaderAnnotation = "secret.reloader.stakater.com/reload"

func restartSecrets(z *api.ZookeeperSpec) []string {
	var out []string
	if d := z.Spec.Security.Digest; d != nil {
		out = append(out, d.SecretName)
	}
	if q := z.Spec.Security.QuorumSASL; q != nil && (len(out) == 0 || out[0] != q.SecretName) {
		out = append(out, q.SecretName)
	}
	return out
}
