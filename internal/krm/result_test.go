package krm_test

import (
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/krm"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krmtest"
)

// TestResultsMatchFramework holds krm's results to kyaml's fn/framework:
// the same YAML bytes under "results" (field order, omitempty, severity
// strings), the same stderr text (Error, String) and the same exit code,
// for results with every field set, none set, and the tricky values.
func TestResultsMatchFramework(t *testing.T) {
	ref := func(av, k, ns, n string) *yaml.ResourceIdentifier {
		return &yaml.ResourceIdentifier{TypeMeta: yaml.TypeMeta{APIVersion: av, Kind: k}, NameMeta: yaml.NameMeta{Name: n, Namespace: ns}}
	}
	all := &krm.Result{
		Message:     "spec.replicas is 4: use an odd number",
		Severity:    krm.Error,
		ResourceRef: ref("zookeeper-fn.dev/v1alpha1", "ZookeeperSpec", "kafka", "zk"),
		Field:       &krm.Field{Path: "spec.replicas", CurrentValue: 4, ProposedValue: map[string]any{"b": []any{1, "x"}, "a": nil}},
		File:        &krm.File{Path: "zk.yaml", Index: 2},
		Tags:        map[string]string{"z": "1", "a": "yes"},
	}
	cases := map[string]krm.Results{
		"every field":  {all},
		"empty result": {{}},
		"severities": {
			{Message: "w", Severity: krm.Warning, ResourceRef: ref("v1", "ConfigMap", "", "cm")},
			{Message: "i", Severity: krm.Info, Field: &krm.Field{}},
			{Message: "none"},
			{Message: "odd", Severity: "fatal", ResourceRef: ref("", "", "", "")},
		},
		"tricky messages": {
			{Message: "line one\nline two: \"quoted\" 'single' # not a comment", Severity: krm.Error, File: &krm.File{Index: 1}},
			{Message: "%s %d %% {}", Severity: krm.Warning, Field: &krm.Field{Path: "data.\"a b\"[0]"}},
			{Message: "ünïcödé ✓ and a tab\there", Severity: krm.Info, ResourceRef: ref("apps/v1", "StatefulSet", "ns", "")},
			{Message: "yes", Severity: krm.Warning, Field: &krm.Field{Path: "true"}},
		},
	}
	for name, rs := range cases {
		t.Run(name, func(t *testing.T) {
			fw := krmtest.FrameworkResults(rs)
			want, err := yaml.Marshal(fw)
			if err != nil {
				t.Fatal(err)
			}
			got, err := yaml.Marshal(rs)
			if err != nil {
				t.Fatal(err)
			}
			if string(want) != string(got) {
				t.Errorf("YAML differs\n--- framework\n%s\n--- krm\n%s", want, got)
			}
			if fw.Error() != rs.Error() {
				t.Errorf("Error differs\n--- framework\n%s\n--- krm\n%s", fw.Error(), rs.Error())
			}
			if fw.ExitCode() != rs.ExitCode() {
				t.Errorf("ExitCode: framework %d, krm %d", fw.ExitCode(), rs.ExitCode())
			}
		})
	}
}
