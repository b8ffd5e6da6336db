package objcheck_test

// -update is accepted here too (make update-golden passes it to every package).
import _ "github.com/zookeeper-fn/zookeeper-fn/internal/golden"
