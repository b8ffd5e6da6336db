package processor

import "sigs.k8s.io/kustomize/kyaml/yaml"

// FastPath reports whether Execute handles b itself rather than handing
// it to framework.Execute.
func FastPath(b []byte, root *yaml.Node) bool {
	_, ok := fastInput(b, root)
	return ok
}
