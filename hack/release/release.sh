#!/usr/bin/env bash
# release.sh: build a release into $DIST (`make release`):
#
#   zookeeper-fn_<v>_<os>_<arch>.tar.gz            static binary (CGO_ENABLED=0,
#                                                  -trimpath), LICENSE, README.md,
#                                                  CHANGELOG.md
#   zookeeper-fn_<v>_<os>_<arch>.tar.gz.sbom.json  CycloneDX SBOM of that binary
#                                                  (cyclonedx-gomod bin)
#   zookeeper-fn_<v>_checksums.txt                 sha256 of the files above
#   images.txt                                     the two images, reference and
#                                                  image id
#
# and the function and Argo CD sidecar images, $IMAGE_REPO/zookeeper-fn:$VERSION
# and $IMAGE_REPO/zookeeper-fn-argocd:$VERSION, with OCI labels (source,
# revision, version, licenses), in the local engine's store (hack/image/).
# Publishing them is a separate, deliberate step: docs/releasing.md.
#
# Environment: VERSION (vX.Y.Z[-pre], required), COMMIT (default HEAD), DIST,
# PLATFORMS ("os/arch ..."), IMAGE_REPO, IMAGES (0: no images),
# CYCLONEDX_GOMOD (the SBOM tool), RELEASE_ALLOW_DIRTY (1: allow a work tree
# with changes, for tests).
set -euo pipefail
cd "$(dirname "$0")/../.."
log() { echo "release.sh: $*" >&2; }
die() { log "$*"; exit 1; }

: "${VERSION:?set VERSION=vX.Y.Z}"
COMMIT=${COMMIT:-$(git rev-parse HEAD)}
DIST=${DIST:-dist}
PLATFORMS=${PLATFORMS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64}
IMAGE_REPO=${IMAGE_REPO:-ghcr.io/zookeeper-fn}
IMAGES=${IMAGES:-1}
: "${CYCLONEDX_GOMOD:?set CYCLONEDX_GOMOD to cyclonedx-gomod (make release installs it)}"

# A semantic version that is also a valid image tag (no "+build" part).
semver='^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$'
[[ $VERSION =~ $semver ]] || die "VERSION=$VERSION is not a semantic version vX.Y.Z[-pre]"
if [ "${RELEASE_ALLOW_DIRTY:-0}" != 1 ] && ! git diff --quiet HEAD; then
	die "the work tree has uncommitted changes: commit them, or set RELEASE_ALLOW_DIRTY=1 for a test build"
fi
[ "$(git rev-parse HEAD)" = "$COMMIT" ] || [ "${RELEASE_ALLOW_DIRTY:-0}" = 1 ] ||
	die "COMMIT=$COMMIT is not HEAD ($(git rev-parse HEAD)): check out the release commit"

v=${VERSION#v}
rm -rf "$DIST"
mkdir -p "$DIST"
DIST=$(cd "$DIST" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Archive entries get the commit's time, so an archive depends on its
# contents only.
mtime=$(git log -1 --format=%ct "$COMMIT" 2>/dev/null || date +%s)

for p in $PLATFORMS; do
	os=${p%/*} arch=${p#*/}
	name="zookeeper-fn_${v}_${os}_${arch}"
	start=$(date +%s)
	mkdir -p "$work/$name"
	CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath \
		-ldflags "-s -w -X main.version=$VERSION -X main.commit=$COMMIT" \
		-o "$work/$name/zookeeper-fn" ./fn/zookeeper-fn
	cp LICENSE README.md CHANGELOG.md "$work/$name/"
	tar -C "$work" --sort=name --mtime="@$mtime" --owner=0 --group=0 --numeric-owner \
		-cf - "$name" | gzip -n -9 >"$DIST/$name.tar.gz"
	"$CYCLONEDX_GOMOD" bin -json -licenses -version "$VERSION" \
		-output "$DIST/$name.tar.gz.sbom.json" "$work/$name/zookeeper-fn" 2>"$work/sbom.log" ||
		{ cat "$work/sbom.log" >&2; die "cyclonedx-gomod failed for $name"; }
	log "$name.tar.gz and its SBOM in $(($(date +%s) - start)) s"
done

(cd "$DIST" && sha256sum -- *.tar.gz *.sbom.json >"zookeeper-fn_${v}_checksums.txt")
log "checksums: $DIST/zookeeper-fn_${v}_checksums.txt"

if [ "$IMAGES" = 1 ]; then
	eval "$(hack/image/engine.sh)"
	engine=$ZKFN_ENGINE
	fn_image="$IMAGE_REPO/zookeeper-fn:$VERSION"
	argocd_image="$IMAGE_REPO/zookeeper-fn-argocd:$VERSION"
	IMAGE=$fn_image VERSION=$VERSION COMMIT=$COMMIT hack/image/build.sh
	IMAGE=$argocd_image VERSION=$VERSION COMMIT=$COMMIT DOCKERFILE=deploy/argocd/Dockerfile BASE=busybox \
		FUNCTION_IMAGE=$fn_image hack/image/build.sh
	for i in "$fn_image" "$argocd_image"; do
		echo "$i $("$engine" image inspect --format '{{.Id}}' "$i")"
	done >"$DIST/images.txt"
	log "images: $fn_image, $argocd_image (push them: docs/releasing.md)"
fi
log "release $VERSION ($COMMIT) in $DIST"
