package krm

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Severity is how grave a result is: kpt and kustomize read these strings.
type Severity string

const (
	// Error makes the function exit non-zero.
	Error Severity = "error"
	// Warning is reported; the run succeeds.
	Warning Severity = "warning"
	// Info is a note.
	Info Severity = "info"
)

// Result is one problem or note about a resource. Fields, order, tags
// and omitempty are framework.Result's: the "results" written to stdout
// must be byte for byte what kyaml writes (TestResultsMatchFramework).
type Result struct {
	// Message is what kustomize and Argo CD users read.
	Message string `yaml:"message,omitempty" json:"message,omitempty"`
	// Severity is Error, Warning or Info.
	Severity Severity `yaml:"severity,omitempty" json:"severity,omitempty"`
	// ResourceRef names the resource: apiVersion, kind, name, namespace.
	ResourceRef *yaml.ResourceIdentifier `yaml:"resourceRef,omitempty" json:"resourceRef,omitempty"`
	// Field is the path of the field in that resource.
	Field *Field `yaml:"field,omitempty" json:"field,omitempty"`
	// File is the file the resource came from.
	File *File `yaml:"file,omitempty" json:"file,omitempty"`
	// Tags are free-form metadata for other tools.
	Tags map[string]string `yaml:"tags,omitempty" json:"tags,omitempty"`
}

// Field is a field of a resource, by path.
type Field struct {
	Path          string `yaml:"path,omitempty" json:"path,omitempty"`
	CurrentValue  any    `yaml:"currentValue,omitempty" json:"currentValue,omitempty"`
	ProposedValue any    `yaml:"proposedValue,omitempty" json:"proposedValue,omitempty"`
}

// File is a file holding a resource, and the resource's index in it.
type File struct {
	Path  string `yaml:"path,omitempty" json:"path,omitempty"`
	Index int    `yaml:"index,omitempty" json:"index,omitempty"`
}

// String is the result as a line of stderr, as framework.Result prints
// it: "[severity] apiVersion/kind/namespace/name field.path: message",
// without the parts that are empty and with no severity meaning info.
func (r Result) String() string {
	var b strings.Builder
	sev := r.Severity
	if sev == "" {
		sev = Info
	}
	b.WriteString("[" + string(sev) + "]")
	if id := r.ResourceRef; id != nil {
		var parts []string
		for _, s := range []string{id.APIVersion, id.Kind, id.Namespace, id.Name} {
			if s != "" {
				parts = append(parts, s)
			}
		}
		if len(parts) > 0 {
			b.WriteString(" " + strings.Join(parts, "/"))
		}
	}
	if r.Field != nil {
		b.WriteString(" " + r.Field.Path)
	}
	fmt.Fprintf(&b, ": %s", r.Message)
	return b.String()
}

// Results are a run's results; returned as an error they fail the run.
type Results []*Result

// Error is every result's String, separated by blank lines.
func (rs Results) Error() string {
	msgs := make([]string, len(rs))
	for i, r := range rs {
		msgs[i] = r.String()
	}
	return strings.Join(msgs, "\n\n")
}

// ExitCode is 1 when any result is an error, else 0.
func (rs Results) ExitCode() int {
	for _, r := range rs {
		if r.Severity == Error {
			return 1
		}
	}
	return 0
}
