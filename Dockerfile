# zookeeper-fn as a KRM function container image.
#
#   docker build --build-arg VERSION=$(hack/release/version.sh) --build-arg COMMIT=$(git rev-parse HEAD) -t zookeeper-fn .
#
# The base images are build arguments so that machines without a registry can
# pass local stand-ins (hack/image/build.sh does); the defaults are the real
# images. The final image has no shell and no libc: only the static binary and
# an /etc/passwd that knows nonroot (the default user) and nobody (the user
# kustomize and kpt run container functions as).
ARG GO_IMAGE=golang:1.26
ARG BASE_IMAGE=gcr.io/distroless/static-debian12:nonroot

FROM ${GO_IMAGE} AS build
ARG GOPROXY
ARG GOSUMDB
ENV CGO_ENABLED=0 GOFLAGS=-mod=readonly GOTOOLCHAIN=local
WORKDIR /src
COPY go.mod go.sum ./
# A layer of its own, so that source edits reuse the downloaded modules. An
# offline build mounts a complete module cache at /go/pkg/mod and this only
# verifies it.
RUN go mod download
COPY fn/ fn/
COPY internal/ internal/
# --help prints docs/usage.md, embedded by package docs.
COPY docs/usage.go docs/usage.md docs/
# The build cache lives in a BuildKit cache mount; an engine without one (or a
# build that shares the host's cache through a volume) points GOCACHE
# elsewhere.
ARG GOCACHE=/root/.cache/go-build
ENV GOCACHE=${GOCACHE}
ARG VERSION=dev
ARG COMMIT=unknown
RUN --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" -o /out/zookeeper-fn ./fn/zookeeper-fn

FROM ${BASE_IMAGE}
ARG VERSION=dev
ARG COMMIT=unknown
LABEL org.opencontainers.image.title="zookeeper-fn" \
      org.opencontainers.image.description="KRM function that renders Apache ZooKeeper ensembles for Kubernetes" \
      org.opencontainers.image.source="https://github.com/zookeeper-fn/zookeeper-fn" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /out/zookeeper-fn /usr/local/bin/zookeeper-fn
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/zookeeper-fn"]
