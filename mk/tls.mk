# e2e-tls: spec.security on real ZooKeeper members (e2e/tls on e2e/zkrun):
# certificates made by openssl in the test, quorum over TLS, the plaintext
# port closed, mTLS and SASL digest clients let in or refused, probes on
# the admin server. Needs root. See docs/security.md.
TEST_TARGETS += e2e-tls

# Extra `go test` flags, e.g. E2E_TLS_FLAGS="-v -run TestSecuredEnsemble".
E2E_TLS_FLAGS ?=

.PHONY: e2e-tls

e2e-tls: build tools zookeeper-tools ## secured ensembles on real ZooKeeper members
	go test -tags e2e -count=1 -timeout 30m $(E2E_TLS_FLAGS) ./e2e/tls/...
