package krm

import "sigs.k8s.io/kustomize/kyaml/yaml"

// ResourceList is the part of a KRM ResourceList a processor works on:
// the items, the functionConfig, and the results it adds.
type ResourceList struct {
	// Items are the resources, in the order they came.
	Items []*yaml.RNode `yaml:"items" json:"items"`
	// FunctionConfig is the function's configuration (nil without one).
	FunctionConfig *yaml.RNode `yaml:"functionConfig,omitempty" json:"functionConfig,omitempty"`
	// Results are what the processor reports; they are written after the
	// items, under "results".
	Results Results `yaml:"results,omitempty" json:"results,omitempty"`
}

// Processor is a function's work on a ResourceList. An error makes the
// run fail with a non-zero exit; returning the Results reports them all.
type Processor interface {
	Process(rl *ResourceList) error
}

// ProcessorFunc lets a plain function be a Processor.
type ProcessorFunc func(rl *ResourceList) error

// Process calls f.
func (f ProcessorFunc) Process(rl *ResourceList) error { return f(rl) }
