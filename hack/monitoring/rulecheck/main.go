// Command rulecheck checks Prometheus rule files and PromQL expressions
// with Prometheus' own parsers (model/rulefmt, as `promtool check rules`
// uses them, and promql/parser), and prints the metric names each rule and
// expression selects, so a test can compare them with what ZooKeeper
// exports.
//
//	rulecheck RULES.yaml [EXPRS.txt]
//
// RULES.yaml is a Prometheus rule file (a PrometheusRule's spec is one).
// EXPRS.txt holds one PromQL expression per line. Output (stdout, JSON):
//
//	{"rules":[{"name":"ZookeeperQuorumLost","metrics":["up"]}],
//	 "exprs":[{"expr":"...","metrics":["znode_count"]}]}
//
// Exit status 1 with every problem on stderr when a file does not parse.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strings"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
)

type named struct {
	Name    string   `json:"name,omitempty"`
	Expr    string   `json:"expr,omitempty"`
	Metrics []string `json:"metrics"`
}

type report struct {
	Rules []named `json:"rules"`
	Exprs []named `json:"exprs"`
}

func main() {
	if len(os.Args) < 2 || len(os.Args) > 3 {
		fmt.Fprintln(os.Stderr, "usage: rulecheck RULES.yaml [EXPRS.txt]")
		os.Exit(2)
	}
	p := parser.NewParser(parser.Options{})
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	groups, errs := rulefmt.ParseFile(os.Args[1], false, model.UTF8Validation, p, logger)
	failed := report1(errs)
	var out report
	if groups != nil {
		for _, g := range groups.Groups {
			for _, r := range g.Rules {
				name := r.Alert
				if name == "" {
					name = r.Record
				}
				e, err := p.ParseExpr(r.Expr)
				if err != nil {
					failed = report1([]error{fmt.Errorf("%s: %w", name, err)}) || failed
					continue
				}
				out.Rules = append(out.Rules, named{Name: name, Metrics: metrics(e)})
			}
		}
	}
	if len(os.Args) == 3 {
		exprs, ok := checkExprs(p, os.Args[2])
		failed = !ok || failed
		out.Exprs = exprs
	}
	if failed {
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func checkExprs(p parser.Parser, file string) ([]named, bool) {
	f, err := os.Open(file)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return nil, false
	}
	defer f.Close()
	var out []named
	ok := true
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		e, err := p.ParseExpr(text)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s:%d: %v\n", file, line, err)
			ok = false
			continue
		}
		out = append(out, named{Expr: text, Metrics: metrics(e)})
	}
	return out, ok
}

// metrics lists the metric names the expression's selectors name.
func metrics(e parser.Expr) []string {
	seen := map[string]bool{}
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			name := vs.Name
			if name == "" {
				for _, m := range vs.LabelMatchers {
					if m.Name == model.MetricNameLabel {
						name = m.Value
					}
				}
			}
			seen[name] = true
		}
		return nil
	})
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func report1(errs []error) bool {
	for _, err := range errs {
		fmt.Fprintln(os.Stderr, err)
	}
	return len(errs) > 0
}
