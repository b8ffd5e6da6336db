# e2e-bitnami: the function against the Bitnami ZooKeeper chart it
# replaces. hack/helm/install.sh builds helm (pinned, from the Go module
# proxy) into $(ZKFN_CACHE)/bin once; the suite renders the vendored chart
# (testdata/bitnami/zookeeper-13.8.x) and the equivalent spec and compares
# them as typed objects, and checks that docs/migrating-from-bitnami.md
# has a row for every top-level key of the chart's values.yaml.
# The data-migration proof (real ZooKeeper members, root) is
# TestMigrateChartVolume in the same package.
TEST_TARGETS += e2e-bitnami

E2E_BITNAMI_FLAGS ?=

.PHONY: e2e-bitnami helm-tool

helm-tool: ## build or reuse the cached, pinned helm v3
	hack/helm/install.sh >/dev/null

e2e-bitnami: build ## side by side with the Bitnami chart 13.8.x; the migration guide's coverage
	helm=$$(hack/helm/install.sh); \
	  ZKFN_HELM=$$helm go test -tags e2e -count=1 -timeout 20m $(E2E_BITNAMI_FLAGS) ./e2e/bitnami/...
