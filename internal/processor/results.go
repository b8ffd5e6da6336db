package processor

import (
	"fmt"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krm"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krmio"
	"github.com/zookeeper-fn/zookeeper-fn/internal/render"
)

// result builds a KRM result about resource n and field path.
func result(n *yaml.RNode, path, msg string, sev krm.Severity) *krm.Result {
	return krmio.Result(n, path, msg, sev)
}

// checkConflicts finds two specs for one ensemble (no namespace and
// "default" are one namespace) and generated objects that would replace
// resources the function does not own.
func checkConflicts(items []*yaml.RNode, specs []spec) krm.Results {
	var results krm.Results
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
			results = append(results, result(s.node, "metadata.name", fmt.Sprintf("another %s has this name in the same namespace (%s; no namespace means default); each ensemble needs its own name", api.Kind, nsOrDefault(s.z.Namespace)), krm.Error))
			continue
		}
		seen[owner] = true
		for _, g := range generatedIDs(s) {
			if other, clash := taken[g.id]; clash {
				results = append(results, result(s.node, "metadata.name", fmt.Sprintf("the %s %q it generates would replace the %s already in the input%s; rename the spec or the other resource", g.kind, g.name, other.GetKind(), ownedBy(other)), krm.Error))
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
func scaleWarning(s spec, own ownership) krm.Results {
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
	if err != nil || old == int(s.m.Replicas()) {
		return nil
	}
	if s.z.Spec.Membership.Dynamic() {
		// With dynamic membership every step is safe: members join and
		// leave through reconfig (docs/scaling.md); but not while the
		// members that would add them still run static membership.
		if dynamicBefore(sts) {
			return shrinkNote(s, sts, old)
		}
		msg := fmt.Sprintf("changes the ensemble from %d to %d members in the same step that adds spec.membership: "+
			"a static leader cannot add the new members with reconfig, so they start without a vote while the rolling update goes on. "+
			"Apply spec.membership with replicas %d first, wait for the rollout, then change spec.replicas (docs/scaling.md)", old, s.m.Replicas(), old)
		return krm.Results{result(s.node, "spec.replicas", msg, krm.Warning)}
	}
	msg := fmt.Sprintf("changes the ensemble from %d to %d members with static membership, which cannot resize a live ensemble safely: "+
		"the rolling restart with the new server list can elect two leaders at once and lose acknowledged writes, and 1 to 3 can lose all data "+
		"(measured on real members: docs/scaling.md). Set spec.membership.superuserSecret for dynamic membership, which makes every step safe; "+
		"otherwise resize only with the clients stopped and a backup taken", old, s.m.Replicas())
	return krm.Results{result(s.node, "spec.replicas", msg, krm.Warning)}
}

// shrinkNote: with dynamic membership the members a shrink deletes
// remove their votes in their preStop hook, which a lost pod never runs
// (docs/scaling.md, measured in e2e/scaling TestMigration).
func shrinkNote(s spec, sts *yaml.RNode, old int) krm.Results {
	n := int(s.m.Replicas())
	if n >= old {
		return nil
	}
	var pods, ids []string
	for ord := n; ord < old; ord++ {
		pods = append(pods, fmt.Sprintf("%s-%d", sts.GetName(), ord))
		ids = append(ids, strconv.Itoa(ord+1))
	}
	msg := fmt.Sprintf("shrinks the ensemble from %d to %d members: pods %s remove their votes (servers %s) in their preStop hook. "+
		"A lost pod (its node gone, or force-deleted) never runs it and keeps its vote: before applying, remove it from a live member while a majority of the voters is up, "+
		"e.g. kubectl exec %s-0 -- bash /conf/reconfig.sh remove %s (docs/scaling.md)", old, n, strings.Join(pods, ", "), strings.Join(ids, ", "), sts.GetName(), ids[len(ids)-1])
	return krm.Results{result(s.node, "spec.replicas", msg, krm.Info)}
}

// dynamicBefore: the earlier StatefulSet ran dynamic membership (its
// server container reads the reconfig superuser's password file).
func dynamicBefore(sts *yaml.RNode) bool {
	cs, err := sts.Pipe(yaml.Lookup("spec", "template", "spec", "containers"))
	if err != nil || cs == nil {
		return false
	}
	found := false
	_ = cs.VisitElements(func(c *yaml.RNode) error {
		if e, err := c.Pipe(yaml.Lookup("env"), yaml.MatchElement("name", render.EnvSuperuserFile)); err == nil && e != nil {
			found = true
		}
		return nil
	})
	return found
}

func clip(s string) string { return api.Clip(s) }
