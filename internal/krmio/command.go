package krmio

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"sigs.k8s.io/kustomize/kyaml/errors"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Command is the function's command for rec, as kyaml's
// command.Build(rec, command.StandaloneEnabled, false) builds it (same
// flags, same standalone mode, same messages) without linking kyaml's
// fn/framework: with no arguments it runs the function on stdin (Run);
// with files it is standalone mode (the first file is the
// functionConfig, the rest the inputs, "-" is stdin, plain YAML out).
// Both print their errors and warnings on stderr. TestCommandMatchesKyaml
// holds it to kyaml's command.
func Command(rec *Recorder) *cobra.Command {
	cmd := &cobra.Command{Args: cobra.MinimumNArgs(0), SilenceErrors: true, SilenceUsage: true}
	var printStack bool
	cmd.Flags().BoolVar(&printStack, "stack", false, "print the stack trace on failure")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return Run(rec.Processor, cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr())
		}
		rec.Results = nil
		err := standalone(rec, cmd, args, printStack)
		Report(cmd.ErrOrStderr(), rec.Results, err)
		return err
	}
	return cmd
}

// standalone runs rec on the files of args as kyaml's standalone mode
// does: reader annotations dropped, items written unwrapped. Like
// kyaml's, it prints the run's error (not a functionConfig file's),
// without a newline, before Report prints it again.
func standalone(rec *Recorder, cmd *cobra.Command, args []string, printStack bool) error {
	rw := &kio.ByteReadWriter{Writer: cmd.OutOrStdout(), NoWrap: true}
	var readers []io.Reader
	for i, arg := range args {
		switch {
		case i == 0:
			fc, err := functionConfigFromFile(arg)
			if err != nil {
				return errors.Wrap(err)
			}
			rw.FunctionConfig = fc
		case arg == "-":
			readers = append([]io.Reader{cmd.InOrStdin()}, readers...)
		default:
			readers = append(readers, &deferredFileReader{path: arg})
		}
	}
	rw.Reader = io.MultiReader(readers...)
	err := ExecuteKyaml(rec, rw)
	if err != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "%v", err)
	}
	if s := errors.GetStack(err); printStack && s != "" {
		fmt.Fprintln(cmd.ErrOrStderr(), s)
	}
	return err
}

func functionConfigFromFile(file string) (*yaml.RNode, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, errors.WrapPrefixf(err, "unable to read configuration file %q", file)
	}
	fc, err := yaml.Parse(string(b))
	if err != nil {
		return nil, errors.WrapPrefixf(err, "unable to parse configuration file %q", file)
	}
	return fc, nil
}

// deferredFileReader opens its file on the first read, as kyaml's does,
// so a missing input fails with kyaml's message at that point.
type deferredFileReader struct {
	path string
	src  io.Reader
}

func (r *deferredFileReader) Read(p []byte) (int, error) {
	if r.src == nil {
		b, err := os.ReadFile(r.path)
		if err != nil {
			return 0, errors.WrapPrefixf(err, "unable to read input file %s", r.path)
		}
		r.src = bytes.NewReader(b)
	}
	return r.src.Read(p)
}
