#!/usr/bin/env bash
# build.sh: build the function's container image ($IMAGE, default
# localhost/zookeeper-fn:dev) from the repository's Dockerfile with whatever
# engine is here, then print its size. With DOCKERFILE=deploy/argocd/Dockerfile
# and BASE=busybox it builds the Argo CD sidecar image instead, from the
# function's image FUNCTION_IMAGE (build that first: the sidecar copies its
# binary).
#
#   docker  where an engine answers: a plain `docker build` with the real base
#           images from the Dockerfile's defaults.
#   podman  otherwise (hack/image/engine.sh installs it): local stand-ins for
#           the base images (hack/image/standins.sh) passed as build arguments,
#           no network, the host's Go module cache mounted read-only and its
#           build cache shared.
#
# VERSION (default: hack/release/version.sh) and COMMIT (default: git
# rev-parse HEAD) are stamped into the binary and the image's OCI labels;
# `make image` passes the same ones as `make build`, so the image and the
# exec binary print byte-identical output.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${ZKFN_CACHE:=$HOME/.cache/zookeeper-fn}"
export ZKFN_CACHE
IMAGE=${IMAGE:-localhost/zookeeper-fn:dev}
DOCKERFILE=${DOCKERFILE:-Dockerfile}
BASE=${BASE:-distroless} # which stand-in replaces the final stage's base: distroless or busybox
FUNCTION_IMAGE=${FUNCTION_IMAGE:-} # the sidecar's source of the function (deploy/argocd/Dockerfile)
VERSION=${VERSION:-$(hack/release/version.sh)}
COMMIT=${COMMIT:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}
log() { echo "build.sh: $*" >&2; }

eval "$(hack/image/engine.sh)"
start=$(date +%s)
common=(--build-arg "VERSION=$VERSION" --build-arg "COMMIT=$COMMIT")
if grep -q '^ARG FUNCTION_IMAGE=' "$DOCKERFILE"; then
	[ -n "$FUNCTION_IMAGE" ] || { log "$DOCKERFILE copies the function from FUNCTION_IMAGE: set it to the function's image (make image builds it)"; exit 1; }
	common+=(--build-arg "FUNCTION_IMAGE=$FUNCTION_IMAGE")
fi
case "$ZKFN_ENGINE" in
docker)
	engine=docker
	DOCKER_BUILDKIT=1 docker build -f "$DOCKERFILE" "${common[@]}" -t "$IMAGE" . >&2
	;;
podman)
	engine=podman
	standins=$(hack/image/standins.sh)
	get() { sed -n "s/^$1=//p" <<<"$standins"; }
	case "$BASE" in
	distroless) base_image=$(get DISTROLESS_IMAGE) ;;
	busybox) base_image=$(get BUSYBOX_IMAGE) ;;
	*) log "BASE must be distroless or busybox, not $BASE"; exit 1 ;;
	esac
	args=(--build-arg "GO_IMAGE=$(get GO_IMAGE)" --build-arg "BASE_IMAGE=$base_image")
	# Complete the host's module cache through the Go proxy (the sidecar also
	# needs kustomize's modules); the build itself runs without network, with
	# that cache as its only proxy (checksums were verified when the host
	# downloaded the modules), and fails loudly if a module is missing.
	go mod download
	if grep -q 'sigs.k8s.io/kustomize/kustomize' "$DOCKERFILE"; then
		kv=$(sed -n 's/^ARG KUSTOMIZE_VERSION=//p' "$DOCKERFILE")
		gobin=$(mktemp -d)
		CGO_ENABLED=0 GOBIN=$gobin GOFLAGS=-mod=mod go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kustomize/kustomize/v5@$kv"
		rm -rf "$gobin"
	fi
	# The host's Go build cache is shared (read-write): -trimpath keys its
	# entries by content, not by path, so `make build` warms the image build.
	gocache=$(go env GOCACHE)
	mkdir -p "$gocache"
	podman build -f "$DOCKERFILE" --network none --pull=never \
		-v "$(go env GOMODCACHE):/go/pkg/mod:ro" \
		-v "$gocache:/host-gocache" --build-arg GOCACHE=/host-gocache \
		"${args[@]}" "${common[@]}" \
		--build-arg GOPROXY=file:///go/pkg/mod/cache/download --build-arg GOSUMDB=off \
		-t "$IMAGE" . >&2
	;;
*)
	log "unknown engine ${ZKFN_ENGINE:-}"
	exit 1
	;;
esac
size=$($engine image inspect --format '{{.Size}}' "$IMAGE")
log "built $IMAGE (version $VERSION) with $engine in $(($(date +%s) - start)) s: $size bytes ($(awk -v s="$size" 'BEGIN{printf "%.1f MB", s/1e6}'))"
