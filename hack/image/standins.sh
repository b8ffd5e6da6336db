#!/usr/bin/env bash
# standins.sh: build local stand-ins for the Dockerfile's two base images, for
# machines that reach no image registry, and print them as build arguments:
#
#   GO_IMAGE=localhost/zkfn-standin/golang:<go version>
#       Go from $(go env GOROOT) plus a static busybox as /bin/sh, laid out
#       like the official golang image (GOPATH=/go, GOTOOLCHAIN=local).
#   DISTROLESS_IMAGE=localhost/zkfn-standin/distroless-static:nonroot
#       Like gcr.io/distroless/static-debian12:nonroot: no shell, no libc,
#       /etc/passwd with root, nobody and nonroot (65532), /tmp, user 65532.
#   BUSYBOX_IMAGE=localhost/zkfn-standin/busybox:1.37-musl
#       Like busybox:1.37-musl (the Argo CD sidecar's base): a static busybox
#       as /bin/sh and its applets, /etc/passwd with root, nobody and argocd
#       (999), /tmp.
#
# Each stand-in is built once and kept (podman's image store); a stand-in whose
# recipe revision label is older than REV below is rebuilt.
set -euo pipefail
REV=1
log() { echo "standins.sh: $*" >&2; }
command -v buildah >/dev/null || { log "buildah is missing: run hack/image/engine.sh"; exit 1; }

goroot=$(go env GOROOT)
gover=$(go env GOVERSION) # go1.26.8
go_image="localhost/zkfn-standin/golang:${gover#go}"
base_image="localhost/zkfn-standin/distroless-static:nonroot"
busybox_image="localhost/zkfn-standin/busybox:1.37-musl"

current() { # image: true when present and built by this revision of the recipe
	[ "$(podman image inspect --format '{{index .Labels "dev.zookeeper-fn.standin-rev"}}' "$1" 2>/dev/null)" = "$REV" ]
}

# standin IMAGE FOR POPULATE [buildah config options...]: build IMAGE, a
# stand-in for the registry image FOR, from scratch: POPULATE fills the root
# (its argument is the mounted root), the options configure it.
standin() {
	local image=$1 for=$2 populate=$3 ctr mnt
	shift 3
	log "building $image"
	ctr=$(buildah from scratch)
	trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' RETURN
	mnt=$(buildah mount "$ctr")
	"$populate" "$mnt"
	buildah umount "$ctr" >/dev/null
	buildah config "$@" --label "dev.zookeeper-fn.standin-rev=$REV" --label "dev.zookeeper-fn.standin-for=$for" "$ctr"
	buildah commit --quiet --rm "$ctr" "$image" >/dev/null
	trap - RETURN
}

# busybox_in ROOT: the host's static busybox as ROOT/bin/busybox and each
# of its applets.
busybox_in() {
	local a
	install -m 0755 /bin/busybox "$1/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ -e "$1/bin/$a" ] || ln -s busybox "$1/bin/$a"
	done
}

# Go from $goroot and busybox as /bin/sh.
go_root() {
	mkdir -p "$1"/{bin,etc,tmp,root,go/bin,go/src,usr/local}
	chmod 1777 "$1/tmp"
	cp -a "$goroot" "$1/usr/local/go"
	busybox_in "$1"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$1/etc/passwd"
	printf 'root:x:0:\nnobody:x:65534:\n' >"$1/etc/group"
}

# distroless static: no shell, no libc, the users nonroot and nobody.
base_root() {
	mkdir -p "$1"/{etc,tmp,home/nonroot,root}
	chmod 1777 "$1/tmp"
	chmod 0700 "$1/home/nonroot" "$1/root"
	chown 65532:65532 "$1/home/nonroot"
	cat >"$1/etc/passwd" <<'P'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
P
	cat >"$1/etc/group" <<'G'
root:x:0:
nobody:x:65534:
tty:x:5:
staff:x:50:
nonroot:x:65532:
G
}

# busybox with the Argo CD sidecar's user argocd (999).
busybox_root() {
	mkdir -p "$1"/{bin,etc,tmp,root,home/argocd}
	chmod 1777 "$1/tmp"
	chown 999:999 "$1/home/argocd"
	busybox_in "$1"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\nargocd:x:999:999:argocd:/home/argocd:/bin/sh\n' >"$1/etc/passwd"
	printf 'root:x:0:\nnobody:x:65534:\nargocd:x:999:\n' >"$1/etc/group"
}

path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
current "$go_image" || standin "$go_image" "golang:${gover#go}" go_root \
	--env "PATH=/go/bin:/usr/local/go/bin:$path" \
	--env GOPATH=/go --env GOTOOLCHAIN=local --env "GOLANG_VERSION=${gover#go}" \
	--workingdir /go --cmd /bin/sh
current "$base_image" || standin "$base_image" gcr.io/distroless/static-debian12:nonroot base_root \
	--user 65532 --workingdir /home/nonroot --env "PATH=$path"
current "$busybox_image" || standin "$busybox_image" busybox:1.37-musl busybox_root \
	--env "PATH=$path" --cmd sh
echo "GO_IMAGE=$go_image"
echo "DISTROLESS_IMAGE=$base_image"
echo "BUSYBOX_IMAGE=$busybox_image"
