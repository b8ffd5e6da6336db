//go:build e2e

package delivery

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// startSidecar runs Argo CD's real argocd-cmp-server in the sidecar image
// the way repo-server-patch.yaml does: the server binary at
// /var/run/argocd/argocd-cmp-server, plugin.yaml at
// /home/argocd/cmp-server/config/plugin.yaml, the plugins directory shared
// with the host (where the repo-server would be), user 999, a read-only
// root with a writable /tmp, no network. It returns the socket directory.
func startSidecar(t *testing.T) string {
	t.Helper()
	server := harness.Tool(t, "ARGOCD_CMP_SERVER", "e2e-delivery")
	plugin := filepath.Join(harness.Root(t), "deploy/argocd/plugin.yaml")
	socks := filepath.Join(t.TempDir(), "plugins")
	require.NoError(t, os.Mkdir(socks, 0o755))
	require.NoError(t, os.Chown(socks, 999, 999))
	name := fmt.Sprintf("zkfn-cmp-%d-%d", os.Getpid(), time.Now().UnixNano())

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	x := exec.CommandContext(ctx, engine(t), "run", "--rm", "--name", name,
		"--network", "none", "--user", "999:999", "--read-only", "--tmpfs", "/tmp",
		"--cap-drop", "ALL", "--security-opt=no-new-privileges",
		"-v", server+":/var/run/argocd/argocd-cmp-server:ro",
		"-v", plugin+":/home/argocd/cmp-server/config/plugin.yaml:ro",
		"-v", socks+":/home/argocd/cmp-server/plugins",
		"--entrypoint", "/var/run/argocd/argocd-cmp-server",
		env(t, "ZKFN_ARGOCD_IMAGE"), "--loglevel", "info")
	x.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	x.Cancel = func() error { return syscall.Kill(-x.Process.Pid, syscall.SIGKILL) }
	x.WaitDelay = 5 * time.Second
	logs := &lockedBuffer{}
	x.Stdout, x.Stderr = logs, logs
	require.NoError(t, x.Start())
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = x.Wait(); close(exited) }()
	t.Cleanup(func() {
		// The server ignores SIGTERM as pid 1: kill it, then make sure.
		_ = run(t, cmd{args: []string{engine(t), "kill", name}})
		_ = run(t, cmd{args: []string{engine(t), "rm", "-f", name}})
		cancel()
		<-exited
		if t.Failed() {
			t.Logf("argocd-cmp-server log:\n%s", logs.String())
		}
	})

	sock := filepath.Join(socks, "zookeeper-fn-v1.sock")
	deadline := time.Now().Add(90 * time.Second)
	for {
		if fi, err := os.Stat(sock); err == nil && fi.Mode()&os.ModeSocket != 0 {
			return socks
		}
		select {
		case <-exited:
			t.Fatalf("argocd-cmp-server exited: %v\n%s", waitErr, logs.String())
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no socket %s after 90 s; log:\n%s", sock, logs.String())
		}
	}
}

// asJSON turns kustomize's YAML stream into the JSON documents Argo CD's
// CMP server returns (kube.SplitYAMLToString), decoded.
func asJSON(t *testing.T, b []byte) []any {
	t.Helper()
	var out []any
	for _, d := range harness.SplitDocs(b) {
		j, err := yaml.YAMLToJSON([]byte(d + "\n"))
		require.NoError(t, err)
		var v any
		require.NoError(t, json.Unmarshal(j, &v))
		out = append(out, v)
	}
	return out
}

// The real argocd-cmp-server, in the sidecar image, given the repository
// the way argocd-repo-server gives it (a tarball over the unix socket,
// found by name or by the discover rule), returns overlays' manifests.
func TestArgoCDCMPServer(t *testing.T) {
	client := harness.Tool(t, "ARGOCD_CMP_CLIENT", "e2e-delivery")
	socks := startSidecar(t)
	repo := repoCopy(t, "base", "overlays")
	// An overlay with an invalid spec: discovered by its zookeeper.yaml, so
	// the render error reaches the Application.
	bad := filepath.Join(repo, "apps", "bad-even")
	require.NoError(t, os.MkdirAll(bad, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(bad, "kustomization.yaml"), []byte(
		"resources: [../../base]\npatches: [{path: zookeeper.yaml}]\ntransformers: [../../base/function]\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(bad, "zookeeper.yaml"), []byte(
		"apiVersion: zookeeper-fn.dev/v1alpha1\nkind: ZookeeperSpec\nmetadata: {name: zk}\nspec: {replicas: 4}\n"), 0o644))
	ask := func(args ...string) outcome {
		return run(t, cmd{
			env:  []string{"ARGOCD_PLUGINSOCKFILEPATH=" + socks},
			args: append([]string{client, "-repo", repo, "-app-name", "zookeeper", "-app-namespace", "argocd"}, args...),
		})
	}
	for _, tc := range []struct {
		name    string
		args    []string
		overlay string
	}{
		{"named plugin", []string{"-plugin", "zookeeper-fn-v1", "-path", "overlays/prod"}, "prod"},
		{"discovered", []string{"-path", "overlays/prod"}, "prod"},
		{"env", []string{"-plugin", "zookeeper-fn-v1", "-path", "overlays", "-env", "OVERLAY=staging"}, "staging"},
		{"parameter", []string{"-path", "overlays", "-param", "overlay=dev"}, "dev"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := asJSON(t, harness.Build(t, harness.Overlay(t, tc.overlay)))
			o := ask(tc.args...)
			require.NoError(t, o.err, "stderr:\n%s", o.stderr)
			var got []any
			for _, l := range strings.Split(strings.TrimSpace(string(o.stdout)), "\n") {
				var v any
				require.NoError(t, json.Unmarshal([]byte(l), &v), "line %q", l)
				got = append(got, v)
			}
			require.Equal(t, want, got)
		})
	}

	t.Run("invalid spec", func(t *testing.T) {
		for _, args := range [][]string{{"-plugin", "zookeeper-fn-v1"}, nil} {
			o := ask(append(args, "-path", "apps/bad-even")...)
			require.Error(t, o.err)
			require.Empty(t, o.stdout)
			require.Contains(t, string(o.stderr), "spec.replicas")
		}
	})
	t.Run("not discovered", func(t *testing.T) {
		o := ask("-path", "base/function")
		require.Error(t, o.err)
		require.Contains(t, string(o.stderr), "could not find plugin supporting the given repository")
	})
	// Naming the plugin does not skip discovery: Argo CD runs the rule and
	// refuses an Application it does not match.
	t.Run("named but not matched", func(t *testing.T) {
		o := ask("-plugin", "zookeeper-fn-v1", "-path", "base/function")
		require.Error(t, o.err)
		require.Empty(t, o.stdout)
		require.Contains(t, string(o.stderr), `could not find cmp-server plugin with name "zookeeper-fn-v1" supporting the given repository`)
	})
}
