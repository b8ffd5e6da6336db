# e2e-monitoring: the rendered alert rules and dashboard queries parse with
# Prometheus' own parsers (rulecheck, built by hack/monitoring/install.sh
# into $(ZKFN_CACHE)/bin), and every metric they use is one a real
# ZooKeeper member exports (its mntr, in a network-namespace sandbox).
# e2e-backup: the rendered backup sidecar and restore init container, run
# exactly as rendered against a real 3-member ensemble (docs/backup.md).
# Both need root and install Debian's ZooKeeper through hack/zookeeper. The
# S3 backups go to a real S3 server, SeaweedFS (hack/s3/build.sh, cached;
# its STS serves the keyless backup), and the keyless backup gets its
# ServiceAccount tokens from a real kube-apiserver (hack/kubernetes/build.sh,
# cached).
TEST_TARGETS += e2e-monitoring e2e-backup

E2E_MONITORING_FLAGS ?=
E2E_BACKUP_FLAGS ?=

.PHONY: e2e-monitoring e2e-backup monitoring-tools s3-tools

monitoring-tools: ## build or reuse the cached Prometheus rule checker
	hack/monitoring/install.sh >/dev/null

s3-tools: ## build or reuse the cached S3 server (SeaweedFS) of e2e-backup
	hack/s3/build.sh >/dev/null

e2e-monitoring: build ## alert rules: Prometheus' parser and a real member's metric names
	hack/zookeeper/install.sh
	rulecheck=$$(hack/monitoring/install.sh); \
	  ZKFN_RULECHECK=$$rulecheck go test -tags e2e -count=1 -timeout 20m $(E2E_MONITORING_FLAGS) ./e2e/monitoring/...

e2e-backup: build ## backup sidecar and restore, run as rendered on a real ensemble
	hack/zookeeper/install.sh
	hack/monitoring/backup-deps.sh
	kube_bin=$$(hack/kubernetes/build.sh); weed=$$(hack/s3/build.sh); \
	  ZKFN_KUBE_BIN=$$kube_bin ZKFN_WEED=$$weed go test -tags e2e -count=1 -timeout 20m $(E2E_BACKUP_FLAGS) ./e2e/backup/...
