package krm

// `make update-golden` passes -update to every package's tests: the flag
// lives in internal/golden.
import _ "github.com/zookeeper-fn/zookeeper-fn/internal/golden"
