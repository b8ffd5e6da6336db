//go:build e2e

package zkrun

import (
	"os"
	"path/filepath"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// writeProjected fills a projected volume of ServiceAccount tokens as the
// kubelet does: each source's file holds a token from Options.Tokens
// (the kubelet's TokenRequest), mode 0600 owned by the pod's runAsUser
// (what the kubelet does when the pod has an fsGroup). Other projection
// sources fail the test.
func (m *Member) writeProjected(t testing.TB, v corev1.Volume) string {
	t.Helper()
	e := m.e
	if e.opts.Tokens == nil {
		t.Fatalf("volume %s projects a ServiceAccount token: set Options.Tokens", v.Name)
	}
	dir := filepath.Join(e.Dir, "projected", m.Pod, v.Name)
	must0(t, os.MkdirAll(dir, 0o755))
	m.volumes[v.Name] = dir
	m.writeTokens(t, v, dir)
	return dir
}

func (m *Member) writeTokens(t testing.TB, v corev1.Volume, dir string) {
	t.Helper()
	uid := -1
	if ps := m.e.R.StatefulSet.Spec.Template.Spec.SecurityContext; ps != nil && ps.RunAsUser != nil {
		uid = int(*ps.RunAsUser)
	}
	for _, src := range v.Projected.Sources {
		sat := src.ServiceAccountToken
		if sat == nil {
			t.Fatalf("volume %s: zkrun projects serviceAccountToken sources only", v.Name)
		}
		exp := int64(3600)
		if sat.ExpirationSeconds != nil {
			exp = *sat.ExpirationSeconds
		}
		tok := m.e.opts.Tokens(m.Pod, sat.Audience, exp)
		// Replaced in one rename, as the kubelet's ..data swap does.
		tmp := filepath.Join(dir, "."+sat.Path+".new")
		writeFile(t, tmp, tok, 0o600)
		if uid >= 0 {
			must0(t, os.Chown(tmp, uid, -1))
		}
		must0(t, os.Rename(tmp, filepath.Join(dir, sat.Path)))
	}
}

// RotateTokens rewrites the member's projected ServiceAccount tokens with
// new ones from Options.Tokens, as the kubelet does before they expire.
func (m *Member) RotateTokens(t testing.TB) {
	t.Helper()
	for _, v := range m.e.R.StatefulSet.Spec.Template.Spec.Volumes {
		if dir, ok := m.volumes[v.Name]; ok && v.Projected != nil {
			m.writeTokens(t, v, dir)
		}
	}
}
