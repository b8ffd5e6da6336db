package yamlconv

import (
	"regexp"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// yaml11 matches the plain scalars a YAML 1.1 reader (kubectl's and
// Kubernetes' go-yaml v2, PyYAML, Ruby) reads as something other than a
// string: booleans (yes, no, on, off, y, n in every case YAML 1.1 lists),
// null (~, null), integers in base 2, 8, 10 and 16 with underscores,
// sexagesimal numbers (12:30 is 750), floats with underscores, exponents,
// .inf and .nan, dates, and the merge and value keys. go-yaml v3, which
// writes the output, quotes only what YAML 1.2 reads as a non-string, so
// an unquoted `yes`, `010` or `12:30` label value would reach the API
// server as a boolean or a number.
var yaml11 = regexp.MustCompile(`^(?:` +
	`|~|null|Null|NULL` +
	`|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF` +
	`|[-+]?0b[01_]+|[-+]?0o?[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+` +
	`|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?` +
	`|[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?` +
	`|[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+` +
	`|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)` +
	`|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?` +
	`|<<|=` +
	`)$`)

// Ambiguous reports whether s, written as a plain scalar, would be read
// by a YAML 1.1 or 1.2 reader as anything but the string s.
func Ambiguous(s string) bool {
	return yaml11.MatchString(s)
}

// safeStyle double-quotes a string scalar that a YAML 1.1 reader would
// take for another type. Multi-line strings keep their literal style.
func safeStyle(n *yaml.Node) {
	if n.Style == 0 && Ambiguous(n.Value) {
		n.Style = yaml.DoubleQuotedStyle
	}
}
