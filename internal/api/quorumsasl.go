package api

import "k8s.io/apimachinery/pkg/util/validation"

// QuorumSASL is SASL DIGEST-MD5 authentication between members
// (ZooKeeper's quorum.auth.* settings): a member that does not know the
// password cannot follow the leader or vote.
type QuorumSASL struct {
	// SecretName names a Secret with keys username and password (a
	// kubernetes.io/basic-auth Secret fits). Every member uses them as
	// learner and accepts them as server; the JAAS file is written from
	// them at start, never into the ConfigMap. Each key accept.<user>
	// adds a user members accept but do not present, for rotating the
	// password without losing the quorum (docs/security.md, Rotation).
	SecretName string `json:"secretName,omitempty"`
	// LearnerRequire: a member refuses to follow a leader that does not
	// authenticate it (quorum.auth.learnerRequireSasl). Default true; false
	// only in the first step of the migration from an unauthenticated
	// quorum (docs/security.md).
	LearnerRequire *bool `json:"learnerRequire,omitempty"`
	// ServerRequire: a member refuses learners that do not authenticate
	// (quorum.auth.serverRequireSasl). Defaults to learnerRequire; false
	// in the first two steps of the migration.
	ServerRequire *bool `json:"serverRequire,omitempty"`
}

func (s *Spec) defaultQuorumSASL() {
	q := s.Security.QuorumSASL
	if q == nil {
		return
	}
	setBool(&q.LearnerRequire, true)
	setBool(&q.ServerRequire, *q.LearnerRequire)
}

// QuorumSASLRequired reports whether members refuse unauthenticated
// members both ways: quorum SASL is on and its migration is over.
func (s *Spec) QuorumSASLRequired() bool {
	q := s.Security.QuorumSASL
	return q != nil && *q.LearnerRequire && *q.ServerRequire
}

func (s *Spec) checkQuorumSASL(ps *Problems) {
	q := s.Security.QuorumSASL
	if q == nil {
		return
	}
	const p = "spec.security.quorumSasl"
	if q.SecretName == "" {
		ps.errorf(p+".secretName", "is required: name the Secret with keys username and password that members authenticate each other with")
	} else if errs := validation.IsDNS1123Subdomain(q.SecretName); len(errs) > 0 {
		ps.errorf(p+".secretName", "%q is not a Secret name (%s)", clip(q.SecretName), errs[0])
	}
	switch {
	case *q.ServerRequire && !*q.LearnerRequire:
		// ZooKeeper refuses this at start (QuorumPeerConfig): a member
		// that requires SASL from learners while it may follow without
		// it could not rejoin a quorum it requires to authenticate.
		ps.errorf(p+".serverRequire", "is true while %s.learnerRequire is false, which ZooKeeper refuses at start; the migration sets learnerRequire first (learnerRequire: true, serverRequire: false), then serverRequire", p)
	case !*q.ServerRequire:
		ps.warnf(p, "is in migration (learnerRequire %t, serverRequire false): members still accept unauthenticated members; finish with learnerRequire and serverRequire true (the default)", *q.LearnerRequire)
	}
}
