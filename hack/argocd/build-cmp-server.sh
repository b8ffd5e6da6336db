#!/usr/bin/env bash
# build-cmp-server.sh: build Argo CD's argocd-cmp-server and a repo-server-like
# gRPC client (hack/argocd/cmptools, a module of its own pinned to argo-cd
# ARGOCD_VERSION) into $ZKFN_CACHE/bin, once per version and source hash:
#
#   $ZKFN_CACHE/bin/argocd-cmp-server-<version>-<hash>
#   $ZKFN_CACHE/bin/argocd-cmp-client-<version>-<hash>
#
# argo-cd v3 needs Go 1.27, which the Go module proxy serves as a toolchain
# (GOTOOLCHAIN=go1.27.3); the project itself stays on its own Go. Cold: about
# 200 s and 1.7 GB of memory; warm: nothing to do. Prints the two paths as
# shell assignments (ARGOCD_CMP_SERVER=..., ARGOCD_CMP_CLIENT=...).
set -euo pipefail
cd "$(dirname "$0")/cmptools"
: "${ZKFN_CACHE:=$HOME/.cache/zookeeper-fn}"
ARGOCD_TOOLCHAIN=${ARGOCD_TOOLCHAIN:-go1.27.3}
version=$(awk '$1 == "github.com/argoproj/argo-cd/v3" {print $2; exit}' go.mod)
[ -n "$version" ] || { echo "build-cmp-server.sh: argo-cd/v3 not found in cmptools/go.mod" >&2; exit 1; }
hash=$( { echo "$ARGOCD_TOOLCHAIN"; cat go.mod go.sum cmp-server/*.go cmp-client/*.go; } | sha256sum | cut -c1-12)
server="$ZKFN_CACHE/bin/argocd-cmp-server-$version-$hash"
client="$ZKFN_CACHE/bin/argocd-cmp-client-$version-$hash"
if [ ! -x "$server" ] || [ ! -x "$client" ]; then
	echo "build-cmp-server.sh: building argocd-cmp-server $version with $ARGOCD_TOOLCHAIN (cold: about 200 s)" >&2
	mkdir -p "$ZKFN_CACHE/bin"
	tmp=$(mktemp -d "$ZKFN_CACHE/bin/.cmp-build.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	start=$(date +%s)
	GOTOOLCHAIN=$ARGOCD_TOOLCHAIN GOFLAGS=-mod=readonly CGO_ENABLED=0 go build -trimpath \
		-ldflags "-s -w -X github.com/argoproj/argo-cd/v3/common.version=${version#v}" \
		-o "$tmp/" ./cmp-server ./cmp-client
	mv "$tmp/cmp-server" "$server"
	mv "$tmp/cmp-client" "$client"
	# Builds from older sources are never used again.
	find "$ZKFN_CACHE/bin" -maxdepth 1 \( -name 'argocd-cmp-server-*' -o -name 'argocd-cmp-client-*' \) \
		! -name "*-$hash" -delete
	echo "build-cmp-server.sh: built in $(($(date +%s) - start)) s" >&2
fi
echo "ARGOCD_CMP_SERVER=$server"
echo "ARGOCD_CMP_CLIENT=$client"
