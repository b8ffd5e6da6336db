//go:build e2e

package security

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// TestValidatorExample: examples/validator builds on the staging overlay,
// adds labels and runs the validator last; nothing is inconsistent, so the
// build passes and still holds the ensemble.
func TestValidatorExample(t *testing.T) {
	r := renderDir(t, "examples/validator", filepath.Join(harness.Root(t), "examples", "validator"))
	assert.NotEmpty(t, r.ofKind("ConfigMap"))
	for _, o := range r.objects {
		assert.NotEqual(t, "ZookeeperFunction", o.Kind, "kustomize drops the validator's configuration")
	}
}

// TestValidatorCatchesLaterTransforms wraps the prod overlay (where the
// function already ran) in an outer kustomization whose transformations
// run after the function, with the validator as its last transformer. Each
// must fail the build with the inconsistency named on stderr; the same
// kustomization without the transformation passes.
func TestValidatorCatchesLaterTransforms(t *testing.T) {
	cases := map[string]struct {
		kustomization string
		files         map[string]string
		want          []string
	}{
		"nothing after the function": {kustomization: ""},
		"namePrefix": {
			kustomization: "namePrefix: team-\n",
			want: []string{
				`data[zoo.cfg]: data[zoo.cfg] server.1 is "zk-0.zk-headless.zookeeper-prod.svc.cluster.local" where member 0 of StatefulSet "team-zk"`,
				`spec.serviceName: spec.serviceName is "zk-headless", but the stream holds no Service of that name in namespace "zookeeper-prod" (the ensemble's headless Service is now "team-zk-headless")`,
				`spec.volumeClaimTemplates[0].spec.storageClassName is "zookeeper-ssd", but the StorageClass the function created for it is now named "team-zookeeper-ssd"`,
				`ZookeeperSpec/zookeeper-prod/team-zk metadata.name: metadata.name is now zookeeper-prod/team-zk, but the function rendered the spec as zookeeper-prod/zk`,
			},
		},
		"namespace": {
			kustomization: "namespace: zookeeper-other\n",
			want: []string{
				`server.1 is "zk-0.zk-headless.zookeeper-prod.svc.cluster.local" where member 0 of StatefulSet "zk" (serviceName "zk-headless", namespace "zookeeper-other") is "zk-0.zk-headless.zookeeper-other.svc.`,
				`ZookeeperSpec/zookeeper-other/zk metadata.namespace: metadata.namespace is now zookeeper-other/zk, but the function rendered the spec as zookeeper-prod/zk`,
			},
		},
		"replicas override": {
			kustomization: "replicas:\n- name: zk\n  count: 7\n",
			want: []string{
				`StatefulSet/zookeeper-prod/zk spec.replicas: spec.replicas is 7, but zoo.cfg in ConfigMap "zk-config" lists 5 servers`,
				`spec.replicas is 7, but the ZookeeperSpec asks for 5`,
			},
		},
		"patch on the pod labels": {
			kustomization: "patches:\n- path: relabel.yaml\n",
			files:         map[string]string{"relabel.yaml": "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: zk, namespace: zookeeper-prod}\nspec:\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/instance: zk-blue\n"},
			want: []string{
				`PodDisruptionBudget/zookeeper-prod/zk spec.selector: spec.selector is app.kubernetes.io/instance=zk,app.kubernetes.io/name=zookeeper, which does not match the labels of the pods of StatefulSet "zk"`,
				`NetworkPolicy/zookeeper-prod/zk spec.podSelector`,
				`Service/zookeeper-prod/zk-headless spec.selector`,
				`spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector`,
			},
		},
	}
	validator, err := os.ReadFile(filepath.Join(harness.Root(t), "examples", "validator", "validator.yaml"))
	require.NoError(t, err)
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			rel, err := filepath.Rel(dir, harness.Overlay(t, "prod"))
			require.NoError(t, err)
			k := "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- " + rel + "\n" + c.kustomization + "transformers:\n- validator.yaml\n"
			files := map[string]string{"kustomization.yaml": k, "validator.yaml": string(validator)}
			for f, body := range c.files {
				files[f] = body
			}
			for f, body := range files {
				require.NoError(t, os.WriteFile(filepath.Join(dir, f), []byte(body), 0o644))
			}
			out, stderr, err := harness.TryBuild(t, dir)
			if len(c.want) == 0 {
				require.NoError(t, err, "stderr:\n%s", stderr)
				assert.Contains(t, string(out), "kind: StatefulSet")
				return
			}
			require.Error(t, err, "the validator must fail the build; output:\n%s", out)
			for _, w := range c.want {
				assert.Contains(t, string(stderr), w)
			}
			assert.True(t, strings.Contains(string(stderr), "[error]"), "results on stderr")
		})
	}
}
