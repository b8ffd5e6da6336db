// Command cmp-client asks running argocd-cmp-server sidecars for manifests the
// way argocd-repo-server does (reposerver/repository.runConfigManagementPluginSidecars):
// it builds the same environment (ARGOCD_APP_*, KUBE_VERSION, ARGOCD_ENV_* from
// the Application's plugin env, PARAM_* and ARGOCD_APP_PARAMETERS from its
// parameters), finds the plugin through the sockets in $ARGOCD_PLUGINSOCKFILEPATH
// (by name, or by each plugin's discover rule), streams the repository as a
// tarball, and prints each manifest the server returns as one line of JSON.
// Logs go to stderr.
//
//	cmp-client -repo DIR -path overlays/prod -app-name zk -app-namespace argocd \
//	    -env OVERLAY=prod -param overlay=prod [-plugin zookeeper-fn-v1]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	grpc_retry "github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/retry"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/argoproj/argo-cd/v3/pkg/apis/application/v1alpha1"
	"github.com/argoproj/argo-cd/v3/util/app/discovery"
	"github.com/argoproj/argo-cd/v3/util/cmp"
)

type pairs []string

func (p *pairs) String() string { return strings.Join(*p, ",") }

func (p *pairs) Set(v string) error {
	if !strings.Contains(v, "=") {
		return fmt.Errorf("want NAME=VALUE, got %q", v)
	}
	*p = append(*p, v)
	return nil
}

func main() {
	var (
		repo, path, appName, appNS, project, revision, plugin string
		kubeVersion                                           string
		envs, params                                          pairs
		timeout                                               time.Duration
	)
	flag.StringVar(&repo, "repo", "", "repository checkout (sent whole, as the repo-server does)")
	flag.StringVar(&path, "path", ".", "the Application's spec.source.path inside -repo")
	flag.StringVar(&appName, "app-name", "zookeeper", "ARGOCD_APP_NAME")
	flag.StringVar(&appNS, "app-namespace", "argocd", "ARGOCD_APP_NAMESPACE")
	flag.StringVar(&project, "project", "default", "ARGOCD_APP_PROJECT_NAME")
	flag.StringVar(&revision, "revision", "0123456789abcdef0123456789abcdef01234567", "ARGOCD_APP_REVISION")
	flag.StringVar(&plugin, "plugin", "", "spec.source.plugin.name; empty: discover through each plugin's discover rule")
	flag.StringVar(&kubeVersion, "kube-version", "1.37.2", "KUBE_VERSION")
	flag.Var(&envs, "env", "spec.source.plugin.env entry NAME=VALUE (becomes ARGOCD_ENV_NAME); repeatable")
	flag.Var(&params, "param", "spec.source.plugin.parameters string NAME=VALUE (becomes PARAM_NAME); repeatable")
	flag.DurationVar(&timeout, "timeout", 60*time.Second, "deadline for the whole exchange")
	flag.Parse()
	if repo == "" {
		fmt.Fprintln(os.Stderr, "cmp-client: -repo is required")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	manifests, err := generate(ctx, repo, path, plugin, environ(appName, appNS, project, revision, path, kubeVersion, envs, params))
	if err != nil {
		fmt.Fprintf(os.Stderr, "cmp-client: %v\n", err)
		os.Exit(1)
	}
	for _, m := range manifests {
		fmt.Println(m)
	}
}

// environ is newEnv + getPluginEnvs of the repo-server.
func environ(appName, appNS, project, revision, path, kubeVersion string, envs, params pairs) []string {
	short := func(n int) string { return revision[:min(n, len(revision))] }
	env := []string{
		"ARGOCD_APP_NAME=" + appName,
		"ARGOCD_APP_NAMESPACE=" + appNS,
		"ARGOCD_APP_PROJECT_NAME=" + project,
		"ARGOCD_APP_REVISION=" + revision,
		"ARGOCD_APP_REVISION_SHORT=" + short(7),
		"ARGOCD_APP_REVISION_SHORT_8=" + short(8),
		"ARGOCD_APP_SOURCE_REPO_URL=https://git.example.invalid/zookeeper.git",
		"ARGOCD_APP_SOURCE_PATH=" + path,
		"ARGOCD_APP_SOURCE_TARGET_REVISION=HEAD",
		"KUBE_VERSION=" + kubeVersion,
		"KUBE_API_VERSIONS=v1,apps/v1,policy/v1,networking.k8s.io/v1,storage.k8s.io/v1",
	}
	for _, e := range envs {
		env = append(env, "ARGOCD_ENV_"+e)
	}
	var ps v1alpha1.ApplicationSourcePluginParameters
	for _, p := range params {
		name, value, _ := strings.Cut(p, "=")
		ps = append(ps, v1alpha1.ApplicationSourcePluginParameter{Name: name, String_: &value})
	}
	if len(ps) > 0 {
		pe, err := ps.Environ()
		if err != nil {
			fmt.Fprintf(os.Stderr, "cmp-client: %v\n", err)
			os.Exit(2)
		}
		env = append(env, pe...)
	}
	return env
}

// generate is runConfigManagementPluginSidecars + generateManifestsCMP.
func generate(ctx context.Context, repo, path, plugin string, env []string) ([]string, error) {
	repo, err := filepath.Abs(repo)
	if err != nil {
		return nil, err
	}
	appPath := filepath.Join(repo, path)
	conn, client, err := discovery.DetectConfigManagementPlugin(ctx, appPath, repo, plugin, env, nil)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := client.CheckPluginConfiguration(ctx, &emptypb.Empty{}); err != nil {
		return nil, fmt.Errorf("checkPluginConfiguration: %w", err)
	}
	stream, err := client.GenerateManifest(ctx, grpc_retry.Disable())
	if err != nil {
		return nil, fmt.Errorf("generateManifest stream: %w", err)
	}
	if err := cmp.SendRepoStream(ctx, appPath, repo, stream, env, nil); err != nil {
		return nil, err
	}
	resp, err := stream.CloseAndRecv()
	if err != nil {
		return nil, fmt.Errorf("generating manifests in cmp: %w", err)
	}
	return resp.Manifests, nil
}
