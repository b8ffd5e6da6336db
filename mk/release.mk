# release: what users install and pin. `make release VERSION=vX.Y.Z` builds
# into $(DIST) the archives for linux and darwin on amd64 and arm64, their
# CycloneDX SBOMs, a checksums file, and the function and Argo CD sidecar
# images tagged with the version (hack/release/release.sh). e2e-release
# builds one (for this machine's platform only, to stay quick) and checks
# it. Publishing: docs/releasing.md.
TEST_TARGETS += e2e-release

CYCLONEDX_GOMOD_VERSION := v1.10.0
CYCLONEDX_GOMOD         := $(TOOLS_BIN)/cyclonedx-gomod-$(CYCLONEDX_GOMOD_VERSION)
DIST               ?= $(CURDIR)/dist
RELEASE_PLATFORMS  ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64
RELEASE_IMAGE_REPO ?= ghcr.io/zookeeper-fn
export CYCLONEDX_GOMOD

# Extra `go test` flags, e.g. E2E_RELEASE_FLAGS="-v -run TestRelease".
E2E_RELEASE_FLAGS ?=

.PHONY: release e2e-release

$(CYCLONEDX_GOMOD):
	hack/install-go-tool.sh github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod $(CYCLONEDX_GOMOD_VERSION) cyclonedx-gomod

release: $(CYCLONEDX_GOMOD) ## archives, SBOMs, checksums and images of VERSION into $(DIST)
	DIST="$(DIST)" VERSION="$(VERSION)" COMMIT="$(COMMIT)" PLATFORMS="$(RELEASE_PLATFORMS)" \
	  IMAGE_REPO="$(RELEASE_IMAGE_REPO)" hack/release/release.sh

e2e-release: build tools $(CYCLONEDX_GOMOD) ## `make release` into a temporary directory, checked; and `make demo` prints YAML only
	eval "$$(hack/image/engine.sh)"; \
	  go test -tags e2e -count=1 -timeout 20m $(E2E_RELEASE_FLAGS) ./e2e/release/...
