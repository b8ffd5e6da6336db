package processor

import (
	"fmt"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krm"
)

// checkGeneratedClashes finds two specs that would generate the same
// object: two specs creating one StorageClass, or PersistentVolume names
// (<namespace>-<name>-<template>-<i>) that meet across namespaces. The
// output would hold the object twice, which kustomize refuses.
func checkGeneratedClashes(specs []spec) krm.Results {
	type pair struct{ kind, a, b string }
	owner := map[id]spec{}
	clashes := map[pair][]string{}
	var order []pair
	var nodes = map[pair]spec{}
	for _, s := range specs {
		mine := specOwner(s)
		for _, g := range generatedIDs(s) {
			other, clash := owner[g.id]
			if !clash {
				owner[g.id] = s
				continue
			}
			o := specOwner(other)
			if o == mine {
				continue // the same spec twice is reported by checkConflicts
			}
			p := pair{g.kind, o, mine}
			if clashes[p] == nil {
				order = append(order, p)
				nodes[p] = s
			}
			clashes[p] = append(clashes[p], g.name)
		}
	}
	var results krm.Results
	for _, p := range order {
		list := clashes[p]
		what := fmt.Sprintf("the %s %q", p.kind, list[0])
		if len(list) > 1 {
			what += fmt.Sprintf(" (and %d more)", len(list)-1)
		}
		msg := fmt.Sprintf("generates %s, which %s %s also generates; ", what, api.Kind, p.a)
		if p.kind == "StorageClass" {
			msg += "let one spec create the class (spec.storage.storageClass) and have the other only name it in spec.storage.className"
		} else {
			msg += "rename one of the specs"
		}
		results = append(results, result(nodes[p].node, "metadata.name", msg, krm.Error))
	}
	return results
}
