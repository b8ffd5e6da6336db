// Package krm holds the KRM function protocol's values: the ResourceList
// a processor works on and the results it reports, serialised exactly as
// kyaml's fn/framework serialises them. It exists so the binary does not
// link fn/framework, whose imports (kube-openapi's validate and strfmt)
// cost a millisecond of package initialisation on every run for a
// validation the function never uses (docs/performance.md, "Third pass").
package krm
