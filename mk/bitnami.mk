# e2e-bitnami: the function against the Bitnami ZooKeeper chart it
# replaces. hack/helm/install.sh builds helm (pinned, from the Go module
# proxy) into $(ZKFN_CACHE)/bin once; the suite renders the vendored chart
# (testdata/bitnami/zookeeper-13.8.x) and the equivalent spec and compares
# them as typed objects, and checks that docs/migrating-from-bitnami.md
# has a row for every top-level key of the chart's values.yaml.
# e2e-bitnami-migration: the guide's data migration on real ZooKeeper
# members (Debian's, in e2e/zkrun's sandbox; needs root): a
# chart-laid-out ensemble, the guide's Job, the kubelet's fsGroup step,
# then the function's members on the same volumes serve the same tree.
TEST_TARGETS += e2e-bitnami e2e-bitnami-migration

E2E_BITNAMI_FLAGS ?=
E2E_BITNAMI_MIGRATION_FLAGS ?=

.PHONY: e2e-bitnami e2e-bitnami-migration helm-tool

helm-tool: ## build or reuse the cached, pinned helm v3
	hack/helm/install.sh >/dev/null

e2e-bitnami: build ## side by side with the Bitnami chart 13.8.x; the migration guide's coverage
	helm=$$(hack/helm/install.sh); \
	  ZKFN_HELM=$$helm go test -tags e2e -count=1 -timeout 20m $(E2E_BITNAMI_FLAGS) ./e2e/bitnami

e2e-bitnami-migration: build ## the guide's data migration, chart volumes to the function's members
	hack/zookeeper/install.sh
	hack/monitoring/backup-deps.sh
	helm=$$(hack/helm/install.sh); \
	  ZKFN_HELM=$$helm go test -tags e2e -count=1 -timeout 20m $(E2E_BITNAMI_MIGRATION_FLAGS) ./e2e/bitnami/migrate
