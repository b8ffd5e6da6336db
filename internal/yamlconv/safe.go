package yamlconv

import (
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Ambiguous reports whether s, written as a plain scalar, would be read
// by a YAML 1.1 or 1.2 reader as anything but the string s. YAML 1.1
// readers (kubectl's and Kubernetes' go-yaml v2, PyYAML, Ruby) read as
// non-strings: booleans (yes, no, on, off, y, n in every case YAML 1.1
// lists), null (~, null, the empty string), integers in base 2, 8, 10 and
// 16 with underscores, sexagesimal numbers (12:30 is 750), floats with
// underscores, exponents, .inf and .nan, dates, and the merge and value
// keys. go-yaml v3, which writes the output, quotes only what YAML 1.2
// reads as a non-string, so an unquoted `yes`, `010` or `12:30` label
// value would reach the API server as a boolean or a number.
//
// It is a hand-written matcher for the regular expression in
// safe_test.go (which checks the two agree): it runs on every key and
// string of every generated object, and a regexp compiled at start-up
// cost every run of the function 0.1 ms and 380 allocations.
func Ambiguous(s string) bool {
	if s != "" && strings.IndexByte(yaml11First, s[0]) < 0 {
		return false // most strings: no form below starts with their first byte
	}
	if yaml11Words[s] {
		return true
	}
	if isDate(s) {
		return true
	}
	if s[0] == '-' || s[0] == '+' {
		s = s[1:]
	}
	return s != "" && (isInteger(s) || isSexagesimal(s) || isFloat(s) || s == ".inf" || s == ".Inf" || s == ".INF")
}

// yaml11First holds the first bytes of every form Ambiguous matches.
const yaml11First = "~nNyYtTfFoO.<=-+0123456789"

var yaml11Words = map[string]bool{
	"": true, "~": true, "null": true, "Null": true, "NULL": true,
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true, "n": true, "N": true, "no": true, "No": true, "NO": true,
	"true": true, "True": true, "TRUE": true, "false": true, "False": true, "FALSE": true,
	"on": true, "On": true, "ON": true, "off": true, "Off": true, "OFF": true,
	".nan": true, ".NaN": true, ".NAN": true, "<<": true, "=": true,
}

// isInteger: 0b[01_]+, 0x[0-9a-fA-F_]+, 0o?[0-7_]+, 0 or [1-9][0-9_]*.
func isInteger(s string) bool {
	switch {
	case len(s) > 2 && s[0] == '0' && s[1] == 'b':
		return only(s[2:], "01_")
	case len(s) > 2 && s[0] == '0' && s[1] == 'x':
		return only(s[2:], "0123456789abcdefABCDEF_")
	case len(s) > 2 && s[0] == '0' && s[1] == 'o':
		return only(s[2:], "01234567_")
	case s[0] == '0':
		return len(s) == 1 || only(s[1:], "01234567_")
	}
	return s[0] >= '1' && s[0] <= '9' && only(s[1:], "0123456789_")
}

// isSexagesimal: [0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?
func isSexagesimal(s string) bool {
	if !digit(s, 0) {
		return false
	}
	i := span(s, 1, "0123456789_")
	groups := 0
	for i < len(s) && s[i] == ':' {
		switch i++; {
		case digit(s, i+1) && s[i] >= '0' && s[i] <= '5':
			i += 2
		case digit(s, i):
			i++
		default:
			return false
		}
		groups++
	}
	if groups == 0 {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i = span(s, i+1, "0123456789_")
	}
	return i == len(s)
}

// isFloat: ([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)? or
// [0-9][0-9_]*(\.[0-9_]*)?[eE][-+]?[0-9]+
func isFloat(s string) bool {
	i := 0
	if digit(s, 0) {
		i = span(s, 1, "0123456789_")
	}
	dot := i < len(s) && s[i] == '.'
	if !dot && i == 0 {
		return false
	}
	if dot {
		i = span(s, i+1, "0123456789_")
		if i == len(s) {
			return true
		}
	}
	if i == len(s) || (s[i] != 'e' && s[i] != 'E') {
		return false
	}
	i++
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	return i < len(s) && span(s, i, "0123456789") == len(s)
}

// isDate: [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)? where . is not a
// newline.
func isDate(s string) bool {
	if len(s) < 8 || !digit(s, 0) || !digit(s, 1) || !digit(s, 2) || !digit(s, 3) || s[4] != '-' {
		return false
	}
	i := 5
	for part := 0; part < 2; part++ {
		if !digit(s, i) {
			return false
		}
		if i++; digit(s, i) {
			i++
		}
		if part == 0 {
			if i >= len(s) || s[i] != '-' {
				return false
			}
			i++
		}
	}
	if i == len(s) {
		return true
	}
	return (s[i] == 'T' || s[i] == 't' || s[i] == ' ') && !strings.Contains(s[i:], "\n")
}

func digit(s string, i int) bool { return i < len(s) && s[i] >= '0' && s[i] <= '9' }

// span returns the end of the run of bytes from set that starts at i.
func span(s string, i int, set string) int {
	for i < len(s) && strings.IndexByte(set, s[i]) >= 0 {
		i++
	}
	return i
}

func only(s, set string) bool { return span(s, 0, set) == len(s) }

// safeStyle double-quotes a string scalar that a YAML 1.1 reader would
// take for another type. Multi-line strings keep their literal style.
func safeStyle(n *yaml.Node) {
	if n.Style == 0 && Ambiguous(n.Value) {
		n.Style = yaml.DoubleQuotedStyle
	}
}
