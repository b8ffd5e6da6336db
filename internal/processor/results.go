package processor

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// result builds a KRM result about resource n and field path.
func result(n *yaml.RNode, path, msg string, sev framework.Severity) *framework.Result {
	r := &framework.Result{
		Message:  msg,
		Severity: sev,
		ResourceRef: &yaml.ResourceIdentifier{
			TypeMeta: yaml.TypeMeta{APIVersion: n.GetApiVersion(), Kind: n.GetKind()},
			NameMeta: yaml.NameMeta{Name: n.GetName(), Namespace: n.GetNamespace()},
		},
	}
	if path != "" {
		r.Message = path + " " + msg
		r.Field = &framework.Field{Path: path}
	}
	if f := n.GetAnnotations()[kioutil.PathAnnotation]; f != "" {
		r.File = &framework.File{Path: f}
	}
	return r
}

// checkConflicts finds two specs with one name and generated objects that
// would overwrite resources the function does not own.
func checkConflicts(items []*yaml.RNode, specs []spec) framework.Results {
	var results framework.Results
	seen := map[string]bool{}
	type key struct{ kind, ns, name string }
	// What the specs generate, then which of it the input already holds as
	// resources the function does not own: most streams are mostly other
	// resources, which cost a kind lookup each.
	want, kinds := map[key]bool{}, map[string]bool{}
	for _, s := range specs {
		ns := names.For(s.z).Namespace
		for _, g := range generatedIDs(s) {
			k := key{g.kind, ns, g.name}
			if g.clusterScoped {
				k.ns = ""
			}
			want[k], kinds[g.kind] = true, true
		}
	}
	taken := map[key]*yaml.RNode{}
	for _, it := range items {
		kind := it.GetKind()
		if !kinds[kind] {
			continue
		}
		if k := (key{kind, it.GetNamespace(), it.GetName()}); want[k] && ownerOf(it) == "" && !isSpec(it) {
			taken[k] = it
		}
	}
	for _, s := range specs {
		e := names.For(s.z)
		if seen[e.Owner()] {
			results = append(results, result(s.node, "metadata.name", fmt.Sprintf("another %s in the same namespace has this name; each ensemble needs its own name", api.Kind), framework.Error))
			continue
		}
		seen[e.Owner()] = true
		for _, g := range generatedIDs(s) {
			ns := e.Namespace
			if g.clusterScoped {
				ns = ""
			}
			if other, clash := taken[key{g.kind, ns, g.name}]; clash {
				results = append(results, result(s.node, "metadata.name", fmt.Sprintf("the %s %q it generates would replace the %s already in the input; rename the spec or the other resource", g.kind, g.name, other.GetKind()), framework.Error))
			}
		}
	}
	return results
}

// scaleWarning tells how to change the size of a running ensemble safely
// when the stream holds the StatefulSet of an earlier render with another
// replica count.
func scaleWarning(s spec, previous map[string]int) framework.Results {
	e := names.For(s.z)
	old, ok := previous[e.Owner()]
	if !ok || old == int(e.Replicas) || s.z.Spec.Membership.Dynamic() {
		// With dynamic membership every step is safe: members join and
		// leave through reconfig (docs/scaling.md).
		return nil
	}
	msg := fmt.Sprintf("spec.replicas changes the ensemble from %d to %d members. ZooKeeper's membership is static here "+
		"(set spec.membership.superuserSecret for dynamic membership, which makes every step safe): "+
		"change it by at most two members (one odd size to the next) per step, apply, and wait until every member is Ready "+
		"(the config-hash annotation rolls the members one at a time with the new server list) before the next step; "+
		"never go from 1 member straight to 3 or more on a live ensemble without a backup (see the README, Scaling)", old, e.Replicas)
	return framework.Results{result(s.node, "spec.replicas", msg, framework.Warning)}
}

// previousReplicas maps owner to the replica count of the StatefulSet an
// earlier render left in the stream.
func previousReplicas(items []*yaml.RNode, owners map[string]bool) map[string]int {
	out := map[string]int{}
	for _, it := range items {
		owner := ownerOf(it)
		if !owners[owner] || it.GetKind() != "StatefulSet" {
			continue
		}
		if r, err := it.Pipe(yaml.Lookup("spec", "replicas")); err == nil && r != nil {
			var n int
			if _, err := fmt.Sscan(r.YNode().Value, &n); err == nil {
				out[owner] = n
			}
		}
	}
	return out
}

// ownerOf is the owner annotation of n, "" when it has none; it reads that
// one annotation rather than building the map of them all.
func ownerOf(n *yaml.RNode) string {
	return n.GetAnnotations(names.OwnerAnnotation)[names.OwnerAnnotation]
}
