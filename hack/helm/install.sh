#!/usr/bin/env bash
# hack/helm/install.sh: build helm v3 from the Go module proxy, pinned, into
# $ZKFN_CACHE/bin/helm-$HELM_VERSION once, and print its path. Only the
# e2e-bitnami suite uses it, to render the vendored Bitnami chart
# (testdata/bitnami) for the side-by-side comparison.
#
# The ldflags are the ones helm's own Makefile sets: the version, and the
# Kubernetes version that `helm template` reports to charts as
# .Capabilities.KubeVersion (otherwise v1.20.0, which makes library charts
# pick old API versions). The suite also passes --kube-version explicitly.
set -euo pipefail
HELM_VERSION=${HELM_VERSION:-v3.22.0}
KUBE_MINOR=37 # k8s.io/client-go v0.37.x in helm v3.22.0's go.mod
: "${ZKFN_CACHE:=$HOME/.cache/zookeeper-fn}"
dest="$ZKFN_CACHE/bin/helm-$HELM_VERSION"
if [ -x "$dest" ]; then echo "$dest"; exit 0; fi
command -v go >/dev/null || { echo "hack/helm/install.sh: go is not installed; install Go 1.26 or newer" >&2; exit 1; }
mkdir -p "$ZKFN_CACHE/bin"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "building helm.sh/helm/v3/cmd/helm@$HELM_VERSION into $dest (a few minutes cold)" >&2
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
ldflags+=" -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
ldflags+=" -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1"
ldflags+=" -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$KUBE_MINOR"
if ! GOBIN="$tmp" GOFLAGS=-mod=mod CGO_ENABLED=0 go install -trimpath -ldflags "$ldflags" \
  "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2; then
  echo "hack/helm/install.sh: could not build helm $HELM_VERSION from the Go module proxy" \
    "(needs network access to proxy.golang.org, or GOPROXY/GOFLAGS pointing at a mirror)" >&2
  exit 1
fi
got=$("$tmp/helm" version --short)
case "$got" in
"$HELM_VERSION"*) ;;
*) echo "hack/helm/install.sh: built helm reports $got, expected $HELM_VERSION" >&2; exit 1 ;;
esac
mv "$tmp/helm" "$dest"
echo "$dest"
