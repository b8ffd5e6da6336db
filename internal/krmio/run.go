package krmio

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/fn/framework/command"
)

// Recorder runs a processor and keeps the results of its last run, so
// that they can be printed on stderr when the run succeeds too: kustomize
// and Argo CD show a function's stderr, never its results.
type Recorder struct {
	Processor framework.ResourceListProcessor
	Results   framework.Results
}

var _ framework.ResourceListProcessor = (*Recorder)(nil)

// Process implements framework.ResourceListProcessor.
func (r *Recorder) Process(rl *framework.ResourceList) error {
	err := r.Processor.Process(rl)
	r.Results = rl.Results
	return err
}

// Run is the function as kustomize and kpt run it: it screens the
// ResourceList on stdin (a stream that fails gets a message naming the
// fix on stderr and nothing on stdout), runs p on it with Execute, and
// prints every result on stderr, warnings included, whether the run
// fails or not.
func Run(p framework.ResourceListProcessor, stdin io.Reader, stdout, stderr io.Writer) error {
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
func Report(w io.Writer, results framework.Results, err error) {
	switch {
	case err != nil:
		fmt.Fprintln(w, err)
	case len(results) > 0:
		fmt.Fprintln(w, results.Error())
	}
}

// Command is kyaml's function command for rec: with no arguments it runs
// the function on stdin (Run); with files it is kyaml's standalone mode
// (the first file is the functionConfig, the rest the inputs, plain YAML
// out). Both print their errors and warnings on stderr.
func Command(rec *Recorder) *cobra.Command {
	cmd := command.Build(rec, command.StandaloneEnabled, false)
	standalone := cmd.RunE
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return Run(rec.Processor, cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr())
		}
		rec.Results = nil
		err := standalone(cmd, args)
		Report(cmd.ErrOrStderr(), rec.Results, err)
		return err
	}
	return cmd
}
