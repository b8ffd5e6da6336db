package processor_test

import (
	"bytes"
	"errors"
	"maps"
	"slices"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/krmio"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krmtest"
	"github.com/zookeeper-fn/zookeeper-fn/internal/processor"
)

// maxFuzzInput keeps each fuzz execution fast; the size limits themselves
// are covered by the hostile catalogue.
const maxFuzzInput = 64 << 10

// FuzzProcess feeds arbitrary bytes to the function exactly as the binary
// reads stdin. Invariants: it never panics; a refused stream is an
// InputError; a failed run returns error results and writes the items as
// they came (nothing generated, nothing lost); a successful run writes a
// ResourceList without error results that still holds every input item,
// and two runs write the same bytes.
func FuzzProcess(f *testing.F) {
	addStreamSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzInput {
			return
		}
		in, err := krmio.ReadInput(bytes.NewReader(data))
		if err != nil {
			var ie *krmio.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("ReadInput returned %T, not an InputError: %v", err, err)
			}
			return
		}
		out, err := fuzzExecute(in)
		identity, idErr := fuzzIdentity(in)
		if idErr != nil {
			t.Fatalf("the screened input does not survive an identity function: %v", idErr)
		}
		if err != nil {
			var results framework.Results
			if !errors.As(err, &results) {
				t.Fatalf("the function failed without results: %T %v", err, err)
			}
			if results.ExitCode() == 0 {
				t.Fatalf("the function failed with results that are not errors: %v", results)
			}
			if got, want := fuzzItems(t, out), fuzzItems(t, identity); got != want {
				t.Fatalf("on error the items changed:\n--- want\n%s\n--- got\n%s", want, got)
			}
			return
		}
		fuzzAssertKept(t, identity, out)
		again, err := fuzzExecute(in)
		if err != nil || !bytes.Equal(out, again) {
			t.Fatalf("a second run differs (err %v)", err)
		}
	})
}

// addStreamSeeds adds the seed corpus of the stream fuzzers: every input
// stream the repository has (repoInputs).
func addStreamSeeds(f *testing.F) {
	inputs := repoInputs(f)
	for _, name := range slices.Sorted(maps.Keys(inputs)) {
		f.Add(inputs[name])
	}
}

// repoInputs reads, by file name, the seeds under testdata/fuzz, the
// bad-input catalogue and the golden inputs.
func repoInputs(t testing.TB) map[string][]byte {
	t.Helper()
	return krmtest.Files(t, "../../testdata/fuzz/process/*.yaml", "../../testdata/hostile/*/input.yaml", "../../testdata/golden/*/input.yaml")
}

func fuzzExecute(in []byte) ([]byte, error) {
	var buf bytes.Buffer
	rw := &kio.ByteReadWriter{Reader: bytes.NewReader(in), Writer: &buf, KeepReaderAnnotations: true}
	err := framework.Execute(krmtest.Framework(processor.Processor{}), rw)
	return buf.Bytes(), err
}

func fuzzIdentity(in []byte) ([]byte, error) {
	var buf bytes.Buffer
	rw := &kio.ByteReadWriter{Reader: bytes.NewReader(in), Writer: &buf, KeepReaderAnnotations: true}
	err := framework.Execute(krmtest.Identity{}, rw)
	return buf.Bytes(), err
}

// fuzzItems is the items field of a ResourceList as YAML.
func fuzzItems(t *testing.T, rl []byte) string {
	t.Helper()
	n, err := yaml.Parse(string(rl))
	if err != nil {
		t.Fatalf("output is not YAML: %v\n%s", err, rl)
	}
	f := n.Field("items")
	if f == nil {
		return ""
	}
	return f.Value.MustString()
}

// fuzzAssertKept: every item but the specs (which gain the local-config
// annotation) and the objects an earlier render generated (which are
// replaced) comes back unchanged, and no result is an error.
func fuzzAssertKept(t *testing.T, identity, out []byte) {
	t.Helper()
	n, err := yaml.Parse(string(out))
	if err != nil {
		t.Fatalf("output is not YAML: %v", err)
	}
	if r := n.Field("results"); r != nil {
		if s := r.Value.MustString(); bytes.Contains([]byte(s), []byte("severity: error")) {
			t.Fatalf("success with error results:\n%s", s)
		}
	}
	got := map[string]bool{}
	if f := n.Field("items"); f != nil {
		elems, _ := f.Value.Elements()
		for _, e := range elems {
			got[e.MustString()] = true
		}
	}
	idn, err := yaml.Parse(string(identity))
	if err != nil {
		t.Fatal(err)
	}
	f := idn.Field("items")
	if f == nil {
		return
	}
	elems, _ := f.Value.Elements()
	for _, e := range elems {
		if e.GetKind() == "ZookeeperSpec" || e.GetAnnotations()["zookeeper-fn.dev/owner"] != "" {
			continue
		}
		if !got[e.MustString()] {
			t.Fatalf("input item lost or changed:\n%s", e.MustString())
		}
	}
}
