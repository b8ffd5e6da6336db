//go:build e2e

package security

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	corev1 "k8s.io/api/core/v1"
)

// TestHardening asserts what Pod Security Standards leave out: no API
// token in the pods, a read-only root filesystem, no host namespaces,
// ports or paths, and explicit non-root, no-escalation, no-capability
// settings on every container (not only inherited).
func TestHardening(t *testing.T) {
	for _, r := range renderOverlays(t) {
		for _, sa := range r.ofKind("ServiceAccount") {
			var s corev1.ServiceAccount
			sa.decode(t, &s)
			if assert.NotNil(t, s.AutomountServiceAccountToken, "%s: ServiceAccount %s sets automountServiceAccountToken", r.name, s.Name) {
				assert.False(t, *s.AutomountServiceAccountToken, "%s: ServiceAccount %s mounts no token", r.name, s.Name)
			}
		}
		for _, p := range r.podTemplates(t) {
			s := p.spec
			if assert.NotNil(t, s.AutomountServiceAccountToken, "%s: automountServiceAccountToken is set", p.where) {
				assert.False(t, *s.AutomountServiceAccountToken, "%s: the pods get no API token", p.where)
			}
			assert.NotEmpty(t, s.ServiceAccountName, "%s: a dedicated ServiceAccount, not default", p.where)
			assert.NotEqual(t, "default", s.ServiceAccountName, p.where)
			assert.False(t, s.HostNetwork || s.HostPID || s.HostIPC, "%s: no host namespaces", p.where)
			if assert.NotNil(t, s.SecurityContext, p.where) {
				assert.True(t, s.SecurityContext.RunAsNonRoot != nil && *s.SecurityContext.RunAsNonRoot, "%s: runAsNonRoot", p.where)
			}
			for _, v := range s.Volumes {
				assert.Nil(t, v.HostPath, "%s: volume %s is no hostPath", p.where, v.Name)
				if v.Projected != nil {
					for _, src := range v.Projected.Sources {
						assert.Nil(t, src.ServiceAccountToken, "%s: volume %s projects no token", p.where, v.Name)
					}
				}
			}
			for name, c := range allContainers(s) {
				where := p.where + " " + name
				sc := c.SecurityContext
				if !assert.NotNil(t, sc, "%s: securityContext", where) {
					continue
				}
				assert.True(t, sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem, "%s: readOnlyRootFilesystem", where)
				assert.True(t, sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation, "%s: allowPrivilegeEscalation false", where)
				assert.True(t, sc.Privileged == nil || !*sc.Privileged, "%s: not privileged", where)
				if assert.NotNil(t, sc.Capabilities, where) {
					assert.Equal(t, []corev1.Capability{"ALL"}, sc.Capabilities.Drop, "%s: drops all capabilities", where)
					assert.Empty(t, sc.Capabilities.Add, "%s: adds no capability", where)
				}
				for _, port := range c.Ports {
					assert.Zero(t, port.HostPort, "%s: port %s binds no host port", where, port.Name)
				}
				for _, e := range c.Env {
					assert.False(t, secretish.MatchString(e.Name) && e.Value != "", "%s: env %s carries a secret in plain text; use valueFrom.secretKeyRef", where, e.Name)
				}
			}
		}
	}
}

// secretish matches keys and property names that hold credentials.
var secretish = regexp.MustCompile(`(?i)(password|passwd|secret|token|credential|private[_.-]?key|access[_.-]?key)`)

// secretValue matches values that are credentials whatever their key.
var secretValue = regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----|(?m)^\s*[A-Za-z0-9_.]*(password|secret|token)[A-Za-z0-9_.]*\s*[=:]\s*\S`)

// TestNoSecretsInConfigMaps scans every ConfigMap (zoo.cfg, scripts) for
// credential-looking keys and values: ConfigMaps are readable by anyone
// who can read the namespace, and the function never needs a secret.
func TestNoSecretsInConfigMaps(t *testing.T) {
	for _, r := range renderOverlays(t) {
		for _, o := range r.ofKind("ConfigMap") {
			var cm corev1.ConfigMap
			o.decode(t, &cm)
			for k, v := range cm.Data {
				assert.False(t, secretish.MatchString(k), "%s: ConfigMap %s key %q looks like a secret", r.name, cm.Name, k)
				assert.Empty(t, secretValue.FindString(v), "%s: ConfigMap %s key %q holds a credential", r.name, cm.Name, k)
			}
			assert.Empty(t, cm.BinaryData, "%s: ConfigMap %s has no binary data", r.name, cm.Name)
		}
		assert.Empty(t, r.ofKind("Secret"), "%s: the function renders no Secret", r.name)
	}
}
