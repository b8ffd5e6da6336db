//go:build e2e

package delivery

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// kpt is the kpt binary (/usr/bin/kpt on this kind of machine and on CI).
func kpt(t *testing.T) string { return harness.Tool(t, "ZKFN_KPT", "e2e-delivery") }

// generatedFile is where the function puts what it renders from
// zookeeper.yaml (spec zk) in a kpt package.
const generatedFile = "zk.zookeeper.yaml"

// pkgCopy copies examples/kpt/<form> into a fresh directory.
func pkgCopy(t *testing.T, form string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "zookeeper-"+form)
	copyTree(t, filepath.Join(harness.Root(t), "examples/kpt", form), dst)
	return dst
}

// packageObjects decodes every YAML file of a package.
func packageObjects(t *testing.T, dir string) []object {
	t.Helper()
	var out []object
	files := snapshot(t, dir)
	var names []string
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if n == "Kptfile" || strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml") {
			out = append(out, decodeDocs(t, []byte(files[n]))...)
		}
	}
	return out
}

// kptRender runs `kpt fn render` on dir in the environment of the form.
func kptRender(t *testing.T, form, dir string, extra ...string) outcome {
	t.Helper()
	args := []string{kpt(t), "fn", "render", dir}
	e := execEnv(t)
	if form == "exec" {
		args = append(args, "--allow-exec")
	} else {
		e = containerEnv(t)
	}
	return run(t, cmd{env: e, args: append(args, extra...)})
}

// Both packages hold overlays/prod's namespace and one spec, and differ
// only in how the Kptfile runs the function.
func TestKptPackagesDifferOnlyInWiring(t *testing.T) {
	root := harness.Root(t)
	exec, img := snapshot(t, filepath.Join(root, "examples/kpt/exec")), snapshot(t, filepath.Join(root, "examples/kpt/image"))
	require.ElementsMatch(t, []string{"Kptfile", "namespace.yaml", "zookeeper.yaml"}, slices.Collect(maps.Keys(exec)))
	require.ElementsMatch(t, slices.Collect(maps.Keys(exec)), slices.Collect(maps.Keys(img)))
	require.Equal(t, exec["zookeeper.yaml"], img["zookeeper.yaml"])
	require.Equal(t, exec["namespace.yaml"], img["namespace.yaml"])
	prodNS, err := os.ReadFile(filepath.Join(root, "overlays/prod/namespace.yaml"))
	require.NoError(t, err)
	require.Equal(t, string(prodNS), exec["namespace.yaml"])

	steps := func(kptfile, list string) []map[string]any {
		var k struct {
			Pipeline map[string][]map[string]any `json:"pipeline"`
		}
		require.NoError(t, yaml.Unmarshal([]byte(kptfile), &k))
		require.NotEmpty(t, k.Pipeline[list], "no %s", list)
		return k.Pipeline[list]
	}
	validate := map[string]any{"mode": "validate"}
	require.Equal(t, []map[string]any{{"exec": "zookeeper-fn"}}, steps(exec["Kptfile"], "mutators"))
	require.Equal(t, []map[string]any{{"exec": "zookeeper-fn", "configMap": validate}}, steps(exec["Kptfile"], "validators"))
	require.Equal(t, []map[string]any{{"image": image(t)}}, steps(img["Kptfile"], "mutators"))
	require.Equal(t, []map[string]any{{"image": image(t), "configMap": validate}}, steps(img["Kptfile"], "validators"))
}

// `kpt fn render` of either package writes overlays/prod's topology next
// to the spec, and a second render changes nothing.
func TestKptRender(t *testing.T) {
	want := topology(t, decodeDocs(t, prodExec(t)))
	for _, form := range []string{"exec", "image"} {
		t.Run(form, func(t *testing.T) {
			dir := pkgCopy(t, form)
			o := kptRender(t, form, dir)
			require.NoError(t, o.err, "kpt fn render:\n%s", o.stderr)

			files := snapshot(t, dir)
			got := topology(t, packageObjects(t, dir))
			requireSameTopology(t, want, got)
			require.Equal(t, prodServerLines(), serverLines(t, got))

			o = kptRender(t, form, dir)
			require.NoError(t, o.err, "second kpt fn render:\n%s", o.stderr)
			require.Equal(t, files, snapshot(t, dir), "the second render changed the package")

			require.Contains(t, files, generatedFile, "the function must write its objects beside the spec")
			require.ElementsMatch(t, []string{"Kptfile", "namespace.yaml", "zookeeper.yaml", generatedFile}, slices.Collect(maps.Keys(files)),
				"render wrote files the package does not expect")
			generated := topology(t, decodeDocs(t, []byte(files[generatedFile])))
			require.Contains(t, generated, "StatefulSet zookeeper-prod/zk")
		})
	}
}

// evalForm is one way `kpt fn eval` runs the function: its environment
// and flags.
type evalForm struct {
	name string
	env  func(*testing.T) []string
	flag []string
}

// evalForms are the binary on PATH and the image.
func evalForms(t *testing.T) []evalForm {
	return []evalForm{
		{"exec", execEnv, []string{"--exec", "zookeeper-fn"}},
		{"image", containerEnv, []string{"--image", image(t)}},
	}
}

// `kpt fn eval` runs the function imperatively, without the pipeline, from
// the binary and from the image.
func TestKptEval(t *testing.T) {
	want := topology(t, decodeDocs(t, prodExec(t)))
	for _, tc := range evalForms(t) {
		t.Run(tc.name, func(t *testing.T) {
			dir := pkgCopy(t, "exec")
			mustRun(t, cmd{env: tc.env(t), args: append([]string{kpt(t), "fn", "eval", dir}, tc.flag...)})
			requireSameTopology(t, want, topology(t, packageObjects(t, dir)))
		})
	}
}

// The validator step of the pipeline (the function in validate mode, run
// here with `kpt fn eval` as kpt runs it) passes a freshly rendered package
// and, after a hand edit that breaks the ensemble, fails with the field
// path of the problem and changes nothing.
func TestKptValidator(t *testing.T) {
	for _, tc := range evalForms(t) {
		t.Run(tc.name, func(t *testing.T) {
			dir := pkgCopy(t, "exec")
			o := kptRender(t, "exec", dir)
			require.NoError(t, o.err, "kpt fn render:\n%s", o.stderr)
			validate := func(results string) outcome {
				args := append([]string{kpt(t), "fn", "eval", dir, "--results-dir", results}, tc.flag...)
				return run(t, cmd{env: tc.env(t), args: append(args, "--", "mode=validate")})
			}
			rendered := snapshot(t, dir)
			o = validate(t.TempDir())
			require.NoError(t, o.err, "validator on a freshly rendered package:\n%s", o.stderr)
			require.Equal(t, rendered, snapshot(t, dir), "the validator changed the package")

			file := filepath.Join(dir, generatedFile)
			b, err := os.ReadFile(file)
			require.NoError(t, err)
			require.Equal(t, 1, strings.Count(string(b), "\n  replicas: 5\n"), "one StatefulSet replicas line")
			require.NoError(t, os.WriteFile(file, []byte(strings.Replace(string(b), "\n  replicas: 5\n", "\n  replicas: 7\n", 1)), 0o644))
			edited := snapshot(t, dir)

			results := t.TempDir()
			o = validate(results)
			require.Error(t, o.err, "the validator passed a StatefulSet with 7 replicas and 5 server lines")
			require.Equal(t, edited, snapshot(t, dir), "the validator changed the package")
			found := false
			for _, r := range readResults(t, results) {
				if r.ResourceRef["kind"] == "StatefulSet" && r.Field.Path == "spec.replicas" && r.Severity == "error" {
					found = true
				}
			}
			require.True(t, found, "no error result for StatefulSet spec.replicas; stderr:\n%s", o.stderr)
		})
	}
}

// readResults returns every function result in kpt's results file.
func readResults(t *testing.T, dir string) []kptResult {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "results.yaml"))
	require.NoError(t, err, "kpt wrote no results file")
	var list struct {
		Items []struct {
			Results []kptResult `json:"results"`
		} `json:"items"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &list))
	var out []kptResult
	for _, it := range list.Items {
		out = append(out, it.Results...)
	}
	return out
}

// kptResult is one entry of kpt's results file.
type kptResult struct {
	Message     string            `json:"message"`
	Severity    string            `json:"severity"`
	ResourceRef map[string]string `json:"resourceRef"`
	Field       struct {
		Path string `json:"path"`
	} `json:"field"`
	File struct {
		Path string `json:"path"`
	} `json:"file"`
}

// An invalid spec fails the render, leaves the package as it was, and the
// function's results land in kpt's results file with their field paths.
func TestKptResultsCarryFieldPaths(t *testing.T) {
	for _, form := range []string{"exec", "image"} {
		t.Run(form, func(t *testing.T) {
			dir := pkgCopy(t, form)
			specFile := filepath.Join(dir, "zookeeper.yaml")
			b, err := os.ReadFile(specFile)
			require.NoError(t, err)
			bad := string(b)
			for _, r := range [][2]string{
				{"replicas: 5", "replicas: 4"},
				{"reclaimPolicy: Retain", "reclaimPolicy: Recycle"},
				{"antiAffinity: required", "antiAffinity: sometimes"},
			} {
				require.Contains(t, bad, r[0])
				bad = strings.Replace(bad, r[0], r[1], 1)
			}
			require.NoError(t, os.WriteFile(specFile, []byte(bad), 0o644))
			before := snapshot(t, dir)

			results := t.TempDir()
			o := kptRender(t, form, dir, "--results-dir", results)
			require.Error(t, o.err, "render of an invalid spec succeeded")
			require.Equal(t, before, snapshot(t, dir), "a failed render changed the package")

			raw, err := os.ReadFile(filepath.Join(results, "results.yaml"))
			require.NoError(t, err, "kpt wrote no results file; stderr:\n%s", o.stderr)
			var list struct {
				Kind     string `json:"kind"`
				ExitCode int    `json:"exitCode"`
				Items    []struct {
					ExitCode int         `json:"exitCode"`
					Results  []kptResult `json:"results"`
				} `json:"items"`
			}
			require.NoError(t, yaml.Unmarshal(raw, &list))
			require.Equal(t, "FunctionResultList", list.Kind)
			require.NotZero(t, list.ExitCode)
			byPath := map[string]kptResult{}
			for _, it := range list.Items {
				for _, r := range it.Results {
					byPath[r.Field.Path] = r
				}
			}
			for _, p := range []string{"spec.replicas", "spec.storage.reclaimPolicy", "spec.placement.antiAffinity"} {
				r, ok := byPath[p]
				require.True(t, ok, "no result for %s in:\n%s", p, raw)
				require.Equal(t, "error", r.Severity, p)
				require.Equal(t, "ZookeeperSpec", r.ResourceRef["kind"], p)
				require.Equal(t, "zk", r.ResourceRef["name"], p)
				require.Equal(t, "zookeeper.yaml", r.File.Path, p)
				require.NotEmpty(t, r.Message, p)
			}
		})
	}
}
