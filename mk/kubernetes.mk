# e2e-kubernetes: every overlay's rendered output on a real control plane
# (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl,
# kwok), built once from the Go module proxy by hack/kubernetes/build.sh
# and cached under $(ZKFN_CACHE)/kubernetes. See docs/e2e-kubernetes.md.
TEST_TARGETS += e2e-kubernetes

# Extra `go test` flags, e.g. E2E_KUBERNETES_FLAGS="-v -run TestProd".
E2E_KUBERNETES_FLAGS ?=

.PHONY: e2e-kubernetes kubernetes-tools

kubernetes-tools: ## build or reuse the cached control-plane binaries
	hack/kubernetes/build.sh >/dev/null

e2e-kubernetes: build tools ## every overlay on a real API server, scheduler and controllers
	kube_bin=$$(hack/kubernetes/build.sh); \
	  ZKFN_KUBE_BIN=$$kube_bin go test -tags e2e -count=1 -timeout 30m $(E2E_KUBERNETES_FLAGS) ./e2e/kubernetes/...
