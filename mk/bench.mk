# bench: what the function costs (`make bench`, never part of `make test`).
# bench-suite prints one table of medians (bench/suite: the function against
# an identity function built from the same kyaml, 1k/10k/50k-resource
# streams, 100 specs, kustomize end to end, container vs exec, sizes; see
# docs/performance.md). bench-start is its row 1 alone, with a build of
# BENCH_BASE in the same interleaving: before and after a start-up change
# under the same load; bench-same proves that BENCH_BASE's build and this
# tree's print the same stdout, stderr and exit code for every input the
# repository holds (bench/same-output.sh). The Go benchmarks of the hot paths (bench_test.go
# under internal/) compare before and after a change with benchstat, pinned
# and built from the Go module proxy into $(TOOLS_BIN).
BENCH_TARGETS += bench-tools bench-suite

BENCHSTAT_VERSION := v0.0.0-20260908200009-22c9c6c9d4da
BENCHSTAT         := $(TOOLS_BIN)/benchstat-$(BENCHSTAT_VERSION)

# Flags for bench/suite, e.g. BENCH_FLAGS="-runs 11 -large-runs 3".
BENCH_FLAGS ?=
# bench-go: `go test -bench` flags, repetitions, and where results go.
BENCH_RUN   ?= .
BENCH_COUNT ?= 8
BENCH_TIME  ?= 1s
BENCH_OUT   ?= $(CURDIR)/bin/bench/new.txt
# bench-compare: the git revision to measure against, from a `git archive`
# copy in a temporary directory (the checkout is untouched; benchmark files
# it lacks are copied from the work tree). Old and new runs alternate, so a
# change in the machine's load hits both.
BENCH_BASE  ?= HEAD

# bench-start: runs per variant of the one-spec start-up comparison.
BENCH_START_RUNS ?= 41

.PHONY: bench-suite bench-tools bench-go bench-compare bench-start bench-same

$(BENCHSTAT):
	hack/install-go-tool.sh golang.org/x/perf/cmd/benchstat $(BENCHSTAT_VERSION) benchstat

bench-tools: $(BENCHSTAT) ## benchstat, pinned

bench-suite: build tools ## one table of medians: wall, cpu, peak RSS, ratios, sizes
	go run ./bench/suite -bin $(BIN) -kustomize $(KUSTOMIZE) -image $(or $(ZKFN_IMAGE),localhost/zookeeper-fn:dev) $(BENCH_FLAGS)

bench-go: bench-tools ## the Go benchmarks, BENCH_COUNT times, summarised by benchstat
	@mkdir -p $(dir $(BENCH_OUT))
	go test -run '^$$' -bench '$(BENCH_RUN)' -benchmem -benchtime $(BENCH_TIME) -count $(BENCH_COUNT) ./internal/... > $(BENCH_OUT)
	$(BENCHSTAT) $(BENCH_OUT)

bench-compare: bench-tools ## benchstat of BENCH_BASE (default HEAD) against the work tree
	@mkdir -p $(dir $(BENCH_OUT))
	@base=$$(mktemp -d); trap 'rm -rf "$$base"' EXIT; \
	  git archive --format=tar "$(BENCH_BASE)" | tar -x -C "$$base"; \
	  for f in internal/processor/bench_test.go internal/yamlconv/bench_test.go; do \
	    [ -f "$$base/$$f" ] || cp "$$f" "$$base/$$f"; done; \
	  echo "bench-compare: $(BENCH_BASE) ($$base) against the work tree, -count $(BENCH_COUNT), interleaved" >&2; \
	  : > "$(dir $(BENCH_OUT))old.txt"; : > "$(BENCH_OUT)"; \
	  for i in $$(seq $(BENCH_COUNT)); do \
	    (cd "$$base" && go test -run '^$$' -bench '$(BENCH_RUN)' -benchmem -benchtime $(BENCH_TIME) -count 1 ./internal/... >> "$(dir $(BENCH_OUT))old.txt"); \
	    go test -run '^$$' -bench '$(BENCH_RUN)' -benchmem -benchtime $(BENCH_TIME) -count 1 ./internal/... >> "$(BENCH_OUT)"; \
	  done; \
	  $(BENCHSTAT) old="$(dir $(BENCH_OUT))old.txt" new="$(BENCH_OUT)"

bench-start: build tools ## one spec: this tree, BENCH_BASE's build (default HEAD) and the identity function, interleaved
	@base=$$(mktemp -d); trap 'rm -rf "$$base"' EXIT; \
	  git archive --format=tar "$(BENCH_BASE)" | tar -x -C "$$base"; \
	  (cd "$$base" && CGO_ENABLED=0 go build -trimpath -ldflags "$(LDFLAGS)" -o "$$base/zookeeper-fn-base" ./fn/zookeeper-fn); \
	  echo "bench-start: $(BENCH_BASE) ($$base) against the work tree, $(BENCH_START_RUNS) interleaved runs, load $$(cut -d' ' -f1-3 /proc/loadavg)" >&2; \
	  go run ./bench/suite -bin $(BIN) -kustomize $(KUSTOMIZE) -base-bin "$$base/zookeeper-fn-base" -start-only -runs $(BENCH_START_RUNS) $(BENCH_FLAGS)

bench-same: build tools ## same stdout, stderr and exit code as BENCH_BASE's build (default HEAD) on every input and kustomize case
	@base=$$(mktemp -d); trap 'rm -rf "$$base"' EXIT; \
	  git archive --format=tar "$(BENCH_BASE)" | tar -x -C "$$base"; \
	  (cd "$$base" && CGO_ENABLED=0 go build -trimpath -ldflags "$(LDFLAGS)" -o "$$base/zookeeper-fn-base" ./fn/zookeeper-fn); \
	  KUSTOMIZE=$(KUSTOMIZE) bench/same-output.sh "$$base/zookeeper-fn-base" $(BIN)
