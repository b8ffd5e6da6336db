package consistency

import (
	"fmt"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krm"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// fix is the advice for every inconsistency a later transformation made.
const fix = "apply namePrefix, nameSuffix, namespace and patches in the kustomization that lists zookeeper-fn " +
	"under transformers (they run before it there), not in one that includes its output; or change the ZookeeperSpec and render again"

// key identifies an object in the stream.
type key struct{ kind, namespace, name string }

// group is the objects one spec rendered, found by their owner annotation.
type group struct {
	owner   string
	objects []object
	spec    *api.ZookeeperSpec // the spec, when the stream still holds it
	obs     *observerSet       // the observers' StatefulSet, if any
}

func (g *group) ofKind(kind string) []object {
	var out []object
	for _, o := range g.objects {
		if o.kind == kind {
			out = append(out, o)
		}
	}
	return out
}

// checker holds the stream while the checks run.
type checker struct {
	index   map[key]object
	results krm.Results
}

func (c *checker) add(r *krm.Result) { c.results = append(c.results, r) }

func (c *checker) lookup(kind, namespace, name string) (object, bool) {
	o, ok := c.index[key{kind, namespace, name}]
	return o, ok
}

// Check validates a rendered stream: every ensemble the function rendered
// (its objects carry the owner annotation) must still be consistent, and
// every ZookeeperSpec in the stream must have been rendered. It never
// changes the items.
func Check(items []*yaml.RNode) krm.Results {
	c := &checker{index: map[key]object{}}
	groups := map[string]*group{}
	var owners []string
	var specs []object
	for _, n := range items {
		o := newObject(n)
		c.index[key{o.kind, o.namespace, o.name}] = o
		if o.kind == api.Kind && n.GetApiVersion() == api.APIVersion {
			specs = append(specs, o)
			continue
		}
		owner := n.GetAnnotations()[names.OwnerAnnotation]
		if owner == "" {
			continue
		}
		if groups[owner] == nil {
			groups[owner] = &group{owner: owner}
			owners = append(owners, owner)
		}
		groups[owner].objects = append(groups[owner].objects, o)
	}
	for _, s := range specs {
		c.matchSpec(s, groups)
	}
	sort.Strings(owners)
	for _, owner := range owners {
		c.ensemble(groups[owner])
	}
	if len(owners) == 0 && len(specs) == 0 {
		c.results = append(c.results, &krm.Result{
			Severity: krm.Warning,
			Message:  fmt.Sprintf("the stream holds no ZookeeperSpec and no object rendered by zookeeper-fn (annotation %s): nothing to validate; run the validator after the function", names.OwnerAnnotation),
		})
	}
	return c.results
}

// matchSpec attaches a spec to the objects it rendered. kustomize records
// the names an object had before its transformers ran, so a spec renamed
// after rendering is still found, and the rename is reported on it.
func (c *checker) matchSpec(s object, groups map[string]*group) {
	z, problems := api.Decode(mustJSON(s))
	candidates := []string{s.namespace + "/" + s.name}
	for _, ns := range append([]string{s.namespace}, previous(s.node, "Namespaces")...) {
		for _, n := range append([]string{s.name}, previous(s.node, "Names")...) {
			candidates = append(candidates, ns+"/"+n)
		}
	}
	for i, owner := range candidates {
		g, ok := groups[owner]
		if !ok {
			continue
		}
		if z != nil && !problems.HasErrors() {
			g.spec = z
		}
		if i > 0 {
			path := "metadata.name"
			if ns, _, _ := strings.Cut(owner, "/"); ns != s.namespace {
				path = "metadata.namespace"
			}
			c.add(s.errorf(path, "is now %s/%s, but the function rendered the spec as %s, and its objects still carry that name and namespace; %s", s.namespace, s.name, owner, fix))
		}
		return
	}
	c.add(s.errorf("", "has no rendered objects in the stream (none carries %s: %s/%s); run zookeeper-fn in render mode before the validator (kustomize silently skips exec functions without --enable-alpha-plugins --enable-exec)", names.OwnerAnnotation, s.namespace, s.name))
}

// mustJSON is the spec as JSON, or nil (which Decode reports).
func mustJSON(o object) []byte {
	if overBudget(o.node, maxObjectNodes) {
		return nil
	}
	b, err := o.node.MarshalJSON()
	if err != nil {
		return nil
	}
	return b
}
