//go:build e2e

package monitoring

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
	"github.com/zookeeper-fn/zookeeper-fn/internal/render"
)

// ruleCheck runs Prometheus' parsers (rulecheck) on the PrometheusRule's
// spec, which is a Prometheus rule file, and on the dashboard's queries.
func ruleCheck(t *testing.T, r *zkrun.Rendered) checked {
	t.Helper()
	bin := harness.Tool(t, "ZKFN_RULECHECK", "e2e-monitoring")
	prs := r.Kind("PrometheusRule")
	if len(prs) != 1 {
		t.Fatalf("want 1 PrometheusRule, got %d", len(prs))
	}
	spec, err := yaml.Marshal(prs[0]["spec"])
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rules := filepath.Join(dir, "rules.yaml")
	exprs := filepath.Join(dir, "exprs.txt")
	if err := os.WriteFile(rules, spec, 0o644); err != nil {
		t.Fatal(err)
	}
	var queries []string
	for _, cm := range r.ConfigMaps {
		js, ok := cm.Data[render.DashboardKey]
		if !ok {
			continue
		}
		var d struct {
			Panels []struct {
				Targets []struct {
					Expr string `json:"expr"`
				} `json:"targets"`
			} `json:"panels"`
		}
		if err := json.Unmarshal([]byte(js), &d); err != nil {
			t.Fatalf("dashboard %s is not JSON: %v", cm.Name, err)
		}
		for _, p := range d.Panels {
			for _, tg := range p.Targets {
				queries = append(queries, tg.Expr)
			}
		}
	}
	if err := os.WriteFile(exprs, []byte(strings.Join(queries, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, code, err := zkrun.Run(60*time.Second, nil, nil, bin, rules, exprs)
	if err != nil || code != 0 {
		t.Fatalf("Prometheus' parser rejects the rendered rules or dashboard queries:\n%s", stdout)
	}
	var res checked
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("rulecheck output: %v\n%s", err, stdout)
	}
	return res
}

// checkServiceMonitor: the ServiceMonitor selects exactly the metrics
// Service, on a port the Service has, whose target is the container's
// metrics port; the rules select the job the Operator names after it.
func checkServiceMonitor(t *testing.T, r *zkrun.Rendered) {
	t.Helper()
	sms := r.Kind("ServiceMonitor")
	if len(sms) != 1 {
		t.Fatalf("want 1 ServiceMonitor, got %d", len(sms))
	}
	var sm struct {
		Spec struct {
			Selector struct {
				MatchLabels map[string]string `json:"matchLabels"`
			} `json:"selector"`
			Endpoints []struct {
				Port string `json:"port"`
				Path string `json:"path"`
			} `json:"endpoints"`
		} `json:"spec"`
	}
	remarshal(t, sms[0], &sm)
	var matched []string
	for _, d := range r.Kind("Service") {
		var svc struct {
			Metadata struct {
				Name   string            `json:"name"`
				Labels map[string]string `json:"labels"`
			} `json:"metadata"`
			Spec struct {
				Selector map[string]string `json:"selector"`
				Ports    []struct {
					Name       string `json:"name"`
					Port       int    `json:"port"`
					TargetPort any    `json:"targetPort"`
				} `json:"ports"`
				PublishNotReadyAddresses bool `json:"publishNotReadyAddresses"`
			} `json:"spec"`
		}
		remarshal(t, d, &svc)
		if !subset(sm.Spec.Selector.MatchLabels, svc.Metadata.Labels) {
			continue
		}
		matched = append(matched, svc.Metadata.Name)
		if !svc.Spec.PublishNotReadyAddresses {
			t.Errorf("Service %s does not publish members that are not ready: a member out of quorum would not be scraped", svc.Metadata.Name)
		}
		if !subset(svc.Spec.Selector, r.StatefulSet.Spec.Template.Labels) {
			t.Errorf("Service %s selects %v, not the members (%v)", svc.Metadata.Name, svc.Spec.Selector, r.StatefulSet.Spec.Template.Labels)
		}
		found := false
		for _, p := range svc.Spec.Ports {
			if p.Name != sm.Spec.Endpoints[0].Port {
				continue
			}
			found = true
			c := r.StatefulSet.Spec.Template.Spec.Containers[0]
			ok := false
			for _, cp := range c.Ports {
				if cp.Name == p.TargetPort && strconv.Itoa(int(cp.ContainerPort)) == strconv.Itoa(p.Port) {
					ok = true
				}
			}
			if !ok {
				t.Errorf("Service %s port %s targets %v, not the container's metrics port", svc.Metadata.Name, p.Name, p.TargetPort)
			}
		}
		if !found {
			t.Errorf("Service %s has no port %s", svc.Metadata.Name, sm.Spec.Endpoints[0].Port)
		}
	}
	if len(matched) != 1 {
		t.Fatalf("the ServiceMonitor selects %d Services (%v), want exactly the metrics Service", len(matched), matched)
	}
	prs := r.Kind("PrometheusRule")
	if len(prs) == 1 {
		b, _ := json.Marshal(prs[0])
		if !strings.Contains(string(b), `job=\"`+matched[0]+`\"`) {
			t.Errorf("the alert rules do not select job=%q, the job the Prometheus Operator names after the scraped Service", matched[0])
		}
	}
}

func subset(sel, labels map[string]string) bool {
	if len(sel) == 0 {
		return false
	}
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func remarshal(t *testing.T, in any, out any) {
	t.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
}
