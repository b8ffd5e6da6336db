package processor_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/zookeeper-fn/zookeeper-fn/internal/krmio"
	"github.com/zookeeper-fn/zookeeper-fn/internal/processor"
)

// FuzzExecuteMatchesFramework: for every stream that passes the stdin
// check, the binary's single-parse path (krmio.Execute) writes the
// same bytes and returns the same error as kyaml's framework.Execute,
// which FuzzProcess checks against the invariants.
func FuzzExecuteMatchesFramework(f *testing.F) {
	addStreamSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzInput {
			return
		}
		b, root, err := krmio.ReadResourceList(bytes.NewReader(data))
		if err != nil {
			return
		}
		var fast bytes.Buffer
		fastErr := krmio.Execute(processor.Processor{}, b, root, &fast)
		slow, slowErr := fuzzExecute(b)
		if fmt.Sprint(fastErr) != fmt.Sprint(slowErr) {
			t.Fatalf("errors differ:\nExecute:           %v\nframework.Execute: %v", fastErr, slowErr)
		}
		if !bytes.Equal(fast.Bytes(), slow) {
			t.Fatalf("outputs differ:\n--- framework.Execute\n%s\n--- Execute\n%s", slow, fast.Bytes())
		}
	})
}
