#!/usr/bin/env bash
# build.sh: build the function's container image ($IMAGE, default
# localhost/zookeeper-fn:dev) from the repository's Dockerfile with whatever
# engine is here, then print its size.
#
#   docker  where an engine answers: a plain `docker build` with the real base
#           images from the Dockerfile's defaults.
#   podman  otherwise (hack/image/engine.sh installs it): local stand-ins for
#           the base images (hack/image/standins.sh) passed as build arguments,
#           no network, the host's Go module cache mounted read-only.
#
# VERSION (default: git describe) is stamped into the binary and the image's
# labels; `make image` passes the same VERSION as `make build`, so the image
# and the exec binary print byte-identical output.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${ZKFN_CACHE:=$HOME/.cache/zookeeper-fn}"
export ZKFN_CACHE
IMAGE=${IMAGE:-localhost/zookeeper-fn:dev}
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
log() { echo "build.sh: $*" >&2; }

eval "$(hack/image/engine.sh)"
start=$(date +%s)
case "$ZKFN_ENGINE" in
docker)
	engine=docker
	DOCKER_BUILDKIT=1 docker build --build-arg "VERSION=$VERSION" -t "$IMAGE" . >&2
	;;
podman)
	engine=podman
	args=()
	while IFS= read -r kv; do args+=(--build-arg "$kv"); done < <(hack/image/standins.sh)
	# Complete the host's module cache through the Go proxy; the build itself
	# runs without network and fails loudly if a module is missing.
	go mod download
	podman build --network none --pull=never \
		-v "$(go env GOMODCACHE):/go/pkg/mod:ro" \
		"${args[@]}" --build-arg GOPROXY=off --build-arg "VERSION=$VERSION" \
		-t "$IMAGE" . >&2
	;;
*)
	log "unknown engine ${ZKFN_ENGINE:-}"
	exit 1
	;;
esac
size=$($engine image inspect --format '{{.Size}}' "$IMAGE")
log "built $IMAGE (version $VERSION) with $engine in $(($(date +%s) - start)) s: $size bytes ($(awk -v s="$size" 'BEGIN{printf "%.1f MB", s/1e6}'))"
