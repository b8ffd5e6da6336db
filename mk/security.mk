# e2e-security: Pod Security Standards, kube-score, NetworkPolicy and
# hardening checks on every overlay, the bad-input catalogue through the
# built binary and the real kustomize, kpt and standalone output paths,
# and the validator mode under real kustomize.
# fuzz: each fuzzer for a few seconds (FUZZTIME); run longer by hand, e.g.
#   make fuzz FUZZTIME=10m
TEST_TARGETS += e2e-security fuzz

KUBE_SCORE_VERSION := v1.20.0
KUBE_SCORE := $(TOOLS_BIN)/kube-score-$(KUBE_SCORE_VERSION)
export KUBE_SCORE

# Seconds per fuzzer in `make test`: CI is a 2-core machine with a budget,
# and the instrumented build of the dependencies (cached in GOCACHE after
# the first run) dominates a short run anyway.
FUZZTIME ?= 5s
E2E_SECURITY_FLAGS ?=

.PHONY: e2e-security fuzz kube-score

$(KUBE_SCORE):
	hack/install-go-tool.sh github.com/zegl/kube-score/cmd/kube-score $(KUBE_SCORE_VERSION) kube-score

kube-score: $(KUBE_SCORE) ## kube-score, pinned, from the Go module proxy

e2e-security: build tools $(KUBE_SCORE) ## PSS restricted, kube-score, NetworkPolicy, hostile input via the binary, validator mode
	go test -tags e2e -count=1 -timeout 20m $(E2E_SECURITY_FLAGS) ./e2e/security/...

fuzz: ## each fuzzer for FUZZTIME, one fuzzer per go test run
	go test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) ./internal/api
	go test -run '^$$' -fuzz '^FuzzProcess$$' -fuzztime $(FUZZTIME) ./internal/processor
	go test -run '^$$' -fuzz '^FuzzExecuteMatchesFramework$$' -fuzztime $(FUZZTIME) ./internal/processor
	go test -run '^$$' -fuzz '^FuzzValidSpecRendersValidObjects$$' -fuzztime $(FUZZTIME) ./internal/processor
