package processor

import (
	"fmt"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krm"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// ownership decides, by exact identity, which input items an earlier
// render left and the current specs replace: an item is replaced only if
// a spec in the stream generates an object of its group, kind, namespace
// and name, and the item carries that spec's owner annotation. Everything
// else passes through, including items that merely carry an owner
// annotation (a user's Secret, a spec copied from rendered output).
type ownership struct {
	replaced map[int]bool       // item index -> replaced
	old      map[id]*yaml.RNode // the replaced items, by identity
	strays   map[string][]*yaml.RNode
	order    []string // owners of strays, in stream order
	present  map[string]bool
}

func planOwnership(items []*yaml.RNode, specs []spec) ownership {
	own := ownership{replaced: map[int]bool{}, old: map[id]*yaml.RNode{}, strays: map[string][]*yaml.RNode{}, present: map[string]bool{}}
	generated := map[id]string{}
	for _, s := range specs {
		owner := specOwner(s)
		own.present[owner] = true
		for _, g := range generatedIDs(s) {
			generated[g.id] = owner
		}
	}
	for i, it := range items {
		owner := ownerOf(it)
		if owner == "" || !renderedKinds[it.GetKind()] {
			continue // a user's Secret, or a spec copied from rendered output
		}
		owner = ownerKey(owner)
		k := itemID(it, clusterScoped[it.GetKind()])
		if generated[k] == owner {
			own.replaced[i], own.old[k] = true, it
			continue
		}
		if own.strays[owner] == nil {
			own.order = append(own.order, owner)
		}
		own.strays[owner] = append(own.strays[owner], it)
	}
	return own
}

// renderedKinds are the kinds the function renders; only those can be
// leftovers of an earlier render.
var renderedKinds = map[string]bool{
	"ServiceAccount": true, "ConfigMap": true, "Service": true, "StatefulSet": true,
	"PodDisruptionBudget": true, "NetworkPolicy": true, "StorageClass": true,
	"PersistentVolume": true, "PersistentVolumeClaim": true, "ServiceMonitor": true, "PrometheusRule": true,
	"Certificate": true, // spec.security.tls.certManager
}

// maxListed bounds the objects a warning names.
const maxListed = 6

// strayWarnings: objects whose owner spec is gone (renamed or removed), or
// that their spec no longer renders, pass through; each owner gets one
// warning naming them and how to remove them.
func (own ownership) strayWarnings() krm.Results {
	var out krm.Results
	for _, owner := range own.order {
		objs := own.strays[owner]
		ns, name, _ := strings.Cut(owner, "/")
		var list, kubectl []string
		for i, o := range objs {
			if i == maxListed {
				list = append(list, fmt.Sprintf("and %d more", len(objs)-maxListed))
				break
			}
			list = append(list, o.GetKind()+" "+o.GetName())
			kubectl = append(kubectl, strings.ToLower(o.GetKind())+"/"+o.GetName())
		}
		var msg string
		if own.present[owner] {
			msg = fmt.Sprintf("%s %s no longer renders %s, which carry its owner annotation: they pass through unchanged", api.Kind, owner, strings.Join(list, ", "))
		} else {
			msg = fmt.Sprintf("%s carry the owner annotation %s: %s, but no %s %s is in the input (renamed or removed?): they pass through unchanged", strings.Join(list, ", "), names.OwnerAnnotation, owner, api.Kind, owner)
		}
		msg += fmt.Sprintf("; if they are leftovers of an earlier render, delete them from the package (kpt: their file) and from the cluster (kubectl delete -n %s %s); a removed ensemble's claims (data-%s-N) keep its data until you delete them", ns, strings.Join(kubectl, " "), name)
		out = append(out, result(objs[0], "", msg, krm.Warning))
	}
	return out
}

// handEdits warns when a replaced object differs from what its spec
// renders now: someone edited the generated output, and the edit is lost.
func (own ownership) handEdits(s spec, generated []*yaml.RNode) krm.Results {
	var out krm.Results
	for i, g := range generatedIDs(s) {
		old, ok := own.old[g.id]
		if !ok {
			continue
		}
		where := firstDifference(comparable(old), comparable(generated[i]), "")
		if where == "" {
			continue
		}
		msg := fmt.Sprintf("differs from what %s %s renders now (first at %s): it was edited by hand or rendered by another version of zookeeper-fn; it is replaced and the edit is lost: make the change in the spec, or in a patch the kustomization applies before the function", api.Kind, specOwner(s), where)
		out = append(out, result(old, "", msg, krm.Warning))
	}
	return out
}

// comparable is n as plain values, without the annotations kustomize and
// kpt add while they carry objects around (file paths, indexes, ids), and
// without the owner annotation, which matched already, and with the
// namespace made explicit (an earlier render without a namespace wrote no
// namespace and "/zk" where the spec now says "default" and "default/zk").
func comparable(n *yaml.RNode) any {
	c := n.Copy()
	for k := range c.GetAnnotations() {
		if toolAnnotation(k) || k == names.OwnerAnnotation {
			_ = c.PipeE(yaml.ClearAnnotation(k))
		}
	}
	_ = yaml.ClearEmptyAnnotations(c)
	if !clusterScoped[c.GetKind()] {
		_ = c.SetNamespace(nsOrDefault(c.GetNamespace()))
	}
	var v any
	if err := c.YNode().Decode(&v); err != nil {
		return nil
	}
	return v
}

func toolAnnotation(k string) bool {
	for _, p := range []string{"internal.config.kubernetes.io/", "config.kubernetes.io/path", "config.kubernetes.io/index", "config.k8s.io/id", "kustomize.config.k8s.io/"} {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// firstDifference is the path of the first place a and b differ, "" when
// they are equal.
func firstDifference(a, b any, path string) string {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		keys := make([]string, 0, len(am)+len(bm))
		for k := range am {
			keys = append(keys, k)
		}
		for k := range bm {
			if _, ok := am[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			if d := firstDifference(am[k], bm[k], joinPath(path, k)); d != "" {
				return d
			}
		}
		return ""
	}
	al, aok := a.([]any)
	bl, bok := b.([]any)
	if aok && bok && len(al) == len(bl) {
		for i := range al {
			if d := firstDifference(al[i], bl[i], fmt.Sprintf("%s[%d]", path, i)); d != "" {
				return d
			}
		}
		return ""
	}
	if fmt.Sprintf("%T %v", a, a) == fmt.Sprintf("%T %v", b, b) {
		return ""
	}
	if path == "" {
		return "the top level"
	}
	return path
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + clip(key)
}
