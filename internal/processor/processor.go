package processor

import (
	"encoding/json"
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krm"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krmio"
	"github.com/zookeeper-fn/zookeeper-fn/internal/membership"
	"github.com/zookeeper-fn/zookeeper-fn/internal/render"
)

// LocalConfigAnnotation marks the spec so kustomize and kpt never apply it.
const LocalConfigAnnotation = "config.kubernetes.io/local-config"

// Processor implements krm.Processor.
type Processor struct{}

var _ krm.Processor = Processor{}

// spec is one ZookeeperSpec found in the stream.
type spec struct {
	node  *yaml.RNode
	index int // position in rl.Items
	z     *api.ZookeeperSpec
	m     membership.Membership // computed once: every name and member below comes from it
	objs  []render.Object       // rendered once: the collision checks and the output share them
}

// Process renders every spec in rl. On any error it leaves rl.Items as
// they came and returns the results, so no half-rendered topology is
// ever written and the exit code is non-zero.
func (Processor) Process(rl *krm.ResourceList) error {
	mode, results := functionMode(rl.FunctionConfig)
	if results = append(append(krmio.Screen(rl, decodes), checkKinds(rl)...), results...); results.ExitCode() != 0 {
		rl.Results = append(rl.Results, results...)
		return rl.Results
	}
	if mode == ModeValidate {
		return validate(rl)
	}
	// A ZookeeperSpec functionConfig is adopted as an item to render; on
	// an error the items go back as they came, without it.
	in := rl.Items
	if err := adoptFunctionConfig(rl); err != nil {
		return err
	}
	specs, results := decodeSpecs(rl.Items)
	results = append(results, checkConflicts(rl.Items, specs)...)
	results = append(results, checkGeneratedClashes(specs)...)
	results = append(results, checkObjects(specs)...)
	if results.ExitCode() != 0 {
		rl.Items = in
		rl.Results = append(rl.Results, results...)
		return rl.Results
	}
	items, warnings, err := renderAll(rl.Items, specs)
	if err != nil {
		rl.Items = in
		return err
	}
	rl.Items = items
	rl.Results = append(rl.Results, results...)
	rl.Results = append(rl.Results, warnings...)
	return nil
}

// adoptFunctionConfig supports generator use: a ZookeeperSpec given as the
// functionConfig is rendered like one in the items (it is added to them
// unless the caller already sent it there).
func adoptFunctionConfig(rl *krm.ResourceList) error {
	fc := rl.FunctionConfig
	if fc == nil || !isSpec(fc) {
		return nil
	}
	for _, it := range rl.Items {
		if isSpec(it) && it.GetName() == fc.GetName() && nsOrDefault(it.GetNamespace()) == nsOrDefault(fc.GetNamespace()) {
			return nil
		}
	}
	rl.Items = append(rl.Items, fc.Copy())
	return nil
}

// decodes reports whether the function decodes n into Go values (which
// expands aliases), rather than passing it through as a YAML tree.
func decodes(n *yaml.RNode) bool {
	return n.GetKind() == api.Kind || n.GetKind() == FunctionKind
}

func isSpec(n *yaml.RNode) bool {
	return n.GetKind() == api.Kind && n.GetApiVersion() == api.APIVersion
}

// specJSON is n.MarshalJSON() without its detour: kyaml writes the node
// as YAML text and parses that again before decoding it into a map; the
// node decodes into the same map directly. A node with aliases (whose
// anchor may sit in another item, which the text would lack) or that
// fails goes kyaml's way, so errors keep kyaml's wording and lines.
func specJSON(n *yaml.RNode) ([]byte, error) {
	m := map[string]any{}
	if y := n.YNode(); y != nil && y.Kind == yaml.MappingNode && !hasAlias(y) && y.Decode(&m) == nil {
		if b, err := json.Marshal(m); err == nil {
			return b, nil
		}
	}
	return n.MarshalJSON()
}

func hasAlias(n *yaml.Node) bool {
	if n.Kind == yaml.AliasNode {
		return true
	}
	for _, c := range n.Content {
		if hasAlias(c) {
			return true
		}
	}
	return false
}

// decodeSpecs finds, decodes, defaults and checks every spec. Problems
// become results that point at the spec and the field.
func decodeSpecs(items []*yaml.RNode) ([]spec, krm.Results) {
	var specs []spec
	var results krm.Results
	for i, n := range items {
		if n.GetKind() != api.Kind {
			continue
		}
		if n.GetApiVersion() != api.APIVersion {
			results = append(results, result(n, "apiVersion", fmt.Sprintf("%q is not supported for kind %s; use %s", n.GetApiVersion(), api.Kind, api.APIVersion), krm.Error))
			continue
		}
		b, err := specJSON(n)
		if err != nil {
			results = append(results, result(n, "", fmt.Sprintf("cannot read the spec: %v", err), krm.Error))
			continue
		}
		z, problems := api.Decode(b)
		if z != nil {
			problems = append(problems, z.Check()...)
		}
		for _, p := range problems {
			sev := krm.Error
			if p.Warning {
				sev = krm.Warning
			}
			results = append(results, result(n, p.Path, p.Message, sev))
		}
		if z != nil && !problems.HasErrors() {
			m := z.Membership()
			specs = append(specs, spec{node: n, index: i, z: z, m: m, objs: render.Ensemble(z, m)})
		}
	}
	return specs, results
}
