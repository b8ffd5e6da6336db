# delivery: the function as users get it. `make image` builds the container
# image (docker where an engine runs; otherwise Debian's podman with local
# stand-ins for the base images, see hack/image/); e2e-delivery runs the
# image under kustomize and kpt, the kpt packages in examples/kpt (exec and
# image forms), and the Argo CD plugin in deploy/argocd both by hand, as the
# sidecar runs it, and through a real argocd-cmp-server (hack/argocd/).
# See docs/delivery.md.
TEST_TARGETS += e2e-delivery

ZKFN_IMAGE        ?= localhost/zookeeper-fn:dev
ZKFN_ARGOCD_IMAGE ?= localhost/zookeeper-fn-argocd:dev
ZKFN_KPT          ?= $(or $(shell command -v kpt 2>/dev/null),/usr/bin/kpt)
export ZKFN_IMAGE ZKFN_ARGOCD_IMAGE ZKFN_KPT

# Extra `go test` flags, e.g. E2E_DELIVERY_FLAGS="-v -run TestKpt".
E2E_DELIVERY_FLAGS ?=

.PHONY: image argocd-image argocd-tools e2e-delivery

image: ## the function's container image, $(ZKFN_IMAGE)
	IMAGE=$(ZKFN_IMAGE) VERSION=$(VERSION) COMMIT=$(COMMIT) hack/image/build.sh

argocd-image: image ## the argocd-repo-server sidecar image, $(ZKFN_ARGOCD_IMAGE), with the function from $(ZKFN_IMAGE)
	IMAGE=$(ZKFN_ARGOCD_IMAGE) VERSION=$(VERSION) COMMIT=$(COMMIT) DOCKERFILE=deploy/argocd/Dockerfile BASE=busybox \
	  FUNCTION_IMAGE=$(ZKFN_IMAGE) hack/image/build.sh

argocd-tools: ## argocd-cmp-server and a repo-server-like client, built once
	hack/argocd/build-cmp-server.sh >/dev/null

e2e-delivery: build tools image argocd-image argocd-tools ## the image, kpt and Argo CD paths against the exec binary
	@test -x "$(ZKFN_KPT)" || { echo "kpt not found (ZKFN_KPT=$(ZKFN_KPT)): it comes with this kind of machine's image (/usr/bin/kpt)" >&2; exit 1; }
	eval "$$(hack/image/engine.sh)"; \
	  eval "$$(hack/argocd/build-cmp-server.sh)"; \
	  export ARGOCD_CMP_SERVER ARGOCD_CMP_CLIENT; \
	  go test -tags e2e -count=1 -timeout 30m $(E2E_DELIVERY_FLAGS) ./e2e/delivery/...
