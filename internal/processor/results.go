package processor

import (
	"fmt"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krmio"
)

// result builds a KRM result about resource n and field path.
func result(n *yaml.RNode, path, msg string, sev framework.Severity) *framework.Result {
	return krmio.Result(n, path, msg, sev)
}

// checkConflicts finds two specs for one ensemble (no namespace and
// "default" are one namespace) and generated objects that would replace
// resources the function does not own.
func checkConflicts(items []*yaml.RNode, specs []spec) framework.Results {
	var results framework.Results
	// What the specs generate, then which of it the input already holds as
	// resources the function would not replace: most streams are mostly
	// other resources, which cost a kind lookup each.
	want, kinds := map[id]string{}, map[string]bool{}
	for _, s := range specs {
		for _, g := range generatedIDs(s) {
			want[g.id], kinds[g.kind] = specOwner(s), true
		}
	}
	taken := map[id]*yaml.RNode{}
	for _, it := range items {
		if !kinds[it.GetKind()] || isSpec(it) {
			continue
		}
		k := itemID(it, clusterScoped[it.GetKind()])
		if owner, ok := want[k]; ok && ownerKey(ownerOf(it)) != owner {
			taken[k] = it
		}
	}
	seen := map[string]bool{}
	for _, s := range specs {
		owner := specOwner(s)
		if seen[owner] {
			results = append(results, result(s.node, "metadata.name", fmt.Sprintf("another %s has this name in the same namespace (%s; no namespace means default); each ensemble needs its own name", api.Kind, nsOrDefault(s.z.Namespace)), framework.Error))
			continue
		}
		seen[owner] = true
		for _, g := range generatedIDs(s) {
			if other, clash := taken[g.id]; clash {
				results = append(results, result(s.node, "metadata.name", fmt.Sprintf("the %s %q it generates would replace the %s already in the input%s; rename the spec or the other resource", g.kind, g.name, other.GetKind(), ownedBy(other)), framework.Error))
			}
		}
	}
	return results
}

// ownedBy describes the owner annotation of an item the function would
// not replace.
func ownedBy(n *yaml.RNode) string {
	if o := ownerOf(n); o != "" {
		return fmt.Sprintf(" (its owner annotation names %s %s)", api.Kind, clip(o))
	}
	return ""
}

// scaleWarning tells how to change the size of a running ensemble safely
// when the stream holds the StatefulSet of an earlier render with another
// replica count.
func scaleWarning(s spec, own ownership) framework.Results {
	var sts *yaml.RNode
	for _, g := range generatedIDs(s) {
		// The voters' StatefulSet: observers (their own set) hold no
		// quorum, so changing their number is always safe.
		if g.kind == "StatefulSet" && g.name == s.m.StatefulSet() {
			sts = own.old[g.id]
		}
	}
	if sts == nil {
		return nil
	}
	r, err := sts.Pipe(yaml.Lookup("spec", "replicas"))
	if err != nil || r == nil {
		return nil
	}
	old, err := strconv.Atoi(r.YNode().Value)
	if err != nil || old == int(s.m.Replicas()) || s.z.Spec.Membership.Dynamic() {
		// With dynamic membership every step is safe: members join and
		// leave through reconfig (docs/scaling.md).
		return nil
	}
	msg := fmt.Sprintf("spec.replicas changes the ensemble from %d to %d members with static membership, which cannot resize a live ensemble safely: "+
		"the rolling restart with the new server list can elect two leaders at once and lose acknowledged writes, and 1 to 3 can lose all data "+
		"(measured on real members: docs/scaling.md). Set spec.membership.superuserSecret for dynamic membership, which makes every step safe; "+
		"otherwise resize only with the clients stopped and a backup taken", old, s.m.Replicas())
	return framework.Results{result(s.node, "spec.replicas", msg, framework.Warning)}
}

func clip(s string) string { return api.Clip(s) }
