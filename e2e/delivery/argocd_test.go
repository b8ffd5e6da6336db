//go:build e2e

package delivery

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// pluginCommand is a command of a ConfigManagementPlugin, as argo-cd's
// cmpserver/plugin.Command reads it.
type pluginCommand struct {
	Command []string `json:"command"`
	Args    []string `json:"args"`
}

func (c pluginCommand) argv() []string { return append(append([]string{}, c.Command...), c.Args...) }

// pluginConfig mirrors argo-cd's cmpserver/plugin.PluginConfig.
type pluginConfig struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		Version  string        `json:"version"`
		Init     pluginCommand `json:"init"`
		Generate pluginCommand `json:"generate"`
		Discover struct {
			FileName string `json:"fileName"`
			Find     struct {
				pluginCommand
				Glob string `json:"glob"`
			} `json:"find"`
		} `json:"discover"`
		Parameters struct {
			Static []struct {
				Name           string `json:"name"`
				Title          string `json:"title"`
				Tooltip        string `json:"tooltip"`
				Required       bool   `json:"required"`
				ItemType       string `json:"itemType"`
				CollectionType string `json:"collectionType"`
				String         string `json:"string"`
			} `json:"static"`
		} `json:"parameters"`
		PreserveFileMode bool `json:"preserveFileMode"`
	} `json:"spec"`
}

func loadPlugin(t *testing.T) pluginConfig {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(harness.Root(t), "deploy/argocd/plugin.yaml"))
	require.NoError(t, err)
	var p pluginConfig
	require.NoError(t, yaml.UnmarshalStrict(b, &p))
	require.Equal(t, "argoproj.io/v1alpha1", p.APIVersion)
	require.Equal(t, "ConfigManagementPlugin", p.Kind)
	require.NotEmpty(t, p.Metadata.Name)
	require.NotEmpty(t, p.Spec.Generate.Command, "spec.generate.command is required")
	require.False(t, p.Spec.PreserveFileMode, "the plugin must work on files without modes")
	return p
}

// sidecarBin is the sidecar's tool directory: kustomize and zookeeper-fn,
// under the names plugin.yaml uses, and nothing else of the project.
func sidecarBin(t *testing.T, withFunction bool) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.Symlink(harness.Kustomize(t), filepath.Join(dir, "kustomize")))
	if withFunction {
		require.NoError(t, os.Symlink(harness.FunctionBinary(t), filepath.Join(dir, "zookeeper-fn")))
	}
	return dir
}

// app is one Application as the CMP server sees it.
type app struct {
	path   string   // spec.source.path
	env    []string // spec.source.plugin.env, NAME=VALUE
	params []string // spec.source.plugin.parameters, NAME=VALUE strings
}

// sidecarEnv is the environment the CMP server gives the plugin's
// commands: its own (PATH with the tools, HOME) plus what the repo-server
// sends, as reposerver/repository.getPluginEnvs builds it.
func sidecarEnv(t *testing.T, bin string, a app) []string {
	t.Helper()
	e := []string{
		"PATH=" + bin + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"HOME=" + t.TempDir(),
		"ARGOCD_APP_NAME=zookeeper-prod",
		"ARGOCD_APP_NAMESPACE=argocd",
		"ARGOCD_APP_PROJECT_NAME=default",
		"ARGOCD_APP_REVISION=0123456789abcdef0123456789abcdef01234567",
		"ARGOCD_APP_REVISION_SHORT=0123456",
		"ARGOCD_APP_SOURCE_REPO_URL=https://git.example.invalid/zookeeper.git",
		"ARGOCD_APP_SOURCE_PATH=" + a.path,
		"ARGOCD_APP_SOURCE_TARGET_REVISION=HEAD",
		"KUBE_VERSION=1.37.2",
	}
	for _, kv := range a.env {
		e = append(e, "ARGOCD_ENV_"+kv)
	}
	if len(a.params) > 0 {
		var js []map[string]string
		for _, kv := range a.params {
			k, v, _ := strings.Cut(kv, "=")
			js = append(js, map[string]string{"name": k, "string": v})
			e = append(e, "PARAM_"+strings.ToUpper(k)+"="+v)
		}
		b, err := json.Marshal(js)
		require.NoError(t, err)
		e = append(e, "ARGOCD_APP_PARAMETERS="+string(b))
	}
	return e
}

// runPlugin runs a plugin command exactly as the CMP server does: in the
// application's directory of an unpacked copy, with only the sidecar's
// environment.
func runPlugin(t *testing.T, c pluginCommand, repo string, a app, bin string) outcome {
	t.Helper()
	return run(t, cmd{dir: filepath.Join(repo, a.path), env: sidecarEnv(t, bin, a), onlyEnv: true, args: c.argv()})
}

// init then generate, as cmpserver/plugin.generateManifest does; stdout
// is generate's (the server ignores init's), stderr both.
func initAndGenerate(t *testing.T, p pluginConfig, repo string, a app, bin string) outcome {
	t.Helper()
	var initErr []byte
	if len(p.Spec.Init.Command) > 0 {
		o := runPlugin(t, p.Spec.Init, repo, a, bin)
		if o.err != nil {
			return outcome{stderr: o.stderr, err: o.err}
		}
		initErr = o.stderr
	}
	o := runPlugin(t, p.Spec.Generate, repo, a, bin)
	o.stderr = append(initErr, o.stderr...)
	return o
}

// The plugin's init and generate, run as the sidecar runs them on an
// unpacked copy of the repository, print exactly what kustomize prints for
// the overlay, whether the Application points at it or picks it with the
// overlay env or parameter.
func TestArgoCDPluginGenerates(t *testing.T) {
	p := loadPlugin(t)
	bin := sidecarBin(t, true)
	for _, tc := range []struct {
		name    string
		app     app
		overlay string
	}{
		{"path", app{path: "overlays/prod"}, "prod"},
		{"env", app{path: "overlays", env: []string{"OVERLAY=staging"}}, "staging"},
		{"parameter", app{path: "overlays", params: []string{"overlay=dev"}}, "dev"},
		{"parameter wins over env", app{path: "overlays", env: []string{"OVERLAY=staging"}, params: []string{"overlay=prod"}}, "prod"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := harness.Build(t, harness.Overlay(t, tc.overlay))
			repo := repoCopy(t, "base", "overlays")
			o := initAndGenerate(t, p, repo, tc.app, bin)
			require.NoError(t, o.err, "stderr:\n%s", o.stderr)
			require.Equal(t, string(want), string(o.stdout), "generate must print the manifests and nothing else")
			require.Contains(t, string(o.stderr), "zookeeper-fn version", "init logs the function's version on stderr")
		})
	}
}

// What must fail does, with the reason on stderr and nothing on stdout.
func TestArgoCDPluginFailures(t *testing.T) {
	p := loadPlugin(t)
	for _, tc := range []struct {
		name   string
		app    app
		fn     bool
		stderr string
	}{
		{"invalid spec", app{path: "testdata/kustomize/bad-even"}, true, "spec.replicas"},
		{"overlay outside the app", app{path: "overlays/prod", env: []string{"OVERLAY=../../base"}}, true, "inside the application"},
		{"absolute overlay", app{path: "overlays", params: []string{"overlay=/etc"}}, true, "inside the application"},
		{"sidecar without the function", app{path: "overlays/prod"}, false, "not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			repo := repoCopy(t, "base", "overlays", "testdata/kustomize")
			o := initAndGenerate(t, p, repo, tc.app, sidecarBin(t, tc.fn))
			require.Error(t, o.err, "stdout:\n%s", o.stdout)
			require.Empty(t, o.stdout)
			require.Contains(t, string(o.stderr), tc.stderr)
		})
	}
}

// The discover rule is a file glob, which Argo CD evaluates itself (a
// directory walk), instead of a command that runs kustomize for every
// Application. What it claims is checked against the real argocd-cmp-server
// in TestArgoCDCMPServer.
func TestArgoCDPluginDiscovers(t *testing.T) {
	p := loadPlugin(t)
	d := p.Spec.Discover
	require.Equal(t, "**/zookeeper.yaml", d.Find.Glob)
	require.Empty(t, d.Find.Command, "a find command costs a process per Application")
	require.Empty(t, d.FileName, "fileName wins over find.glob in Argo CD")
}

// The component adds the sidecar to argocd-repo-server the way the CMP
// server expects: its binary from var-files, the plugin config at
// /home/argocd/cmp-server/config/plugin.yaml, the plugins socket volume,
// and user 999 without root.
func TestArgoCDSidecarPatch(t *testing.T) {
	root := harness.Root(t)
	dir := t.TempDir()
	copyTree(t, filepath.Join(root, "deploy/argocd"), filepath.Join(dir, "deploy/argocd"))
	copyTree(t, filepath.Join(root, "e2e/delivery/testdata/argocd-install"), filepath.Join(dir, "install"))
	out := mustRun(t, cmd{args: []string{harness.Kustomize(t), "build", filepath.Join(dir, "install")}})

	var deploy, cm object
	for _, o := range decodeDocs(t, out) {
		switch str(o, "kind") {
		case "Deployment":
			deploy = o
		case "ConfigMap":
			cm = o
		}
	}
	require.NotNil(t, deploy)
	require.NotNil(t, cm, "no plugin ConfigMap")
	want, err := os.ReadFile(filepath.Join(root, "deploy/argocd/plugin.yaml"))
	require.NoError(t, err)
	require.Equal(t, string(want), str(cm, "data", "plugin.yaml"))
	require.Equal(t, "argocd", str(cm, "metadata", "namespace"))

	var d struct {
		Spec struct {
			Template struct {
				Spec struct {
					Containers []struct {
						Name            string   `json:"name"`
						Image           string   `json:"image"`
						Command         []string `json:"command"`
						SecurityContext struct {
							RunAsUser              *int64 `json:"runAsUser"`
							RunAsNonRoot           *bool  `json:"runAsNonRoot"`
							ReadOnlyRootFilesystem *bool  `json:"readOnlyRootFilesystem"`
						} `json:"securityContext"`
						VolumeMounts []struct {
							Name      string `json:"name"`
							MountPath string `json:"mountPath"`
							SubPath   string `json:"subPath"`
						} `json:"volumeMounts"`
					} `json:"containers"`
					Volumes []struct {
						Name      string         `json:"name"`
						ConfigMap map[string]any `json:"configMap"`
						EmptyDir  map[string]any `json:"emptyDir"`
					} `json:"volumes"`
				} `json:"spec"`
			} `json:"template"`
		} `json:"spec"`
	}
	b, err := json.Marshal(deploy)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &d))
	pod := d.Spec.Template.Spec
	require.Len(t, pod.Containers, 2, "the repo-server and the sidecar")
	byName := map[string]int{}
	for i, c := range pod.Containers {
		byName[c.Name] = i
	}
	require.Contains(t, byName, "argocd-repo-server", "the patch must keep the repo-server")
	require.Contains(t, byName, "zookeeper-fn", "no sidecar named zookeeper-fn")
	side := pod.Containers[byName["zookeeper-fn"]]
	require.Equal(t, env(t, "ZKFN_ARGOCD_IMAGE"), side.Image, "the patch names another image than `make argocd-image` builds")
	require.Equal(t, []string{"/var/run/argocd/argocd-cmp-server"}, side.Command)
	require.NotNil(t, side.SecurityContext.RunAsUser)
	require.EqualValues(t, 999, *side.SecurityContext.RunAsUser)
	require.True(t, side.SecurityContext.RunAsNonRoot != nil && *side.SecurityContext.RunAsNonRoot)
	require.True(t, side.SecurityContext.ReadOnlyRootFilesystem != nil && *side.SecurityContext.ReadOnlyRootFilesystem)

	volumes := map[string]bool{}
	var pluginVolume string
	for _, v := range pod.Volumes {
		volumes[v.Name] = true
		if v.ConfigMap != nil && v.ConfigMap["name"] == str(cm, "metadata", "name") {
			pluginVolume = v.Name
		}
	}
	require.NotEmpty(t, pluginVolume, "no volume for the plugin ConfigMap")
	mounts := map[string]string{}
	for _, m := range side.VolumeMounts {
		require.True(t, volumes[m.Name], "mount of unknown volume %s", m.Name)
		mounts[m.MountPath] = m.Name + ":" + m.SubPath
	}
	require.Equal(t, pluginVolume+":plugin.yaml", mounts["/home/argocd/cmp-server/config/plugin.yaml"])
	require.Equal(t, "var-files:", mounts["/var/run/argocd"])
	require.Equal(t, "plugins:", mounts["/home/argocd/cmp-server/plugins"])
	require.Contains(t, mounts, "/tmp", "a read-only root needs a writable /tmp for the CMP server's work directory")
}
