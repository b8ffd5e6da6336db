package api

// PodSecurity chooses how the pod meets the platform's security policy.
type PodSecurity struct {
	// OpenShift leaves runAsUser, runAsGroup and fsGroup to the platform,
	// so the restricted-v2 SecurityContextConstraints admit the pod and
	// assign a uid from the namespace's range; everything else stays
	// restricted (non-root, no privilege escalation, all capabilities
	// dropped, RuntimeDefault seccomp).
	OpenShift bool `json:"openShift,omitempty"`
	// AllowNonRestricted lets spec.extras use what the restricted Pod
	// Security Standard forbids (hostPath volumes, host ports, privileged
	// or root containers). The pod then needs a namespace whose policy is
	// baseline or privileged.
	AllowNonRestricted bool `json:"allowNonRestricted,omitempty"`
}
