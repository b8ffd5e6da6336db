package processor_test

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"

	"github.com/zookeeper-fn/zookeeper-fn/internal/krm"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krmio"
	"github.com/zookeeper-fn/zookeeper-fn/internal/krmtest"
	"github.com/zookeeper-fn/zookeeper-fn/internal/processor"
)

// executeCorpus is every input the repository has (golden, hostile, fuzz
// seeds) and streams written to stress the writer: comments in every
// place, block scalars with every chomping, long and quoted strings, flow
// styles, anchors across items, empty annotations, input results, both
// ResourceList versions, and the forms that take kyaml's own path
// (document markers, CRLF, extra wrapper fields).
func executeCorpus(t testing.TB) map[string][]byte {
	t.Helper()
	corpus := repoInputs(t)
	if len(corpus) < 50 {
		t.Fatalf("only %d inputs in the repository's corpus", len(corpus))
	}
	const rl = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"
	spec := "- apiVersion: zookeeper-fn.dev/v1alpha1\n  kind: ZookeeperSpec\n  metadata: {name: zk, namespace: ns}\n  spec: {replicas: 3}\n"
	long := strings.Repeat("word ", 40)
	for name, s := range map[string]string{
		"comments": rl + `# head of items
items:
# head of the first item
- apiVersion: v1 # line comment
  kind: ConfigMap
  metadata:
    # head inside
    name: a
    annotations: {} # empty annotations are dropped
  data:
    k: v
    # foot of data
  # foot of the first item
# head of the second
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: b}
` + spec + `  # foot after the spec
# foot of the list
`,
		"comment-only-foot": rl + "items:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n# the end\n",
		"block-scalars": rl + `items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: blocks}
  data:
    clip: |
      a
      b
    strip: |-
      a
    keep: |+
      a

    folded: >
      a
      b
    indented: |2
        leading spaces
    last-keep: |+
      kept


`,
		"keep-at-the-end":  rl + "items:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: k}\n  data:\n    x: |+\n      a\n\n\n",
		"keep-before-fc":   rl + "items:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: k}\n  data:\n    x: |+\n      a\n\nfunctionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: fc}\n  data:\n    y: |+\n      b\n\n",
		"strings":          rl + "items:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: s, labels: {'a/b': \"yes\", on: 'off'}}\n  data:\n    long: " + long + "\n    quoted: \"tab\\there \\u00e9 \\U0001F600\"\n    single: 'it''s'\n    colon: \"a: b\"\n    num: \"0123\"\n    empty: \"\"\n    nul: ~\n    multi: \"line1\\nline2 with trailing space \\n\"\n",
		"flow":             rl + "items: [{apiVersion: v1, kind: ConfigMap, metadata: {name: f}, data: {a: b, long: " + long + "}}, {apiVersion: v1, kind: List, items: [[1, 2], {x: [y]}]}]\n",
		"anchors":          rl + "items:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n  data: &d\n    k: v\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b}\n  data: *d\n- &whole\n  apiVersion: v1\n  kind: Secret\n  metadata: {name: c}\n  data: {x: &s scalar, y: *s}\n",
		"results-in":       rl + "items:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: r}\nresults:\n- message: from an earlier function\n  severity: info\n",
		"v1alpha1":         "apiVersion: config.kubernetes.io/v1alpha1\nkind: ResourceList\nitems:\n" + spec,
		"no-items":         rl + "functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: fc}\n",
		"null-items":       rl + "items: null\nfunctionConfig:\n  apiVersion: zookeeper-fn.dev/v1alpha1\n  kind: ZookeeperSpec\n  metadata: {name: gen, namespace: g}\n",
		"empty-items-list": rl + "items: []\nfunctionConfig: {apiVersion: v1, kind: ConfigMap, metadata: {name: x}}\n",
		"null-fc":          rl + "items:\n" + spec + "functionConfig: null\n",
		"internal-annotations": rl + "items:\n" + strings.Replace(spec, "namespace: ns}", "namespace: ns, annotations: {config.kubernetes.io/path: dir/zk.yaml, config.kubernetes.io/index: '0', internal.config.kubernetes.io/path: dir/zk.yaml, internal.config.kubernetes.io/index: '0'}}", 1) +
			"- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: legacy\n    annotations:\n      config.kubernetes.io/path: other.yaml\n",
		// Which items kyaml's annotation reconciliation may skip
		// (krmio.withKyamlAnnotations): legacy-only and internal-only
		// inputs (the output takes their format), ids, null, aliased
		// and merged annotations and metadata.
		"legacy-only-annotations": rl + "items:\n" + strings.Replace(spec, "namespace: ns}", "namespace: ns, annotations: {config.kubernetes.io/path: zk.yaml, config.kubernetes.io/index: '2', config.k8s.io/id: '7'}}", 1),
		"internal-only-annotations": rl + "items:\n" + strings.Replace(spec, "namespace: ns}", "namespace: ns, annotations: {internal.config.kubernetes.io/path: zk.yaml, internal.config.kubernetes.io/id: '3'}}", 1) +
			"- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: plain, annotations: {a: b}}\n",
		"null-annotations":       rl + "items:\n" + spec + "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: nul, annotations: null}\n",
		"merged-metadata":        rl + "items:\n" + spec + "- apiVersion: v1\n  kind: ConfigMap\n  metadata: &md {name: merged, annotations: {x: y}}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {<<: *md, name: merging}\n",
		"merged-annotations":     rl + "items:\n" + spec + "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: m, annotations: &an {config.kubernetes.io/path: a.yaml}}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: n, annotations: {<<: *an, b: c}}\n",
		"aliased-metadata":       rl + "items:\n" + spec + "- apiVersion: v1\n  kind: ConfigMap\n  metadata: &m {name: same, annotations: {config.kubernetes.io/path: a.yaml}}\n- apiVersion: v1\n  kind: Secret\n  metadata: *m\n",
		"mismatched-annotations": rl + "items:\n" + strings.Replace(spec, "namespace: ns}", "namespace: ns, annotations: {config.kubernetes.io/path: a.yaml, internal.config.kubernetes.io/path: b.yaml}}", 1),
		"wide-sequences":         rl + "items:\n  - apiVersion: v1\n    kind: Service\n    metadata: {name: w}\n    spec:\n      ports:\n        - port: 80\n          # a comment\n        - port: 81\n",
		"leading-marker":         "---\n" + rl + "items:\n" + spec,
		"trailing-marker":        rl + "items:\n" + spec + "---\n",
		"end-marker":             rl + "items:\n" + spec + "...\n",
		"separator-in-a-block":   rl + "items:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: embedded}\n  data:\n    doc.yaml: |\n      a: 1\n---\n",
		"crlf":                   strings.ReplaceAll(rl+"items:\n"+spec, "\n", "\r\n"),
		"wrapper-metadata":       rl + "metadata: {name: x}\nitems:\n" + spec,
		"wrapper-extra":          rl + "extra: 1\nitems:\n" + spec,
		"directive":              "%YAML 1.1\n---\n" + rl + "items:\n" + spec,
	} {
		corpus["case:"+name] = []byte(s)
	}
	// Streams like the benchmarks', and many ensembles.
	var b bytes.Buffer
	b.WriteString(rl + "items:\n")
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&b, "- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: app-%d, namespace: apps, annotations: {a: b}}\n  spec:\n    template:\n      spec:\n        containers: [{name: c, image: 'img:%d', args: [\"--x=%d\"]}]\n", i, i, i)
		if i%50 == 0 {
			fmt.Fprintf(&b, "- apiVersion: zookeeper-fn.dev/v1alpha1\n  kind: ZookeeperSpec\n  metadata: {name: zk%d, namespace: ns%d}\n  spec: {replicas: %d}\n", i, i, 1+2*(i%3))
		}
	}
	corpus["stream"] = b.Bytes()
	return corpus
}

// TestExecuteMatchesFramework runs every input through kyaml's
// framework.Execute and through Execute, with the function and with a
// function that changes nothing, and requires the same output bytes and
// the same error.
func TestExecuteMatchesFramework(t *testing.T) {
	fast := 0
	for name, in := range executeCorpus(t) {
		if _, err := krmio.ReadInput(bytes.NewReader(in)); err != nil {
			continue // refused before either path runs
		}
		for _, p := range []struct {
			name string
			p    krm.Processor
		}{{"function", processor.Processor{}}, {"identity", benchIdentity}} {
			want, wantErr := viaFramework(p.p, in)
			got, gotErr, usedFast := viaExecute(t, p.p, in)
			if usedFast {
				fast++
			}
			if !bytes.Equal(want, got) {
				t.Errorf("%s, %s: output differs (fast path %v)\n--- framework.Execute\n%s\n--- Execute\n%s", name, p.name, usedFast, want, got)
			}
			if fmt.Sprint(wantErr) != fmt.Sprint(gotErr) {
				t.Errorf("%s, %s: error differs\n--- framework.Execute\n%v\n--- Execute\n%v", name, p.name, wantErr, gotErr)
			}
		}
	}
	if fast < 100 {
		t.Errorf("only %d runs took the fast path", fast)
	}
}

func viaFramework(p krm.Processor, in []byte) ([]byte, error) {
	var out bytes.Buffer
	err := framework.Execute(krmtest.Framework(p), &kio.ByteReadWriter{Reader: bytes.NewReader(in), Writer: &out, KeepReaderAnnotations: true})
	return out.Bytes(), err
}

func viaExecute(t testing.TB, p krm.Processor, in []byte) ([]byte, error, bool) {
	t.Helper()
	b, root, err := krmio.ReadResourceList(bytes.NewReader(in))
	if err != nil {
		t.Fatalf("ReadResourceList refused what ReadInput accepted: %v", err)
	}
	var out bytes.Buffer
	err = krmio.Execute(p, b, root, &out)
	return out.Bytes(), err, krmio.FastPath(b, root)
}

// FuzzExecute holds Execute to framework.Execute on arbitrary streams.
func FuzzExecute(f *testing.F) {
	corpus := executeCorpus(f)
	names := make([]string, 0, len(corpus))
	for name := range corpus {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if in := corpus[name]; len(in) <= maxFuzzInput {
			f.Add(in)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) > maxFuzzInput {
			return
		}
		if _, err := krmio.ReadInput(bytes.NewReader(in)); err != nil {
			return
		}
		for _, p := range []krm.Processor{processor.Processor{}, benchIdentity} {
			want, wantErr := viaFramework(p, in)
			got, gotErr, _ := viaExecute(t, p, in)
			if !bytes.Equal(want, got) || fmt.Sprint(wantErr) != fmt.Sprint(gotErr) {
				t.Fatalf("Execute differs from framework.Execute\n--- framework.Execute (%v)\n%s\n--- Execute (%v)\n%s", wantErr, want, gotErr, got)
			}
		}
	})
}
