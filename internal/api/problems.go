package api

import (
	"fmt"
	"strings"
)

// Problem is one finding about a spec: the field it concerns and what to
// do about it. Warnings describe legal but risky choices.
type Problem struct {
	Path    string
	Message string
	Warning bool
}

// Problems is a list of findings; as an error it reports the errors.
type Problems []Problem

func (ps Problems) Error() string {
	var b strings.Builder
	for _, p := range ps {
		if p.Warning {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s: %s", p.Path, p.Message)
	}
	return b.String()
}

// HasErrors reports whether any finding is an error.
func (ps Problems) HasErrors() bool {
	for _, p := range ps {
		if !p.Warning {
			return true
		}
	}
	return false
}

func (ps *Problems) errorf(path, format string, args ...any) {
	*ps = append(*ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (ps *Problems) warnf(path, format string, args ...any) {
	*ps = append(*ps, Problem{Path: path, Message: fmt.Sprintf(format, args...), Warning: true})
}
