package processor

import (
	"fmt"
	"maps"
	"slices"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/consistency"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krm"
)

// FunctionKind is the kind of the function's own configuration, the
// resource kustomize and kpt name the function with:
//
//	apiVersion: zookeeper-fn.dev/v1alpha1
//	kind: ZookeeperFunction
//	spec: {mode: validate}   # or render, the default
const FunctionKind = "ZookeeperFunction"

// Modes of the function.
const (
	// ModeRender expands every ZookeeperSpec in the stream.
	ModeRender = "render"
	// ModeValidate checks a rendered stream and changes nothing.
	ModeValidate = "validate"
)

// functionMode reads the mode from a ZookeeperFunction functionConfig, or
// from data.mode of a ConfigMap one (kpt). Any other functionConfig (a ZookeeperSpec in generator use, a ConfigMap,
// none) means render. Unknown fields are errors: a typo must not silently
// turn a validator into a renderer.
func functionMode(fc *yaml.RNode) (string, krm.Results) {
	if fc != nil && fc.GetKind() == "ConfigMap" && fc.GetApiVersion() == "v1" {
		return configMapMode(fc)
	}
	if fc == nil || fc.GetKind() != FunctionKind {
		return ModeRender, nil
	}
	fail := func(path, msg string) (string, krm.Results) {
		return "", krm.Results{result(fc, path, msg, krm.Error)}
	}
	if v := fc.GetApiVersion(); v != api.APIVersion {
		return fail("apiVersion", fmt.Sprintf("%q is not supported for kind %s; use %s", clip(v), FunctionKind, api.APIVersion))
	}
	if fc.YNode().Kind != yaml.MappingNode {
		return fail("", "must be a mapping with apiVersion, kind, metadata and spec")
	}
	for _, f := range keys(fc.YNode()) {
		switch f.Value {
		case "apiVersion", "kind", "metadata", "spec":
		default:
			return fail(clip(f.Value), fmt.Sprintf("is not a field of %s; it has metadata and spec (with spec.mode)", FunctionKind))
		}
	}
	spec := fc.Field("spec")
	if spec == nil || yaml.IsMissingOrNull(spec.Value) {
		return ModeRender, nil
	}
	if spec.Value.YNode().Kind != yaml.MappingNode {
		return fail("spec", "must be a mapping such as {mode: validate}")
	}
	for _, f := range keys(spec.Value.YNode()) {
		if f.Value != "mode" {
			return fail("spec."+clip(f.Value), `is not a field of ZookeeperFunction's spec; the only field is "mode" (render or validate)`)
		}
	}
	m := spec.Value.Field("mode")
	if m == nil || yaml.IsMissingOrNull(m.Value) {
		return ModeRender, nil
	}
	n := m.Value.YNode()
	if n.Kind != yaml.ScalarNode || (n.Value != ModeRender && n.Value != ModeValidate) {
		return fail("spec.mode", fmt.Sprintf("%q is not a mode; use render (expand the specs, the default) or validate (check a rendered stream)", clip(n.Value)))
	}
	return n.Value, nil
}

// configMapMode reads data.mode from a ConfigMap functionConfig, the form
// kpt's `configMap: {mode: validate}` and `kpt fn eval -- mode=validate`
// produce. Any other key is an error: `mod=validate` must not render.
func configMapMode(fc *yaml.RNode) (string, krm.Results) {
	data := fc.GetDataMap()
	var results krm.Results
	for _, k := range slices.Sorted(maps.Keys(data)) {
		if k == "mode" {
			continue
		}
		msg := "is not a setting of zookeeper-fn; the only one is mode (render or validate)"
		if c := closest(k, []string{"mode"}); c != "" {
			msg += fmt.Sprintf("; did you mean %s?", c)
		}
		results = append(results, result(fc, "data."+clip(k), msg, krm.Error))
	}
	if results != nil {
		return "", results
	}
	m, ok := data["mode"]
	switch {
	case !ok || m == ModeRender:
		return ModeRender, nil
	case m == ModeValidate:
		return ModeValidate, nil
	}
	return "", krm.Results{result(fc, "data.mode", fmt.Sprintf("%q is not a mode; use render (expand the specs, the default) or validate (check a rendered stream)", clip(m)), krm.Error)}
}

// validate checks a rendered stream and leaves the items as they are.
func validate(rl *krm.ResourceList) error {
	rl.Results = append(rl.Results, consistency.Check(rl.Items)...)
	if rl.Results.ExitCode() != 0 {
		return rl.Results
	}
	return nil
}

// keys returns the key nodes of a mapping.
func keys(n *yaml.Node) []*yaml.Node {
	var out []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, n.Content[i])
	}
	return out
}
