package yamlconv_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/render"
	"github.com/zookeeper-fn/zookeeper-fn/internal/yamlconv"
)

// TestFromObjectMatchesTokenReader checks the scanner against the plain
// encoding/json token reader it replaced, node for node (kind, tag, style,
// value, order), on every object every golden spec renders and on values
// chosen for their JSON escapes, numbers and nulls.
func TestFromObjectMatchesTokenReader(t *testing.T) {
	var objs []any
	for _, z := range goldenSpecs(t) {
		for _, o := range render.Ensemble(z, z.Membership()) {
			objs = append(objs, o)
		}
	}
	if len(objs) < 50 {
		t.Fatalf("only %d objects rendered from the golden specs", len(objs))
	}
	objs = append(objs,
		map[string]any{"kind": "K", "apiVersion": "v1", "status": map[string]any{"x": 1}, "spec": map[string]any{"status": map[string]any{}, "b": true, "f": false}},
		map[string]any{"s": "<&>\"\\\t\u2028 é 😀 \x7f", "multi": "a\nb\n", "empty": "", "n": nil, "list": []any{nil, 1, -2.5, 1e21, "x", []any{}, map[string]any{}}},
		map[string]any{"i64": int64(-9223372036854775808), "u": uint64(18446744073709551615), "f": 0.000001, "g": 123456789.125},
		[]string{"a", "b\n"},
		"bare string",
		3,
		nil,
	)
	for i, o := range objs {
		got, err := yamlconv.FromObject(o)
		if err != nil {
			t.Fatalf("object %d (%T): %v", i, o, err)
		}
		want, err := tokenReader(o)
		if err != nil {
			t.Fatalf("object %d (%T): reference: %v", i, o, err)
		}
		if d := diff(want, got.YNode(), ""); d != "" {
			t.Errorf("object %d (%T): %s", i, o, d)
		}
	}
}

func diff(want, got *yaml.Node, path string) string {
	switch {
	case want == nil && got == nil:
		return ""
	case want == nil || got == nil:
		return fmt.Sprintf("%s: want %v, got %v", path, want, got)
	case want.Kind != got.Kind || want.Tag != got.Tag || want.Style != got.Style || want.Value != got.Value:
		return fmt.Sprintf("%s: want %v %s %v %q, got %v %s %v %q", path, want.Kind, want.Tag, want.Style, want.Value, got.Kind, got.Tag, got.Style, got.Value)
	case len(want.Content) != len(got.Content):
		return fmt.Sprintf("%s: want %d children, got %d", path, len(want.Content), len(got.Content))
	}
	for i := range want.Content {
		if d := diff(want.Content[i], got.Content[i], fmt.Sprintf("%s/%d", path, i)); d != "" {
			return d
		}
	}
	return ""
}

// goldenSpecs decodes every ZookeeperSpec of the golden inputs that is
// free of errors.
func goldenSpecs(t testing.TB) []*api.ZookeeperSpec {
	t.Helper()
	var out []*api.ZookeeperSpec
	for _, j := range specJSON(t, "golden") {
		if z, problems := api.Decode(j); z != nil && !problems.HasErrors() {
			out = append(out, z)
		}
	}
	return out
}

// tokenReader is the first implementation of FromObject: encoding/json's
// token stream turned into nodes. It is the reference for the scanner.
func tokenReader(obj any) (*yaml.Node, error) {
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return refValue(dec, 0)
}

func refValue(dec *json.Decoder, depth int) (*yaml.Node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return refObject(dec, depth)
		}
		return refList(dec, depth)
	case string:
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: t}
		if strings.Contains(t, "\n") {
			n.Style = yaml.LiteralStyle
		} else if yamlconv.Ambiguous(t) {
			n.Style = yaml.DoubleQuotedStyle
		}
		return n, nil
	case json.Number:
		tag := yaml.NodeTagInt
		if strings.ContainsAny(string(t), ".eE") {
			tag = yaml.NodeTagFloat
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: string(t)}, nil
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagBool, Value: fmt.Sprint(t)}, nil
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

func refObject(dec *json.Decoder, depth int) (*yaml.Node, error) {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := k.(string)
		v, err := refValue(dec, depth+1)
		if err != nil {
			return nil, err
		}
		if v == nil || (key == "status" && (depth == 0 || (v.Kind == yaml.MappingNode && len(v.Content) == 0))) {
			continue
		}
		kn := &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: key}
		if yamlconv.Ambiguous(key) {
			kn.Style = yaml.DoubleQuotedStyle
		}
		n.Content = append(n.Content, kn, v)
	}
	_, err := dec.Token() // '}'
	if c := n.Content; depth == 0 && len(c) >= 4 && c[0].Value == "kind" && c[2].Value == "apiVersion" {
		c[0], c[1], c[2], c[3] = c[2], c[3], c[0], c[1]
	}
	return n, err
}

func refList(dec *json.Decoder, depth int) (*yaml.Node, error) {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq}
	for dec.More() {
		v, err := refValue(dec, depth+1)
		if err != nil {
			return nil, err
		}
		if v == nil {
			v = &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagNull, Value: "null"}
		}
		n.Content = append(n.Content, v)
	}
	_, err := dec.Token() // ']'
	if err == io.EOF {
		err = nil
	}
	return n, err
}
