package processor_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/fn/framework/frameworktestutil"
	"sigs.k8s.io/kustomize/kyaml/kio"

	"github.com/zookeeper-fn/zookeeper-fn/internal/golden"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krmtest"
	"github.com/zookeeper-fn/zookeeper-fn/internal/processor"
)

const goldenDir = "../../testdata/golden"

// TestGolden runs every testdata/golden/<case>/input.yaml ResourceList
// through the processor and compares the whole output ResourceList, items
// and results, byte for byte with expected.yaml (and errors.txt).
func TestGolden(t *testing.T) {
	exact := func(t *testing.T, expected, actual string) {
		t.Helper()
		assert.Equal(t, expected, actual)
	}
	checker := frameworktestutil.ProcessorResultsChecker{
		TestDataDirectory:        goldenDir,
		UpdateExpectedFromActual: golden.Update(),
		OutputAssertionFunc:      exact,
		ErrorAssertionFunc:       exact,
		Processor:                func() framework.ResourceListProcessor { return krmtest.Framework(processor.Processor{}) },
	}
	checker.Assert(t)
	require.GreaterOrEqual(t, len(checker.TestCasesRun()), 10, "golden cases found")
}

// run executes the processor on a ResourceList the way the binary does.
func run(t *testing.T, input []byte) (out []byte, err error) {
	t.Helper()
	var buf bytes.Buffer
	rw := &kio.ByteReadWriter{Reader: bytes.NewReader(input), Writer: &buf, KeepReaderAnnotations: true}
	err = framework.Execute(krmtest.Framework(processor.Processor{}), rw)
	return buf.Bytes(), err
}

func goldenInputs(t *testing.T) map[string][]byte {
	t.Helper()
	dirs, err := os.ReadDir(goldenDir)
	require.NoError(t, err)
	out := map[string][]byte{}
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(goldenDir, d.Name(), "input.yaml"))
		require.NoError(t, err)
		out[d.Name()] = b
	}
	return out
}

// TestIdempotent runs the function on its own output: nothing may change,
// in particular nothing may be generated twice.
func TestIdempotent(t *testing.T) {
	for name, in := range goldenInputs(t) {
		if strings.HasPrefix(name, "error-") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			first, err := run(t, in)
			require.NoError(t, err)
			second, err := run(t, first)
			require.NoError(t, err)
			assert.Equal(t, string(first), string(second))
		})
	}
}

// TestDeterministic renders every case twice in one process.
func TestDeterministic(t *testing.T) {
	for name, in := range goldenInputs(t) {
		t.Run(name, func(t *testing.T) {
			a, errA := run(t, in)
			b, errB := run(t, in)
			assert.Equal(t, errA == nil, errB == nil)
			assert.Equal(t, string(a), string(b))
		})
	}
}
