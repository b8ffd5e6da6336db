// Command argocd-cmp-server is Argo CD's Config Management Plugin server,
// built alone from the argo-cd module (the upstream binary is one of many
// names of a multi-call binary). The delivery e2e suite runs it exactly as the
// argocd-repo-server sidecar does, against deploy/argocd/plugin.yaml.
package main

import (
	"os"

	cmpserver "github.com/argoproj/argo-cd/v3/cmd/argocd-cmp-server/commands"
	"github.com/argoproj/argo-cd/v3/util/grpc"
)

func main() {
	grpc.DisableSRVLookups()
	if err := cmpserver.NewCommand().Execute(); err != nil {
		os.Exit(1)
	}
}
