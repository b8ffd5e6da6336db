package processor

import (
	"fmt"
	"path"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/krm"
	"github.com/zookeeper-fn/zookeeper-fn/internal/yamlconv"
)

// renderAll returns the new item list: every item in its place, the
// objects the specs generated before removed (by exact identity, see
// ownership), and each spec followed by its freshly rendered objects.
func renderAll(items []*yaml.RNode, specs []spec) ([]*yaml.RNode, krm.Results, error) {
	own := planOwnership(items, specs)
	byIndex := map[int]int{}
	for i, s := range specs {
		byIndex[s.index] = i
	}
	files := outputFiles(specs)
	used := usedIndexes(items, own)
	var out []*yaml.RNode
	var warnings krm.Results
	for i, it := range items {
		if own.replaced[i] {
			continue
		}
		out = append(out, it)
		si, ok := byIndex[i]
		if !ok {
			continue
		}
		if err := it.PipeE(yaml.SetAnnotation(LocalConfigAnnotation, "true")); err != nil {
			return nil, nil, err
		}
		generated, err := toNodes(specs[si], files[si], used)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, generated...)
		warnings = append(warnings, own.handEdits(specs[si], generated)...)
		warnings = append(warnings, scaleWarning(specs[si], own)...)
	}
	return out, append(warnings, own.strayWarnings()...), nil
}

// toNodes converts one spec's objects and, when the spec came from a file
// (kpt), gives each a path and an index kpt has not seen in that file.
func toNodes(s spec, file string, used map[string]map[int]bool) ([]*yaml.RNode, error) {
	out := make([]*yaml.RNode, 0, len(s.objs))
	index := 0
	for _, o := range s.objs {
		n, err := yamlconv.FromObject(o)
		if err != nil {
			return nil, err
		}
		if file != "" {
			for used[file][index] {
				index++
			}
			if err := setPath(n, file, index); err != nil {
				return nil, err
			}
			index++
		}
		out = append(out, n)
	}
	return out, nil
}

// outputFiles is where kpt writes each spec's objects: <name>.zookeeper.yaml
// beside the spec, or <name>.<namespace>.zookeeper.yaml when another spec
// in that directory has the same name (in another namespace). Names and
// namespaces are DNS labels, without dots, so no two specs share a file.
// A spec that came from no file (kustomize) gets none.
func outputFiles(specs []spec) []string {
	type dirName struct{ dir, name string }
	count := map[dirName]int{}
	paths := make([]string, len(specs))
	for i, s := range specs {
		paths[i] = s.node.GetAnnotations()[kioutil.PathAnnotation]
		count[dirName{path.Dir(paths[i]), s.z.Name}]++
	}
	files := make([]string, len(specs))
	for i, s := range specs {
		if paths[i] == "" {
			continue
		}
		dir, base := path.Dir(paths[i]), s.z.Name
		if count[dirName{dir, s.z.Name}] > 1 {
			base += "." + nsOrDefault(s.z.Namespace)
		}
		file := path.Join(dir, base+".zookeeper.yaml")
		if file == path.Clean(paths[i]) {
			file = path.Join(dir, base+".generated.zookeeper.yaml")
		}
		files[i] = file
	}
	return files
}

// usedIndexes are the file indexes held by items that stay in the
// output: kpt refuses two items with one path and index.
func usedIndexes(items []*yaml.RNode, own ownership) map[string]map[int]bool {
	used := map[string]map[int]bool{}
	for i, it := range items {
		if own.replaced[i] {
			continue
		}
		a := it.GetAnnotations(kioutil.PathAnnotation, kioutil.IndexAnnotation)
		p, idx := a[kioutil.PathAnnotation], a[kioutil.IndexAnnotation]
		if p == "" {
			continue
		}
		n, err := strconv.Atoi(idx)
		if err != nil {
			continue
		}
		if used[p] == nil {
			used[p] = map[int]bool{}
		}
		used[p][n] = true
	}
	return used
}

func setPath(n *yaml.RNode, path string, index int) error {
	for _, kv := range [][2]string{
		{kioutil.PathAnnotation, path},
		{kioutil.IndexAnnotation, fmt.Sprint(index)},
		{kioutil.LegacyPathAnnotation, path},
		{kioutil.LegacyIndexAnnotation, fmt.Sprint(index)},
	} {
		if err := n.PipeE(yaml.SetAnnotation(kv[0], kv[1])); err != nil {
			return err
		}
	}
	return nil
}
