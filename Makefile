# zookeeper-fn: `make demo` renders overlays/prod, `make test` runs every test.
# Everything a target needs is installed by the scripts under hack/ into
# $(ZKFN_CACHE), which lives outside the clone so CI's fresh clones reuse it.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

ZKFN_CACHE ?= $(HOME)/.cache/zookeeper-fn
TOOLS_BIN  := $(ZKFN_CACHE)/bin
# The version and commit stamped into the binary and the images, computed
# once: the nearest v* tag, or v0.0.0-dev.<sha> before the first one.
ifeq ($(origin VERSION),undefined)
VERSION    := $(shell hack/release/version.sh)
endif
ifeq ($(origin COMMIT),undefined)
COMMIT     := $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
endif
LDFLAGS    := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
BIN        := $(CURDIR)/bin/zookeeper-fn
KUSTOMIZE_VERSION := v5.8.2
KUSTOMIZE  := $(TOOLS_BIN)/kustomize-$(KUSTOMIZE_VERSION)

# Tests find every binary through these variables and fail, never skip,
# when one is missing.
export ZKFN_CACHE
export ZKFN_BIN := $(BIN)
export KUSTOMIZE
export VERSION COMMIT

# Each mk/<area>.mk adds its suites to TEST_TARGETS (run by `make test`)
# and BENCH_TARGETS (run by `make bench`), and may add tools.
TEST_TARGETS :=
BENCH_TARGETS :=
include $(sort $(wildcard mk/*.mk))

# `make install` copies the binary here: $GOBIN when set, else $(PREFIX)/bin.
PREFIX ?= /usr/local
BINDIR ?= $(or $(GOBIN),$(PREFIX)/bin)

.PHONY: print-test-targets build install test unit integration lint demo bench tools clean update-golden

build: ## the exec binary, static and version-stamped
	@# Into a temporary name, then renamed: make test's two lanes both build,
	@# and a suite in one may be running the binary the other replaces.
	CGO_ENABLED=0 go build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN).$$$$.tmp ./fn/zookeeper-fn && mv -f $(BIN).$$$$.tmp $(BIN)

install: build ## bin/zookeeper-fn into $GOBIN, else $(PREFIX)/bin (BINDIR=... to choose)
	install -d "$(BINDIR)"
	install -m 0755 $(BIN) "$(BINDIR)/zookeeper-fn"
	@echo "installed $(BINDIR)/zookeeper-fn ($$("$(BINDIR)/zookeeper-fn" --version))"

$(KUSTOMIZE):
	hack/install-go-tool.sh sigs.k8s.io/kustomize/kustomize/v5 $(KUSTOMIZE_VERSION) kustomize

tools: $(KUSTOMIZE)

lint: ## gofmt, go vet (including the e2e packages) and shellcheck on every shell script
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '^testdata/')); \
	  if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	go vet ./...
	go vet -tags e2e ./...
	@# vet builds each package with its tests; this catches a non-test file
	@# that leans on a test's names.
	go build -tags e2e ./...
	hack/shellcheck.sh

unit: ## table, golden and fuzz-seed tests; no external tools
	go test ./internal/... ./fn/...

integration: build tools ## the real kustomize binary on every overlay
	go test -tags e2e -count=1 ./e2e/kustomize/...

# make test runs the quick stages in turn, then the suites in two lanes at
# once (hack/suite.sh): a real-ZooKeeper suite spends most of its time
# waiting for elections, timeouts and its writer, so the other lane uses
# the cores meanwhile. e2e-scaling, the longest, has lane 1 nearly to
# itself. Every suite in TEST_TARGETS must be in exactly one lane.
# Lane 1 first builds the backup suite's S3 server (s3-tools; minutes on a
# machine without caches, nothing once cached), so that lane 2, which
# builds the Kubernetes control plane for e2e-tls on such a machine,
# finds it ready when it reaches e2e-backup.
TEST_LANE_TOOLS := s3-tools
TEST_LANE_1 := s3-tools e2e-scaling e2e-bitnami e2e-bitnami-migration e2e-logback e2e-properties e2e-delivery e2e-release e2e-kubernetes e2e-security fuzz
TEST_LANE_2 := e2e-zookeeper e2e-tls e2e-observers e2e-monitoring e2e-backup
test_unplaced := $(filter-out $(TEST_LANE_1) $(TEST_LANE_2),$(TEST_TARGETS))
test_unknown := $(filter-out $(TEST_TARGETS) $(TEST_LANE_TOOLS),$(TEST_LANE_1) $(TEST_LANE_2))

print-test-targets: ## the suites make test runs, one line
	@echo $(TEST_TARGETS)

test: ## every suite: the quick ones in turn, then two lanes at once (hack/suite.sh)
	$(if $(test_unplaced),$(error make test: put $(test_unplaced) in TEST_LANE_1 or TEST_LANE_2 in the Makefile))
	$(if $(test_unknown),$(error make test: $(test_unknown) in a lane but not in TEST_TARGETS))
	@MAKE="$(MAKE)" hack/suite.sh lint unit integration zookeeper-tools -- $(TEST_LANE_1) -- $(TEST_LANE_2)

# Only the manifests reach stdout, so `make demo > prod.yaml` is valid YAML:
# the build and the tool install report on stderr.
demo: ## render overlays/prod through kustomize with the function
	@$(MAKE) --no-print-directory build tools >&2
	@PATH="$(CURDIR)/bin:$$PATH" $(KUSTOMIZE) build --enable-alpha-plugins --enable-exec overlays/prod

update-golden:
	go test ./internal/... -update

bench: build tools $(BENCH_TARGETS) ## benchmarks; not part of `make test`
	go test -run '^$$' -bench . -benchmem ./internal/...

clean:
	rm -rf bin dist
