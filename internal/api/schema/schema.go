// Package schema generates the OpenAPI v3 schema of ZookeeperSpec (as a
// CustomResourceDefinition, which editors and validators understand) and
// the README's field reference, both from the Go types and their comments,
// so the documentation cannot drift from the code.
package schema

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
)

// Node is an OpenAPI v3 schema node.
type Node struct {
	Type                 string           `json:"type,omitempty"`
	Description          string           `json:"description,omitempty"`
	Properties           map[string]*Node `json:"properties,omitempty"`
	Items                *Node            `json:"items,omitempty"`
	AdditionalProperties *Node            `json:"additionalProperties,omitempty"`
	Format               string           `json:"format,omitempty"`
	Enum                 []string         `json:"enum,omitempty"`
	Pattern              string           `json:"pattern,omitempty"`
	IntOrString          bool             `json:"x-kubernetes-int-or-string,omitempty"`
}

// Field is one row of the reference table.
type Field struct {
	Path, Type, Description string
}

// Docs maps "Type.Field" to the field's doc comment, read from the Go
// sources of package api in dir.
func Docs(dir string) (map[string]string, error) {
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	docs := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		ast.Inspect(file, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				return true
			}
			for _, fld := range st.Fields.List {
				if fld.Doc == nil || len(fld.Names) == 0 {
					continue
				}
				docs[ts.Name.Name+"."+fld.Names[0].Name] = strings.Join(strings.Fields(fld.Doc.Text()), " ")
			}
			return true
		})
	}
	return docs, nil
}

// enums are the closed value sets of string fields.
var enums = map[string][]string{
	"Placement.AntiAffinity":         {"required", "preferred", "none"},
	"Placement.ZoneSpread":           {"required", "preferred", "none"},
	"Storage.AccessMode":             {"ReadWriteOnce", "ReadWriteOncePod"},
	"Storage.ReclaimPolicy":          {"Retain", "Delete"},
	"RetentionPolicy.WhenDeleted":    {"Retain", "Delete"},
	"RetentionPolicy.WhenScaled":     {"Retain", "Delete"},
	"Spec.ImagePullPolicy":           {"Always", "IfNotPresent", "Never"},
	"StorageClass.VolumeBindingMode": {"WaitForFirstConsumer", "Immediate"},
	"ClientTLS.ClientAuth":           {"none", "want", "need"},
	"IssuerRef.Kind":                 {"Issuer", "ClusterIssuer"},
}

// Build returns the schema of ZookeeperSpec's spec and the reference rows.
func Build(docs map[string]string) (*Node, []Field) {
	b := builder{docs: docs}
	root := b.node(reflect.TypeOf(api.Spec{}), "spec", "")
	return root, b.fields
}

type builder struct {
	docs   map[string]string
	fields []Field
}

func (b *builder) node(t reflect.Type, path, key string) *Node {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	n := &Node{Description: b.docs[key]}
	if e, ok := enums[key]; ok {
		n.Enum = e
	}
	switch {
	case t.Name() == "Quantity":
		n.IntOrString = true
		n.Pattern = `^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$`
		return n
	case t.Name() == "IntOrString":
		n.IntOrString = true
		return n
	}
	switch t.Kind() {
	case reflect.Struct:
		n.Type = "object"
		n.Properties = map[string]*Node{}
		b.structFields(t, path, n)
	case reflect.Slice:
		n.Type = "array"
		n.Items = b.node(t.Elem(), path+"[]", "")
		n.Items.Description = ""
	case reflect.Map:
		n.Type = "object"
		n.AdditionalProperties = b.node(t.Elem(), path+"[key]", "")
	case reflect.String:
		n.Type = "string"
	case reflect.Bool:
		n.Type = "boolean"
	case reflect.Int32:
		n.Type, n.Format = "integer", "int32"
	case reflect.Int64, reflect.Int:
		n.Type, n.Format = "integer", "int64"
	}
	return n
}

func (b *builder) structFields(t reflect.Type, path string, n *Node) {
	ours := t.PkgPath() == reflect.TypeOf(api.Spec{}).PkgPath()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if f.Anonymous && (name == "" || strings.Contains(opts, "inline")) {
			b.structFields(f.Type, path, n)
			continue
		}
		if name == "" {
			name = f.Name
		}
		key := t.Name() + "." + f.Name
		if ours {
			b.fields = append(b.fields, Field{Path: path + "." + name, Type: typeName(f.Type), Description: b.docs[key]})
		}
		n.Properties[name] = b.node(f.Type, path+"."+name, key)
	}
}

func typeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice:
		return "[]" + typeName(t.Elem())
	case reflect.Map:
		return "map[string]" + typeName(t.Elem())
	case reflect.Struct:
		if t.PkgPath() != reflect.TypeOf(api.Spec{}).PkgPath() {
			return t.Name() + " (" + filepath.Base(filepath.Dir(t.PkgPath())) + "/" + filepath.Base(t.PkgPath()) + ")"
		}
		return "object"
	}
	return t.Kind().String()
}
