package krmio

import (
	"bufio"
	"bytes"
	"io"

	"sigs.k8s.io/kustomize/kyaml/errors"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/krm"
)

// Execute is framework.Execute with kio.ByteReadWriter{KeepReaderAnnotations:
// true}, as kyaml's command runs it, byte for byte, for the ResourceList b
// that ReadResourceList read and parsed into root. It differs in what it
// costs, not in what it writes:
//
//   - the stream is parsed once (kyaml would parse it again), and
//   - the output is encoded one item at a time. kyaml encodes the whole
//     ResourceList as one YAML document after a deep copy of every item,
//     and go-yaml's emitter keeps every event of a document until the end:
//     memory grows with the stream (gigabytes for 50,000 resources) and so
//     does the time. Here memory stays at the size of one item.
//
// A stream that kyaml's reader would treat specially (document separators
// or markers anywhere, CRLF line ends, a wrapper with fields besides
// apiVersion, kind, items, functionConfig and results) goes through
// ExecuteKyaml, which is framework.Execute. TestExecuteMatchesFramework
// holds the paths to the same bytes, exit status and error as
// framework.Execute's.
func Execute(p krm.Processor, b []byte, root *yaml.Node, w io.Writer) error {
	in, ok := fastInput(b, root)
	if !ok {
		return ExecuteKyaml(p, &kio.ByteReadWriter{Reader: bytes.NewReader(b), Writer: w, KeepReaderAnnotations: true})
	}
	rl := krm.ResourceList{Items: in.items, FunctionConfig: in.functionConfig}
	results, retErr, err := process(p, &rl)
	if err != nil {
		return err
	}
	if results == nil {
		results = in.results
	}
	if err := writeResourceList(w, in.apiVersion, rl.Items, in.functionConfig, results); err != nil {
		return err
	}
	return retErr
}

// ExecuteKyaml is framework.Execute (kyaml v0.21) without the framework
// package: rw reads the ResourceList, p runs on it, rw writes it. Its
// errors are worded as framework.Execute words them.
func ExecuteKyaml(p krm.Processor, rw *kio.ByteReadWriter) error {
	var rl krm.ResourceList
	var err error
	if rl.Items, err = rw.Read(); err != nil {
		return errors.WrapPrefixf(err, "failed to read ResourceList input")
	}
	rl.FunctionConfig = rw.FunctionConfig
	results, retErr, err := process(p, &rl)
	if err != nil {
		return err
	}
	if results != nil {
		rw.Results = results
	}
	if err := rw.Write(rl.Items); err != nil {
		return err
	}
	return retErr
}

// process is what framework.Execute does around the processor, in its
// order: kyaml's annotation bookkeeping before and after p, then the
// results as a YAML tree (nil when p reported none). retErr is p's error,
// err a failure of the bookkeeping, which ends the run before writing.
func process(p krm.Processor, rl *krm.ResourceList) (results *yaml.RNode, retErr, err error) {
	nodeAnnos, err := kio.PreprocessResourcesForInternalAnnotationMigration(rl.Items)
	if err != nil {
		return nil, nil, err
	}
	retErr = p.Process(rl)
	if err := kio.ReconcileInternalAnnotations(withKyamlAnnotations(rl.Items), nodeAnnos); err != nil {
		return nil, nil, err
	}
	if len(rl.Results) == 0 {
		return nil, retErr, nil
	}
	out, err := yaml.Marshal(rl.Results)
	if err != nil {
		return nil, nil, errors.Wrap(err)
	}
	if results, err = yaml.Parse(string(out)); err != nil {
		return nil, nil, errors.Wrap(err)
	}
	return results, retErr, nil
}

// input is a ResourceList as kyaml's reader unwraps it.
type input struct {
	apiVersion              string
	items                   []*yaml.RNode
	functionConfig, results *yaml.RNode
}

// fastInput unwraps root as kio.ByteReader would, when b is a stream it
// reads plainly: one document (kyaml splits on any line starting with
// "---", even inside a block scalar), LF line ends (it rewrites CRLF before
// parsing), and a wrapper with nothing but the fields it unwraps.
func fastInput(b []byte, root *yaml.Node) (input, bool) {
	if root == nil || root.Kind != yaml.MappingNode ||
		bytes.IndexByte(b, '\r') >= 0 || bytes.Contains(b, []byte("\n---")) ||
		bytes.Contains(b, []byte("\n...")) || bytes.HasPrefix(b, []byte("...")) {
		return input{}, false
	}
	var in input
	var kind *yaml.Node
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Kind != yaml.ScalarNode || seen[k.Value] {
			return input{}, false
		}
		seen[k.Value] = true
		switch k.Value {
		case "apiVersion":
			if v.Kind != yaml.ScalarNode || v.Value == "" {
				return input{}, false
			}
			in.apiVersion = v.Value
		case "kind":
			kind = v
		case "items":
			if v.Kind != yaml.SequenceNode && !(v.Kind == yaml.ScalarNode && v.Tag == "!!null") {
				return input{}, false
			}
			for _, it := range v.Content {
				in.items = append(in.items, yaml.NewRNode(it))
			}
		case "functionConfig":
			in.functionConfig = yaml.NewRNode(v)
		case "results":
			in.results = yaml.NewRNode(v)
		default:
			return input{}, false
		}
	}
	if kind == nil || kind.Kind != yaml.ScalarNode || kind.Value != kio.ResourceListKind ||
		in.apiVersion == "" || !(seen["items"] || seen["functionConfig"]) {
		return input{}, false
	}
	return in, true
}

// writeResourceList writes what kio.ByteWriter writes for a wrapped list
// with KeepReaderAnnotations, one piece at a time: the header, each item
// as a one-element sequence document (which puts it at the column it has
// in the whole list), then functionConfig and results as one-key mappings.
func writeResourceList(w io.Writer, apiVersion string, items []*yaml.RNode, fc, results *yaml.RNode) error {
	for _, it := range items {
		if err := yaml.ClearEmptyAnnotations(it); err != nil {
			return err
		}
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	header := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Value: "apiVersion"},
		{Kind: yaml.ScalarNode, Value: apiVersion},
		{Kind: yaml.ScalarNode, Value: "kind"},
		{Kind: yaml.ScalarNode, Value: kio.ResourceListKind},
	}}
	if len(items) == 0 {
		header.Content = append(header.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Value: "items"},
			&yaml.Node{Kind: yaml.SequenceNode})
	}
	// Only the last piece ends the stream: go-yaml closes an open-ended
	// block scalar at the end of the stream with "...".
	last := fc == nil && results == nil
	var hw itemWriter
	if len(items) > 0 && hw.plainString(apiVersion) { // as go-yaml writes the header
		if _, err := bw.WriteString("apiVersion: " + apiVersion + "\nkind: " + kio.ResourceListKind + "\n"); err != nil {
			return err
		}
	} else if err := encode(bw, header, last && len(items) == 0); err != nil {
		return err
	}
	if len(items) > 0 {
		if _, err := bw.WriteString("items:\n"); err != nil {
			return err
		}
	}
	one := &yaml.Node{Kind: yaml.SequenceNode, Content: make([]*yaml.Node, 1)}
	for i, it := range items {
		final := last && i == len(items)-1
		// go-yaml ends the stream with "..." only after an open-ended
		// scalar, which appendItem never writes: the last item may take
		// it too. appendItem writes into the buffer's free space (Write
		// then only moves the bytes into place), so no scratch slice
		// grows and touches fresh pages; an item larger than that space
		// grows a slice of its own.
		if b, ok := appendItem(bw.AvailableBuffer(), it.YNode()); ok {
			if _, err := bw.Write(b); err != nil {
				return err
			}
			continue
		}
		one.Content[0] = it.YNode()
		if err := encode(bw, one, final); err != nil {
			return err
		}
	}
	if fc != nil {
		m := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "functionConfig"}, fc.YNode()}}
		if err := encode(bw, m, results == nil); err != nil {
			return err
		}
	}
	if results != nil {
		m := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "results"}, results.YNode()}}
		if err := encode(bw, m, true); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// encode writes n as one document with kyaml's encoder settings. Only the
// final piece of the output is closed, as kyaml closes its one document.
func encode(w io.Writer, n *yaml.Node, final bool) error {
	e := yaml.NewEncoder(w)
	if err := e.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{n}}); err != nil {
		return err
	}
	if final {
		return e.Close()
	}
	return nil
}

// FastPath reports whether Execute writes the output of b itself rather
// than handing it to ExecuteKyaml; tests use it to cover both paths.
func FastPath(b []byte, root *yaml.Node) bool {
	_, ok := fastInput(b, root)
	return ok
}
