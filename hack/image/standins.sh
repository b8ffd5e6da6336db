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

build_go() {
	log "building $go_image from $goroot and /bin/busybox"
	local ctr mnt
	ctr=$(buildah from scratch)
	trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' RETURN
	mnt=$(buildah mount "$ctr")
	mkdir -p "$mnt"/{bin,etc,tmp,root,go/bin,go/src,usr/local}
	chmod 1777 "$mnt/tmp"
	cp -a "$goroot" "$mnt/usr/local/go"
	install -m 0755 /bin/busybox "$mnt/bin/busybox"
	local a
	for a in $(/bin/busybox --list); do
		[ -e "$mnt/bin/$a" ] || ln -s busybox "$mnt/bin/$a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$mnt/etc/passwd"
	printf 'root:x:0:\nnobody:x:65534:\n' >"$mnt/etc/group"
	buildah umount "$ctr" >/dev/null
	buildah config \
		--env PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		--env GOPATH=/go --env GOTOOLCHAIN=local --env "GOLANG_VERSION=${gover#go}" \
		--workingdir /go --cmd /bin/sh \
		--label "dev.zookeeper-fn.standin-rev=$REV" \
		--label "dev.zookeeper-fn.standin-for=golang:${gover#go}" "$ctr"
	buildah commit --quiet --rm "$ctr" "$go_image" >/dev/null
	trap - RETURN
}

build_base() {
	log "building $base_image"
	local ctr mnt
	ctr=$(buildah from scratch)
	trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' RETURN
	mnt=$(buildah mount "$ctr")
	mkdir -p "$mnt"/{etc,tmp,home/nonroot,root}
	chmod 1777 "$mnt/tmp"
	chmod 0700 "$mnt/home/nonroot" "$mnt/root"
	chown 65532:65532 "$mnt/home/nonroot"
	cat >"$mnt/etc/passwd" <<'P'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
P
	cat >"$mnt/etc/group" <<'G'
root:x:0:
nobody:x:65534:
tty:x:5:
staff:x:50:
nonroot:x:65532:
G
	buildah umount "$ctr" >/dev/null
	buildah config --user 65532 --workingdir /home/nonroot \
		--env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		--label "dev.zookeeper-fn.standin-rev=$REV" \
		--label "dev.zookeeper-fn.standin-for=gcr.io/distroless/static-debian12:nonroot" "$ctr"
	buildah commit --quiet --rm "$ctr" "$base_image" >/dev/null
	trap - RETURN
}

build_busybox() {
	log "building $busybox_image from /bin/busybox"
	local ctr mnt a
	ctr=$(buildah from scratch)
	trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' RETURN
	mnt=$(buildah mount "$ctr")
	mkdir -p "$mnt"/{bin,etc,tmp,root,home/argocd}
	chmod 1777 "$mnt/tmp"
	chown 999:999 "$mnt/home/argocd"
	install -m 0755 /bin/busybox "$mnt/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ -e "$mnt/bin/$a" ] || ln -s busybox "$mnt/bin/$a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\nargocd:x:999:999:argocd:/home/argocd:/bin/sh\n' >"$mnt/etc/passwd"
	printf 'root:x:0:\nnobody:x:65534:\nargocd:x:999:\n' >"$mnt/etc/group"
	buildah umount "$ctr" >/dev/null
	buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd sh \
		--label "dev.zookeeper-fn.standin-rev=$REV" \
		--label "dev.zookeeper-fn.standin-for=busybox:1.37-musl" "$ctr"
	buildah commit --quiet --rm "$ctr" "$busybox_image" >/dev/null
	trap - RETURN
}

current "$go_image" || build_go
current "$base_image" || build_base
current "$busybox_image" || build_busybox
echo "GO_IMAGE=$go_image"
echo "DISTROLESS_IMAGE=$base_image"
echo "BUSYBOX_IMAGE=$busybox_image"
