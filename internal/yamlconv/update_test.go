package yamlconv_test

// This package has no golden files, but `make update-golden` (go test
// ./internal/... -update) passes -update to every package: the flag lives
// in internal/golden.
import _ "github.com/zookeeper-fn/zookeeper-fn/internal/golden"
