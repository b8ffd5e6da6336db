# e2e-zookeeper: the rendered overlays (dev 1, staging 3, prod 5 members)
# and a 7-member spec (testdata/e2e-zookeeper/seven) run as real ZooKeeper
# ensembles: Debian's ZooKeeper, one network namespace per member, the
# rendered start.sh, zoo.cfg and probes unchanged. Needs root.
# hack/zookeeper/install.sh installs the packages once (apt-get);
# build-client.sh compiles the suite's Java client into
# $(ZKFN_CACHE)/zookeeper. It also runs e2e/zkrun's own tests (CompileJava's
# cache). See docs/e2e-zookeeper.md.
TEST_TARGETS += e2e-zookeeper

# Extra `go test` flags, e.g. E2E_ZOOKEEPER_FLAGS="-v -run TestZooKeeperEnsembles/staging".
# The ensembles run in -parallel lanes (default: one a core); "-parallel 1"
# runs them one at a time.
E2E_ZOOKEEPER_FLAGS ?=

.PHONY: e2e-zookeeper zookeeper-tools

zookeeper-tools: ## Debian's zookeeper, iproute2, a JDK; the suite's Java client
	hack/zookeeper/install.sh
	hack/zookeeper/build-client.sh >/dev/null

e2e-zookeeper: build tools zookeeper-tools ## real ZooKeeper ensembles from every overlay's output
	go test -tags e2e -count=1 -timeout 30m $(E2E_ZOOKEEPER_FLAGS) ./e2e/zookeeper/... ./e2e/zkrun/...
