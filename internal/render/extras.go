package render

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
)

// applyExtras adds spec.extras to the pod after the registry mirror has
// been applied: the user's containers keep the images they name.
func applyExtras(s *api.Spec, p *corev1.PodSpec) {
	x := s.Extras
	for i := range p.Containers {
		if c := &p.Containers[i]; c.Name == zooKeeperContainer {
			c.Env = append(c.Env, x.Env...)
			c.EnvFrom = append(c.EnvFrom, x.EnvFrom...)
			c.VolumeMounts = append(c.VolumeMounts, x.VolumeMounts...)
		}
	}
	p.Volumes = append(p.Volumes, x.Volumes...)
	for _, c := range x.InitContainers {
		p.InitContainers = append(p.InitContainers, restrictedDefaults(c))
	}
	for _, c := range x.Sidecars {
		p.Containers = append(p.Containers, restrictedDefaults(c))
	}
}

// restrictedDefaults fills the security settings a container leaves unset
// with the ZooKeeper container's restricted values; explicit settings stay
// (validation refuses the ones restricted forbids unless opted out).
func restrictedDefaults(c corev1.Container) corev1.Container {
	c = *c.DeepCopy()
	if c.SecurityContext == nil {
		c.SecurityContext = &corev1.SecurityContext{}
	}
	sc := c.SecurityContext
	f, t := false, true
	if sc.AllowPrivilegeEscalation == nil {
		sc.AllowPrivilegeEscalation = &f
	}
	if sc.RunAsNonRoot == nil {
		sc.RunAsNonRoot = &t
	}
	if sc.Capabilities == nil {
		sc.Capabilities = &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}
	}
	if sc.SeccompProfile == nil {
		sc.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
	}
	return c
}

// applyOpenShift leaves the ids to the platform: restricted-v2 assigns a
// uid and fsGroup from the namespace's range and refuses pods that ask for
// others (such as the official image's 1000).
func applyOpenShift(s *api.Spec, p *corev1.PodSpec) {
	if !s.PodSecurity.OpenShift || p.SecurityContext == nil {
		return
	}
	p.SecurityContext.RunAsUser = nil
	p.SecurityContext.RunAsGroup = nil
	p.SecurityContext.FSGroup = nil
	p.SecurityContext.FSGroupChangePolicy = nil
}
