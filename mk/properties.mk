# e2e-properties: every property spec.zookeeper.config accepts takes effect
# on a real ZooKeeper 3.8.0 ensemble (conf four-letter word, jcmd
# VM.system_properties), the server's classes read each name, and the JDK's
# Properties.load reads the rendered zoo.cfg back exactly
# (docs/zookeeper-properties.md). Needs root; installs Debian's ZooKeeper
# and a JDK through hack/zookeeper/install.sh.
TEST_TARGETS += e2e-properties

# Extra `go test` flags, e.g. E2E_PROPERTIES_FLAGS="-v -run TestWriterMatchesJava".
E2E_PROPERTIES_FLAGS ?=

.PHONY: e2e-properties

e2e-properties: build ## every accepted ZooKeeper property, proven on a real server
	hack/zookeeper/install.sh
	hack/monitoring/backup-deps.sh
	go test -tags e2e -count=1 -timeout 20m $(E2E_PROPERTIES_FLAGS) ./e2e/properties/...
