// Command argocd-cmp-server is Argo CD's Config Management Plugin server,
// built alone from the argo-cd module (the upstream binary is one of many
// names of a multi-call binary). The delivery e2e suite runs it exactly as the
// argocd-repo-server sidecar does, against deploy/argocd/plugin.yaml.
package main

import (
	"os"

	cmpserver "github.com/argoproj/argo-cd/v3/cmd/argocd-cmp-server/commands"
)

// Upstream's main also calls util/grpc.DisableSRVLookups, a workaround for
// DNS SRV lookups that grpclb turns on; this binary does not link grpclb (the
// workaround panics when it finds the lookups already off) and only listens
// on a unix socket.
func main() {
	if err := cmpserver.NewCommand().Execute(); err != nil {
		os.Exit(1)
	}
}
