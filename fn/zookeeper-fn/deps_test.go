package main

import (
	"os/exec"
	"strings"
	"testing"
)

// notLinked are packages the binary must not link. kyaml's fn/framework
// imports kube-openapi's validate, which imports strfmt and govalidator:
// their package initialisation (regular expressions, format registries)
// cost about 1.4 ms and 540 KB on every run, a quarter of all package
// initialisation, for schema validation the function never does. The
// function has its own protocol types (internal/krm) and command
// (internal/krmio) instead; tests may still import fn/framework to
// compare against it. docs/performance.md, "Third pass", has the numbers.
var notLinked = []string{
	"sigs.k8s.io/kustomize/kyaml/fn/framework",
	"sigs.k8s.io/kustomize/kyaml/fn/framework/command",
	"k8s.io/kube-openapi/pkg/validation/validate",
	"k8s.io/kube-openapi/pkg/validation/strfmt",
	"k8s.io/kube-openapi/pkg/internal/third_party/govalidator",
}

// TestLeanImports fails when one of notLinked re-enters the binary's
// import graph, through our code or through a dependency.
func TestLeanImports(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list the binary's imports: %v", err)
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		deps[p] = true
	}
	if !deps["sigs.k8s.io/kustomize/kyaml/kio"] {
		t.Fatalf("go list -deps printed no kyaml package; is this the binary's package?\n%s", out)
	}
	for _, p := range notLinked {
		if deps[p] {
			t.Errorf("the binary links %s: see notLinked for why it must not, and `go mod why %s` for who imports it", p, p)
		}
	}
}
