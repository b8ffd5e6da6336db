//go:build e2e

package delivery

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// deployFile decodes a file of deploy/argocd.
func deployFile(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(harness.Root(t), "deploy/argocd", name))
	require.NoError(t, err)
	var v map[string]any
	require.NoError(t, yaml.Unmarshal(b, &v))
	return v
}

func at(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			require.True(t, ok, "not a mapping at %v", p)
			v = m[k]
		case int:
			l, ok := v.([]any)
			require.True(t, ok && len(l) > k, "no item %d", k)
			v = l[k]
		}
	}
	return v
}

// The argo-cd Helm chart values install the same plugin and the same
// sidecar as the kustomize component: the chart's argocd-cmp-cm entry is
// plugin.yaml's spec, and the extra container is the patch's container,
// with the plugin config mounted from the chart's ConfigMap key.
func TestArgoCDHelmValuesAgree(t *testing.T) {
	values := deployFile(t, "helm-values.yaml")
	plugin := deployFile(t, "plugin.yaml")
	require.Equal(t, true, at(t, values, "configs", "cmp", "create"))
	name := at(t, plugin, "metadata", "name").(string)
	require.Equal(t, at(t, plugin, "spec"), at(t, values, "configs", "cmp", "plugins", name))

	patch := deployFile(t, "repo-server-patch.yaml")
	want := at(t, patch, "spec", "template", "spec", "containers", 0).(map[string]any)
	got := at(t, values, "repoServer", "extraContainers", 0).(map[string]any)
	// Only the image (a release instead of the local build) and the plugin
	// config's volume differ.
	delete(want, "image")
	delete(got, "image")
	configMount := func(c map[string]any) map[string]any {
		for _, m := range c["volumeMounts"].([]any) {
			mm := m.(map[string]any)
			if mm["mountPath"] == "/home/argocd/cmp-server/config/plugin.yaml" {
				return mm
			}
		}
		t.Fatalf("no plugin.yaml mount in %v", c["name"])
		return nil
	}
	require.Equal(t, map[string]any{"name": "argocd-cmp-cm", "mountPath": "/home/argocd/cmp-server/config/plugin.yaml", "subPath": name + ".yaml"}, configMount(got))
	for _, c := range []map[string]any{want, got} {
		m := configMount(c)
		m["name"], m["subPath"] = "", ""
	}
	require.Equal(t, want, got)

	volumes := map[string]any{}
	for _, v := range at(t, values, "repoServer", "volumes").([]any) {
		volumes[v.(map[string]any)["name"].(string)] = v
	}
	require.Equal(t, map[string]any{"name": "argocd-cmp-cm", "configMap": map[string]any{"name": "argocd-cmp-cm"}}, volumes["argocd-cmp-cm"])
	require.Contains(t, volumes, "zookeeper-fn-tmp")
}
