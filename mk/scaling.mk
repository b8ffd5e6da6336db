# e2e-scaling: the rendered ensemble resized 1→3→5→7→5→3→1 on real
# ZooKeeper members while a client writes, with the StatefulSet
# controller's Parallel/RollingUpdate order reproduced; every acknowledged
# write must survive and two members must never lead at once. Needs root.
# E2E_SCALING_FLAGS="-v"; ZKFN_SCALING_SPEC=static.yaml runs the static
# procedure (which loses writes). Also: the move from static to dynamic
# membership, members lost without preStop, an interrupted scale-up and
# the epoch guard (TestMigration, TestInterruptedScaleUp, TestEpochGuard).
# See docs/scaling.md.
TEST_TARGETS += e2e-scaling

E2E_SCALING_FLAGS ?=

.PHONY: e2e-scaling

e2e-scaling: build ## membership changes on real ZooKeeper without losing a write
	hack/zookeeper/install.sh
	go test -tags e2e -count=1 -timeout 60m $(E2E_SCALING_FLAGS) ./e2e/scaling/...
