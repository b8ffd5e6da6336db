package api

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// checkContainer checks a sidecar or init container: a unique name, an
// image, its own environment, mounts of the pod's volumes, ports that the
// members do not use, and a security context the restricted Pod Security
// Standard admits (unset fields get the ZooKeeper container's values).
func (s *Spec) checkContainer(ps *Problems, p string, c *corev1.Container, names map[string]string, volumes map[string]bool) {
	if errs := validation.IsDNS1123Label(c.Name); len(errs) > 0 {
		ps.errorf(p+".name", "%q is not a container name (%s)", clip(c.Name), errs[0])
	} else if other, dup := names[c.Name]; dup {
		ps.errorf(p+".name", "%q is already %s; use another name", c.Name, other)
	}
	names[c.Name] = p
	if strings.TrimSpace(c.Image) == "" || strings.ContainsAny(c.Image, " \t\n") {
		ps.errorf(p+".image", "%q is not an image reference; name the container's image", clip(c.Image))
	}
	checkEnv(ps, p+".env", c.Env, nil)
	checkMounts(ps, p+".volumeMounts", c.VolumeMounts, volumes, false)
	s.checkPorts(ps, p, c.Ports)
	if !s.PodSecurity.AllowNonRestricted {
		checkRestricted(ps, p, c)
	}
}

func (s *Spec) checkPorts(ps *Problems, p string, ports []corev1.ContainerPort) {
	zk := s.ZooKeeper
	ours := map[int32]string{ClientPort: "the client port", QuorumPort: "the quorum port", ElectionPort: "the election port"}
	if zk.AdminServer != nil && zk.AdminServer.Port != nil {
		ours[*zk.AdminServer.Port] = "the admin server's port"
	}
	if zk.Metrics != nil && zk.Metrics.Port != nil {
		ours[*zk.Metrics.Port] = "the metrics port"
	}
	for i, port := range ports {
		f := fmt.Sprintf("%s.ports[%d]", p, i)
		if what, clash := ours[port.ContainerPort]; clash {
			ps.errorf(f+".containerPort", "%d is %s of ZooKeeper, in the same network namespace; use another port", port.ContainerPort, what)
		}
		if port.HostPort != 0 && !s.PodSecurity.AllowNonRestricted {
			ps.errorf(f+".hostPort", "is set; Pod Security Standards forbid host ports: remove it, or set spec.podSecurity.allowNonRestricted: true")
		}
	}
}

// checkRestricted refuses what the restricted Pod Security Standard
// forbids in a container's explicit settings.
func checkRestricted(ps *Problems, p string, c *corev1.Container) {
	sc := c.SecurityContext
	if sc == nil {
		return
	}
	fix := "; the restricted Pod Security Standard forbids it: remove it, or set spec.podSecurity.allowNonRestricted: true"
	if sc.Privileged != nil && *sc.Privileged {
		ps.errorf(p+".securityContext.privileged", "is true%s", fix)
	}
	if sc.AllowPrivilegeEscalation != nil && *sc.AllowPrivilegeEscalation {
		ps.errorf(p+".securityContext.allowPrivilegeEscalation", "is true%s", fix)
	}
	if sc.RunAsNonRoot != nil && !*sc.RunAsNonRoot {
		ps.errorf(p+".securityContext.runAsNonRoot", "is false%s", fix)
	}
	if sc.RunAsUser != nil && *sc.RunAsUser == 0 {
		ps.errorf(p+".securityContext.runAsUser", "is 0 (root)%s", fix)
	}
	if sc.SeccompProfile != nil && sc.SeccompProfile.Type == corev1.SeccompProfileTypeUnconfined {
		ps.errorf(p+".securityContext.seccompProfile.type", "is Unconfined%s", fix)
	}
	if cp := sc.Capabilities; cp != nil {
		for i, a := range cp.Add {
			if a != "NET_BIND_SERVICE" {
				ps.errorf(fmt.Sprintf("%s.securityContext.capabilities.add[%d]", p, i), "adds %s; only NET_BIND_SERVICE may be added%s", clip(string(a)), fix)
			}
		}
		if len(cp.Drop) > 0 && !contains(capStrings(cp.Drop), "ALL") {
			ps.errorf(p+".securityContext.capabilities.drop", "does not drop ALL%s", fix)
		}
	}
}

func capStrings(cs []corev1.Capability) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}
