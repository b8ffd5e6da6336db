package krmio

import (
	"bytes"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/krmtest"
)

// goYAML is what writeResourceList writes for item n with go-yaml, as
// the stream's last piece or not.
func goYAML(t *testing.T, n *yaml.Node, final bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	one := &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{n}}
	if err := encode(&buf, one, final); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func checkItem(t *testing.T, name string, n *yaml.Node) bool {
	t.Helper()
	got, ok := appendItem(nil, n)
	if !ok {
		return false
	}
	for _, final := range []bool{false, true} {
		if want := goYAML(t, n, final); !bytes.Equal(got, want) {
			t.Fatalf("%s: appendItem wrote\n%s\ngo-yaml wrote (final %v)\n%s", name, got, final, want)
		}
	}
	return true
}

// TestAppendItemRepository: every item of every input and expected
// output in testdata is written as go-yaml writes it, or left to go-yaml;
// nine in ten of the function's own objects at least take the fast path.
func TestAppendItemRepository(t *testing.T) {
	items := krmtest.Items(t, "../../testdata/*/*/*.yaml", "../../testdata/fuzz/process/*.yaml")
	fast, generated, generatedFast := 0, 0, 0
	for _, it := range items {
		ok := checkItem(t, it.File, it.Node.YNode())
		if ok {
			fast++
		}
		if strings.HasSuffix(it.File, "expected.yaml") && it.Node.GetAnnotations()["zookeeper-fn.dev/owner"] != "" {
			generated++
			if ok {
				generatedFast++
			} else {
				t.Logf("%s: the generated %s %s is left to go-yaml", it.File, it.Node.GetKind(), it.Node.GetName())
			}
		}
	}
	// The speed-up is for the function's own objects: most must take it.
	if generated < 100 || generatedFast < generated*9/10 {
		t.Fatalf("%d of %d generated objects written without go-yaml", generatedFast, generated)
	}
	t.Logf("%d of %d items written without go-yaml (%d generated)", fast, len(items), generated)
}

var fuzzWords = []string{"a", "zk", "4Gi", "500m", "3.9.6", "1e3", "09", "0x1F", "yes", "null", "Null", "true", "~", "", " a", "a ",
	"a: b", "a:b", "a:", "#a", "a #b", "a#b", "-a", "- a", "/x", "k8s.io/name", "x\ny", "x\ny\n", "x\n\n", "\nx", " x\ny", "x \ny",
	"x\ty", "é", "a\"b", "a\\b", "{a}", "[a]", "a,b", "?a", "a?", "@a", "`a", "%a", "!a", "&a", "*a", "|a", ">a", "'a", "\"a",
	"---", "...", "a---", "-c", "-Inf", "-x y", "-", "--a", "-1a", "(a)", "$x", "_a", ";a", "(a: b", "$(x) #c", "(1)", "1.5", "-1", "1_000", "0o17", "0b1", "12:30", "2024-01-02", "inf", ".inf", "NaN", strings.Repeat("k", 129)}

func randomNode(r *rand.Rand, depth int) *yaml.Node {
	switch k := r.IntN(6); {
	case depth > 4 || k < 3:
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: fuzzWords[r.IntN(len(fuzzWords))]}
		switch r.IntN(9) {
		case 8:
			n.Style = yaml.SingleQuotedStyle
		case 0:
			n.Style = yaml.DoubleQuotedStyle
		case 1:
			n.Style = yaml.LiteralStyle
		case 2:
			n.Tag, n.Value = yaml.NodeTagInt, []string{"0", "-12", "007", "1e3"}[r.IntN(4)]
		case 3:
			n.Tag, n.Value = yaml.NodeTagFloat, []string{"1.5", "1e+21", "1e-7", "-0.25", "2", ".5"}[r.IntN(6)]
		case 4:
			n.Tag, n.Value = yaml.NodeTagBool, []string{"true", "false", "yes"}[r.IntN(3)]
		}
		return n
	case k < 5:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: []string{yaml.NodeTagMap, yaml.NodeTagMap, "", "!custom"}[r.IntN(4)]}
		if r.IntN(8) == 0 {
			n.Style = yaml.FlowStyle
		}
		for range r.IntN(4) {
			n.Content = append(n.Content, randomNode(r, 5), randomNode(r, depth+1))
		}
		return n
	default:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: []string{yaml.NodeTagSeq, yaml.NodeTagSeq, "", "!custom"}[r.IntN(4)]}
		if r.IntN(8) == 0 {
			n.Style = yaml.FlowStyle
		}
		for range r.IntN(4) {
			n.Content = append(n.Content, randomNode(r, depth+1))
		}
		return n
	}
}

// TestAppendItemRandom: random trees of mappings, sequences and scalars
// of every style the writer takes and many it must leave to go-yaml.
func TestAppendItemRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	fast := 0
	for i := range 20000 {
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap}
		for range 1 + r.IntN(4) {
			n.Content = append(n.Content, randomNode(r, 5), randomNode(r, 1))
		}
		if checkItem(t, "random "+strings.Repeat("", i), n) {
			fast++
		}
	}
	if fast < 300 {
		t.Errorf("only %d of 20000 random items written without go-yaml", fast)
	}
	t.Logf("%d of 20000 random items written without go-yaml", fast)
}

// TestAppendItemFlowRandom: random trees as TestAppendItemRandom's, with
// half the collections in flow style and no custom tags, so that many
// flow collections (of every scalar the fuzz words hold, nested, at the
// root, as values and as sequence items) take the writer's flow path.
func TestAppendItemFlowRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var flowify func(n *yaml.Node)
	flowify = func(n *yaml.Node) {
		if n.Kind != yaml.ScalarNode {
			n.Tag, n.Style = "", 0
			if r.IntN(2) == 0 {
				n.Style = yaml.FlowStyle
			}
		}
		for _, c := range n.Content {
			flowify(c)
		}
	}
	fast, flows := 0, 0
	for i := range 100000 {
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap}
		for range 1 + r.IntN(4) {
			n.Content = append(n.Content, randomNode(r, 5), randomNode(r, 2))
		}
		flowify(n)
		if r.IntN(4) != 0 {
			n.Style = 0
		}
		if checkItem(t, "flow random "+strings.Repeat("", i), n) {
			fast++
			if got, _ := appendItem(nil, n); bytes.ContainsAny(got, "{[") {
				flows++
			}
		}
	}
	if flows < 1000 {
		t.Errorf("only %d of 100000 random items with flow collections written without go-yaml (%d in all)", flows, fast)
	}
	t.Logf("%d of 100000 random items written without go-yaml, %d with flow collections", fast, flows)
}

// TestAppendItemFlowLong: kyaml's width is unlimited, so go-yaml never
// breaks a long flow collection or a long scalar in one; the writer,
// which never breaks either, must take these and match.
func TestAppendItemFlowLong(t *testing.T) {
	words := strings.TrimSpace(strings.Repeat("word ", 60))
	keys := "k: v"
	for i := range 40 {
		keys += ", key" + strconv.Itoa(i) + ": value"
	}
	for name, src := range map[string]string{
		"long value":      "data: {a: " + words + ", b: c}\n",
		"many keys":       "data: {" + keys + "}\n",
		"long sequence":   "args: [" + strings.TrimSuffix(strings.Repeat("flag=value, ", 40), ", ") + "]\n",
		"nested":          "spec: {resources: {requests: {cpu: \"1\", memory: 4Gi}, limits: {memory: 4Gi}}, list: [a, {b: c}, [d]]}\n",
		"quoted long":     "data: {a: \"" + words + "\"}\n",
		"root flow items": "{apiVersion: v1, kind: ConfigMap, metadata: {name: x}, data: {a: " + words + "}}\n",
	} {
		n, err := yaml.Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		if !checkItem(t, name, n.YNode()) {
			t.Errorf("%s: left to go-yaml", name)
		}
	}
}
