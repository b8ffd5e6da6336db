package api

import (
	"k8s.io/apimachinery/pkg/util/validation"
)

// Membership chooses how the ensemble's voting membership changes.
//
// Without SuperuserSecret the membership is static: every member reads
// the server lines of zoo.cfg, and a change of replicas rolls the members
// with a new list (the README's Scaling section says which steps are
// safe). With it, membership is dynamic: ZooKeeper's reconfiguration
// (reconfigEnabled) adds each new member once it has synced and removes
// each member before it stops, so every step of replicas is safe.
type Membership struct {
	// SuperuserSecret names the Secret key holding the password of the
	// digest superuser that runs reconfig. The Secret is mounted as a
	// file; the server gets only the digest, computed in the pod.
	SuperuserSecret *SecretKey `json:"superuserSecret,omitempty"`
}

// SecretKey is one key of a Secret in the ensemble's namespace.
type SecretKey struct {
	// Name of the Secret.
	Name string `json:"name,omitempty"`
	// Key whose value is the password.
	Key string `json:"key,omitempty"`
}

// Dynamic reports whether membership changes through reconfig.
func (m Membership) Dynamic() bool { return m.SuperuserSecret != nil }

func (m Membership) check(ps *Problems) {
	s := m.SuperuserSecret
	if s == nil {
		return
	}
	const p = "spec.membership.superuserSecret"
	if errs := validation.IsDNS1123Subdomain(s.Name); len(errs) > 0 {
		ps.errorf(p+".name", "%q is not a Secret name (%s); name the Secret that holds the reconfig superuser's password", Clip(s.Name), errs[0])
	}
	if errs := validation.IsConfigMapKey(s.Key); len(errs) > 0 {
		ps.errorf(p+".key", "%q is not a Secret key (%s); name the key whose value is the password, e.g. password", Clip(s.Key), errs[0])
	}
}

// checkDynamicSecurity: the membership scripts ask peers for the
// membership (conf) and run reconfig through the plaintext client port,
// so dynamic membership needs that port open until they speak TLS.
func (z *ZookeeperSpec) checkDynamicSecurity(ps *Problems) {
	s := &z.Spec
	if s.Membership.Dynamic() && !s.PlaintextClient() {
		ps.errorf("spec.membership.superuserSecret", "needs the plaintext client port, which spec.security.tls.client closes: the membership scripts ask peers for the membership and run reconfig through it; set spec.security.tls.client.plaintext: true (and keep the NetworkPolicy's clients narrow) or drop spec.membership")
	}
}
