# zookeeper-fn: `make demo` renders overlays/prod, `make test` runs every test.
# Everything a target needs is installed by the scripts under hack/ into
# $(ZKFN_CACHE), which lives outside the clone so CI's fresh clones reuse it.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

ZKFN_CACHE ?= $(HOME)/.cache/zookeeper-fn
TOOLS_BIN  := $(ZKFN_CACHE)/bin
VERSION    ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
BIN        := $(CURDIR)/bin/zookeeper-fn
KUSTOMIZE_VERSION := v5.8.2
KUSTOMIZE  := $(TOOLS_BIN)/kustomize-$(KUSTOMIZE_VERSION)

# Tests find every binary through these variables and fail, never skip,
# when one is missing.
export ZKFN_CACHE
export ZKFN_BIN := $(BIN)
export KUSTOMIZE

# Each mk/<area>.mk adds its suites to TEST_TARGETS (run by `make test`)
# and BENCH_TARGETS (run by `make bench`), and may add tools.
TEST_TARGETS :=
BENCH_TARGETS :=
include $(sort $(wildcard mk/*.mk))

.PHONY: build test unit integration lint demo bench tools clean update-golden

build: ## the exec binary, static and version-stamped
	CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$(VERSION)" -o $(BIN) ./fn/zookeeper-fn

$(KUSTOMIZE):
	hack/install-go-tool.sh sigs.k8s.io/kustomize/kustomize/v5 $(KUSTOMIZE_VERSION) kustomize

tools: $(KUSTOMIZE)

lint: ## gofmt and go vet, including the e2e packages
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '^testdata/')); \
	  if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	go vet ./...
	go vet -tags e2e ./...

unit: ## table, golden and fuzz-seed tests; no external tools
	go test ./internal/... ./fn/...

integration: build tools ## the real kustomize binary on every overlay
	go test -tags e2e -count=1 ./e2e/kustomize/...

test: lint unit integration $(TEST_TARGETS)
	@echo "make test: all suites passed"

demo: build tools ## render overlays/prod through kustomize with the function
	PATH="$(CURDIR)/bin:$$PATH" $(KUSTOMIZE) build --enable-alpha-plugins --enable-exec overlays/prod

update-golden:
	go test ./internal/... -update

bench: build tools $(BENCH_TARGETS) ## benchmarks; not part of `make test`
	go test -run '^$$' -bench . -benchmem ./internal/...

clean:
	rm -rf bin
