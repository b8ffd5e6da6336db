package processor

import (
	"fmt"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krm"
	"github.com/zookeeper-fn/zookeeper-fn/internal/suggest"
)

// ourKinds are the kinds of the function's group.
var ourKinds = []string{api.Kind, FunctionKind}

// checkKinds refuses resources that were meant for the function but would
// pass through silently: any other kind in its group, and kinds that are
// a near miss of its own in any group (zookeeperspec, ZookeeperSpecs).
func checkKinds(rl *krm.ResourceList) krm.Results {
	var out krm.Results
	all := rl.Items
	if rl.FunctionConfig != nil {
		all = append(append([]*yaml.RNode(nil), all...), rl.FunctionConfig)
	}
	for _, it := range all {
		kind, group := it.GetKind(), groupOf(it.GetApiVersion())
		if kind == api.Kind || kind == FunctionKind {
			continue
		}
		guess := closestKind(kind)
		switch {
		case group == api.Group && guess != "":
			out = append(out, result(it, "kind", fmt.Sprintf("%q is not a kind of %s; did you mean %s? (the kinds are %s)", clip(kind), api.Group, guess, strings.Join(ourKinds, " and ")), krm.Error))
		case group == api.Group:
			out = append(out, result(it, "kind", fmt.Sprintf("%q is not a kind of %s; the kinds are %s", clip(kind), api.Group, strings.Join(ourKinds, " and ")), krm.Error))
		case guess != "":
			out = append(out, result(it, "kind", fmt.Sprintf("%q is close to %s, which the function reads, but it is not; did you mean kind: %s with apiVersion: %s?", clip(kind), guess, guess, api.APIVersion), krm.Error))
		}
	}
	return out
}

// closestKind is the function's kind that k is a near miss of (other case,
// a plural, up to two typos), or "".
func closestKind(k string) string {
	for _, want := range ourKinds {
		if suggest.Distance(strings.ToLower(k), strings.ToLower(want)) <= 2 {
			return want
		}
	}
	return ""
}

// closest is the candidate within two edits of s, or "".
func closest(s string, candidates []string) string {
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	for _, c := range sorted {
		if suggest.Distance(s, c) <= 2 {
			return c
		}
	}
	return ""
}
