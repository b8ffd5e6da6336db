package krmio

import (
	"fmt"
	"io"

	"github.com/zookeeper-fn/zookeeper-fn/internal/krm"
)

// Recorder runs a processor and keeps the results of its last run, so
// that they can be printed on stderr when the run succeeds too: kustomize
// and Argo CD show a function's stderr, never its results.
type Recorder struct {
	Processor krm.Processor
	Results   krm.Results
}

var _ krm.Processor = (*Recorder)(nil)

// Process implements krm.Processor.
func (r *Recorder) Process(rl *krm.ResourceList) error {
	err := r.Processor.Process(rl)
	r.Results = rl.Results
	return err
}

// Run is the function as kustomize and kpt run it: it screens the
// ResourceList on stdin (a stream that fails gets a message naming the
// fix on stderr and nothing on stdout), runs p on it with Execute, and
// prints every result on stderr, warnings included, whether the run
// fails or not.
func Run(p krm.Processor, stdin io.Reader, stdout, stderr io.Writer) error {
	b, root, err := ReadResourceList(stdin)
	if err != nil {
		Report(stderr, nil, err)
		return err
	}
	rec := &Recorder{Processor: p}
	err = Execute(rec, b, root, stdout)
	Report(stderr, rec.Results, err)
	return err
}

// Report prints a run's outcome on stderr: the error (which lists every
// result when the processor failed with results), or else the warnings
// and infos of a run that succeeded, in the same form.
func Report(w io.Writer, results krm.Results, err error) {
	switch {
	case err != nil:
		fmt.Fprintln(w, err)
	case len(results) > 0:
		fmt.Fprintln(w, results.Error())
	}
}
