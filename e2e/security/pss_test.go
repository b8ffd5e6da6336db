//go:build e2e

package security

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	psapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// TestPodSecurityRestricted evaluates every rendered pod template of every
// overlay with the Pod Security Admission policy library, the code the API
// server runs, at the restricted level of the latest version.
func TestPodSecurityRestricted(t *testing.T) {
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	require.NoError(t, err)
	restricted := psapi.LevelVersion{Level: psapi.LevelRestricted, Version: psapi.LatestVersion()}
	for _, r := range renderOverlays(t) {
		for _, p := range r.podTemplates(t) {
			meta, spec := p.meta, p.spec
			res := policy.AggregateCheckResults(evaluator.EvaluatePod(restricted, &meta, &spec))
			assert.True(t, res.Allowed, "%s violates Pod Security Standards %s: %s: %s", p.where, restricted, res.ForbiddenReason(), res.ForbiddenDetail())
		}
		// The overlays' namespaces enforce the same level, so the API
		// server refuses a pod that would not pass.
		for _, ns := range r.ofKind("Namespace") {
			assert.Equal(t, "restricted", ns.Metadata.Labels["pod-security.kubernetes.io/enforce"], "%s: Namespace %s enforces restricted", r.name, ns.Metadata.Name)
		}
	}
}

// TestPodSecurityCatchesABadPod keeps the check honest: the evaluator as
// wired here refuses a pod that drops one restricted setting.
func TestPodSecurityCatchesABadPod(t *testing.T) {
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	require.NoError(t, err)
	restricted := psapi.LevelVersion{Level: psapi.LevelRestricted, Version: psapi.LatestVersion()}
	r := renderOverlays(t)[0]
	p := r.podTemplates(t)[0]
	spec := *p.spec.DeepCopy()
	t.Logf("breaking %s", p.where)
	yes := true
	spec.Containers[0].SecurityContext.AllowPrivilegeEscalation = &yes
	spec.Containers[0].SecurityContext.Capabilities = &corev1.Capabilities{Add: []corev1.Capability{"NET_ADMIN"}}
	res := policy.AggregateCheckResults(evaluator.EvaluatePod(restricted, &p.meta, &spec))
	assert.False(t, res.Allowed, "a privilege-escalating container must not pass")
}
