# e2e-tls: spec.security with real parts. TestSecuredEnsemble runs real
# ZooKeeper members (e2e/zkrun) with certificates made by openssl in the
# test: quorum over TLS, the plaintext port closed, mTLS and SASL digest
# clients let in or refused, probes on the admin server. TestQuorumSASL and
# TestQuorumSASLMigration: members authenticating each other (a wrong
# password refused; the three-roll migration losing no write).
# TestQuorumPasswordRotation: a new quorum user in three rolls, no write
# lost, the old one refused afterwards.
# TestCertificateRotation: a rotated Secret served without a restart.
# The real-member tests run side by side (zkrun.ReexecParallel, -parallel
# GOMAXPROCS): 177 s for the suite here against about 6 min in turn.
# TestJAASPasswordsReachJavaIntact: hostile passwords read back by the JDK.
# TestSecuredExampleOnControlPlane applies examples/secured strict and
# server-side on a real control plane (hack/kubernetes/build.sh) with the
# CRDs of the pinned cert-manager release, taken from its module zip on the
# Go module proxy. Needs root. See docs/security.md.
TEST_TARGETS += e2e-tls

# The cert-manager release whose CRDs the Certificate must pass.
CERT_MANAGER_VERSION ?= v1.17.2

# Extra `go test` flags, e.g. E2E_TLS_FLAGS="-v -run TestSecuredEnsemble".
E2E_TLS_FLAGS ?=

.PHONY: e2e-tls

e2e-tls: build tools zookeeper-tools ## secured ensembles: real ZooKeeper members and a real control plane with cert-manager's CRDs
	kube_bin=$$(hack/kubernetes/build.sh); \
	  ZKFN_KUBE_BIN=$$kube_bin CERT_MANAGER_VERSION=$(CERT_MANAGER_VERSION) \
	  go test -tags e2e -count=1 -timeout 30m $(E2E_TLS_FLAGS) ./e2e/tls/...
