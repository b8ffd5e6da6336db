package api_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
)

// TestEnvironment: the annotation wins, then the first word of the
// namespace, then of the name, that names an environment; anything else
// is production, so risky choices warn by default.
func TestEnvironment(t *testing.T) {
	cases := map[string]struct {
		name, namespace, annotation string
		want                        string
	}{
		"annotation wins":                  {"zk", "payments-prod", "dev", api.EnvDev},
		"annotation synonym":               {"zk", "payments", "Production", api.EnvProd},
		"namespace word":                   {"zk", "zookeeper-dev", "", api.EnvDev},
		"namespace dot word":               {"zk", "team.staging", "", api.EnvStaging},
		"name when namespace says nothing": {"zk-qa", "payments", "", api.EnvStaging},
		"namespace before name":            {"zk-dev", "payments-prod", "", api.EnvProd},
		"first word wins":                  {"zk", "prod-dev-mirror", "", api.EnvProd},
		"no partial words":                 {"zk", "devops", "", api.EnvProd},
		"preprod is staging":               {"zk", "preprod", "", api.EnvStaging},
		"unknown is production":            {"zk", "payments", "", api.EnvProd},
		"no namespace":                     {"zk", "", "", api.EnvProd},
		"unknown annotation ignored":       {"zk", "zookeeper-dev", "prodd", api.EnvDev},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			z := &api.ZookeeperSpec{}
			z.Name, z.Namespace = c.name, c.namespace
			if c.annotation != "" {
				z.Annotations = map[string]string{api.EnvironmentAnnotation: c.annotation}
			}
			got, source := z.Environment()
			assert.Equal(t, c.want, got, "source: %s", source)
			assert.NotEmpty(t, source)
		})
	}
}

// TestRiskWarnings: each risky choice warns only where it is risky.
func TestRiskWarnings(t *testing.T) {
	cases := map[string]struct {
		ns, body, path string
		warns          bool
	}{
		"one replica in prod":            {"payments", "replicas: 1", "spec.replicas", true},
		"one replica in dev":             {"zookeeper-dev", "replicas: 1", "spec.replicas", false},
		"one replica in staging":         {"staging", "replicas: 1", "spec.replicas", true},
		"soft anti-affinity with 5":      {"zookeeper-dev", "replicas: 5", "spec.placement.antiAffinity", true},
		"no anti-affinity with 7":        {"payments", "replicas: 7\n  placement: {antiAffinity: none}", "spec.placement.antiAffinity", true},
		"required anti-affinity with 5":  {"payments", "replicas: 5\n  placement: {antiAffinity: required}", "spec.placement.antiAffinity", false},
		"soft anti-affinity with 3":      {"payments", "replicas: 3", "spec.placement.antiAffinity", false},
		"Delete reclaim in prod":         {"prod", "storage: {className: c, reclaimPolicy: Delete, storageClass: {provisioner: p}}", "spec.storage.reclaimPolicy", true},
		"Delete reclaim without a class": {"prod", "storage: {reclaimPolicy: Delete}", "spec.storage.reclaimPolicy", false},
		"Delete reclaim in dev":          {"dev", "storage: {className: c, reclaimPolicy: Delete, storageClass: {provisioner: p}}", "spec.storage.reclaimPolicy", false},
		"Delete on scale-down in prod":   {"prod", "storage: {retentionPolicy: {whenScaled: Delete}}", "spec.storage.retentionPolicy.whenScaled", true},
		"no memory limit":                {"dev", "resources: {requests: {memory: 1Gi}}", "spec.resources.limits.memory", true},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, ps := decode(t, "apiVersion: zookeeper-fn.dev/v1alpha1\nkind: ZookeeperSpec\nmetadata: {name: zk, namespace: "+c.ns+"}\nspec:\n  "+c.body+"\n")
			assert.False(t, ps.HasErrors(), ps.Error())
			found := false
			for _, p := range ps {
				if p.Path == c.path {
					found = true
					assert.True(t, p.Warning, "a warning, not an error: %s", p.Message)
				}
			}
			assert.Equal(t, c.warns, found, "%v", ps)
		})
	}
}
