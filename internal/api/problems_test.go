package api_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
)

// specError is a piece of spec, the body of `spec:` (more than one field
// on lines of their own, indented by two), and the error it must give: at
// path, with msg in its message.
type specError struct{ spec, path, msg string }

// requireSpecErrors decodes each case's spec in a subtest and requires
// its error (requireProblem).
func requireSpecErrors(t *testing.T, cases map[string]specError) {
	t.Helper()
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, ps := decode(t, header+"spec:\n  "+c.spec+"\n")
			requireProblem(t, ps, c.path, c.msg)
		})
	}
}

// hasWarning reports whether ps holds a warning at path whose message
// holds msg.
func hasWarning(ps api.Problems, path, msg string) bool {
	return slices.ContainsFunc(ps, func(p api.Problem) bool {
		return p.Warning && p.Path == path && strings.Contains(p.Message, msg)
	})
}

// requireProblem asserts an error at path whose message holds msg.
func requireProblem(t *testing.T, ps api.Problems, path, msg string) {
	t.Helper()
	for _, p := range ps {
		if p.Path == path && strings.Contains(p.Message, msg) && !p.Warning {
			return
		}
	}
	t.Fatalf("no error at %s containing %q in: %v", path, msg, ps)
}
