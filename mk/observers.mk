# e2e-observers: spec.observers on real ZooKeeper. Three voters and two
# observers rendered from testdata/e2e-observers run as five Debian
# ZooKeeper servers (e2e/zkrun): observers serve reads and forward writes,
# losing both observers costs no write, losing two voters stops writes
# although the observers run; adding observers rolls the voters without
# losing a write; one voter with an observer leads a quorum of one; with
# dynamic membership observers join and leave through reconfig as
# observers (TestObserversDynamic). Needs root. See docs/observers.md.
TEST_TARGETS += e2e-observers

# Extra `go test` flags, e.g. E2E_OBSERVERS_FLAGS="-v". The tests run side
# by side, -parallel at once (default: one a core); "-parallel 1" runs them
# one at a time.
E2E_OBSERVERS_FLAGS ?=

.PHONY: e2e-observers

e2e-observers: build tools zookeeper-tools ## observers on real ZooKeeper: reads, forwarded writes, no vote
	go test -tags e2e -count=1 -timeout 20m $(E2E_OBSERVERS_FLAGS) ./e2e/observers/...
