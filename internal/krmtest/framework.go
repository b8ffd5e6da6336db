package krmtest

import (
	"sigs.k8s.io/kustomize/kyaml/fn/framework"

	"github.com/zookeeper-fn/zookeeper-fn/internal/krm"
)

// Framework runs p as a kyaml fn/framework processor, so tests can hold
// the binary's own krm and krmio code to framework.Execute, byte for
// byte: p's results (and a krm.Results error) become framework.Results
// field by field, and framework serialises and prints them itself.
func Framework(p krm.Processor) framework.ResourceListProcessor {
	return framework.ResourceListProcessorFunc(func(rl *framework.ResourceList) error {
		in := krm.ResourceList{Items: rl.Items, FunctionConfig: rl.FunctionConfig}
		err := p.Process(&in)
		rl.Items, rl.FunctionConfig = in.Items, in.FunctionConfig
		rl.Results = append(rl.Results, FrameworkResults(in.Results)...)
		if rs, ok := err.(krm.Results); ok {
			return FrameworkResults(rs)
		}
		return err
	})
}

// FrameworkResults converts rs to framework.Results, field by field.
func FrameworkResults(rs krm.Results) framework.Results {
	if rs == nil {
		return nil
	}
	out := make(framework.Results, len(rs))
	for i, r := range rs {
		if r == nil {
			continue
		}
		fr := &framework.Result{Message: r.Message, Severity: severity(r.Severity), ResourceRef: r.ResourceRef, Tags: r.Tags}
		if r.Field != nil {
			fr.Field = &framework.Field{Path: r.Field.Path, CurrentValue: r.Field.CurrentValue, ProposedValue: r.Field.ProposedValue}
		}
		if r.File != nil {
			fr.File = &framework.File{Path: r.File.Path, Index: r.File.Index}
		}
		out[i] = fr
	}
	return out
}

// severity maps krm's severities to framework's constants, not to the
// same strings, so a krm constant that drifted from kyaml's shows.
func severity(s krm.Severity) framework.Severity {
	switch s {
	case krm.Error:
		return framework.Error
	case krm.Warning:
		return framework.Warning
	case krm.Info:
		return framework.Info
	}
	return framework.Severity(s)
}
