package krmio_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/fn/framework/command"

	"github.com/zookeeper-fn/zookeeper-fn/internal/krm"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krmio"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krmtest"
	"github.com/zookeeper-fn/zookeeper-fn/internal/processor"
)

// kyamlCommand is the command as the binary built it before it stopped
// linking fn/framework: kyaml's command.Build in standalone mode, Run for
// stdin, and every result printed on stderr after a standalone run.
func kyamlCommand(p krm.Processor) *cobra.Command {
	var results framework.Results
	fp := krmtest.Framework(p)
	rec := framework.ResourceListProcessorFunc(func(rl *framework.ResourceList) error {
		err := fp.Process(rl)
		results = rl.Results
		return err
	})
	cmd := command.Build(rec, command.StandaloneEnabled, false)
	standalone := cmd.RunE
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return krmio.Run(p, cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr())
		}
		results = nil
		err := standalone(cmd, args)
		switch { // krmio.Report, with framework's results
		case err != nil:
			fmt.Fprintln(cmd.ErrOrStderr(), err)
		case len(results) > 0:
			fmt.Fprintln(cmd.ErrOrStderr(), results.Error())
		}
		return err
	}
	return cmd
}

// TestCommandMatchesKyaml runs krmio.Command and kyaml's command on the
// same arguments, files and stdin, and requires the same stdout, stderr,
// error and help: standalone mode (functionConfig file, inputs, "-",
// missing and broken files, failing and warning specs, --stack) and a
// ResourceList on stdin.
func TestCommandMatchesKyaml(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"spec.yaml":     "apiVersion: zookeeper-fn.dev/v1alpha1\nkind: ZookeeperSpec\nmetadata: {name: zk, namespace: kafka}\nspec: {replicas: 3}\n",
		"even.yaml":     "apiVersion: zookeeper-fn.dev/v1alpha1\nkind: ZookeeperSpec\nmetadata: {name: zk, namespace: kafka}\nspec: {replicas: 4}\n",
		"single.yaml":   "apiVersion: zookeeper-fn.dev/v1alpha1\nkind: ZookeeperSpec\nmetadata: {name: one}\nspec: {replicas: 1}\n",
		"cm.yaml":       "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: kafka, annotations: {a: b}}\ndata: {k: v}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\n",
		"validate.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fn}\ndata: {mode: validate}\n",
		"broken.yaml":   "a: [b\n",
		"dup.yaml":      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata: {k: v, k: w}\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	f := func(name string) string { return filepath.Join(dir, name) }
	stdinList := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- " + strings.ReplaceAll(strings.TrimSpace(files["spec.yaml"]), "\n", "\n  ") + "\n"
	for name, tc := range map[string]struct {
		args  []string
		stdin string
	}{
		"spec":                 {args: []string{f("spec.yaml")}},
		"spec and inputs":      {args: []string{f("spec.yaml"), f("cm.yaml"), f("single.yaml")}},
		"spec twice":           {args: []string{f("spec.yaml"), f("spec.yaml")}},
		"stdin dash":           {args: []string{f("spec.yaml"), f("cm.yaml"), "-"}, stdin: files["single.yaml"]},
		"even replicas":        {args: []string{f("even.yaml"), f("cm.yaml")}},
		"even replicas stack":  {args: []string{"--stack", f("even.yaml")}},
		"warning":              {args: []string{f("single.yaml")}},
		"validate mode":        {args: []string{f("validate.yaml"), f("cm.yaml")}},
		"duplicate keys":       {args: []string{f("spec.yaml"), f("dup.yaml")}},
		"missing config":       {args: []string{f("absent.yaml")}},
		"missing config stack": {args: []string{"--stack", f("absent.yaml")}},
		"broken config":        {args: []string{f("broken.yaml")}},
		"missing input":        {args: []string{f("spec.yaml"), f("absent.yaml")}},
		"missing input stack":  {args: []string{"--stack", f("spec.yaml"), f("absent.yaml")}},
		"broken input":         {args: []string{f("spec.yaml"), f("broken.yaml")}},
		"resource list":        {stdin: stdinList},
		"help":                 {args: []string{"--help"}},
		"unknown flag":         {args: []string{"--nope"}},
	} {
		t.Run(name, func(t *testing.T) {
			want := runCommand(kyamlCommand(processor.Processor{}), tc.args, tc.stdin)
			got := runCommand(krmio.Command(&krmio.Recorder{Processor: processor.Processor{}}), tc.args, tc.stdin)
			if name == "missing input stack" && !strings.Contains(want, "<stack>") {
				t.Errorf("no stack trace to compare:\n%s", want)
			}
			if want != got {
				t.Errorf("differs from kyaml's command\n--- kyaml\n%s\n--- krmio\n%s", want, got)
			}
		})
	}
}

// stack matches the frames --stack prints, which name kyaml's files or
// krmio's: the frames differ, the rest of stderr may not.
var stack = regexp.MustCompile(`(/\S+\.go:\d+ \(0x[0-9a-f]+\)\n\t[^\n]*\n)+`)

// runCommand is everything a user of cmd sees: stdout, stderr, error.
func runCommand(cmd *cobra.Command, args []string, stdin string) string {
	var out, errOut bytes.Buffer
	cmd.SetArgs(args)
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	err := cmd.Execute()
	stderr := stack.ReplaceAllString(errOut.String(), "<stack>\n")
	return fmt.Sprintf("stdout:\n%s\nstderr:\n%s\nerror: %v", out.String(), stderr, err)
}
