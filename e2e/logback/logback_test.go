//go:build e2e

// Package logback loads the rendered logback.xml with the real logback
// (Debian's liblogback-java, installed by hack/logback/install.sh) and
// checks the levels it applies.
package logback

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/render"
)

func TestRenderedLogbackLoads(t *testing.T) {
	if out, err := exec.Command("../../hack/logback/install.sh").CombinedOutput(); err != nil {
		t.Fatalf("hack/logback/install.sh: %v\n%s", err, out)
	}
	js, err := yaml.YAMLToJSON([]byte(`apiVersion: zookeeper-fn.dev/v1alpha1
kind: ZookeeperSpec
metadata: {name: zk, namespace: ns}
spec:
  logging: {level: WARN, loggers: {org.apache.zookeeper.server.quorum: DEBUG, org.eclipse.jetty: "OFF", a.B$C: TRACE}}
`))
	require.NoError(t, err)
	z, ps := api.Decode(js)
	require.Empty(t, ps)
	require.False(t, z.Check().HasErrors())
	file := filepath.Join(t.TempDir(), "logback.xml")
	cm := render.ConfigMap(z, z.Membership())
	require.NoError(t, os.WriteFile(file, []byte(cm.Data[render.KeyLogback]), 0o644))
	jars := []string{"logback-classic.jar", "logback-core.jar", "slf4j-api.jar"}
	for i, j := range jars {
		jars[i] = "/usr/share/java/" + j
	}
	cmd := exec.Command("java", "-cp", strings.Join(jars, ":"), "Check.java", file,
		"org.apache.zookeeper.server.quorum.Leader", "org.eclipse.jetty.server.Server", "a.B$C", "org.apache.zookeeper.ZooKeeper")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "logback refused the rendered logback.xml:\n%s", out)
	assert.Equal(t, "org.apache.zookeeper.server.quorum.Leader=DEBUG\norg.eclipse.jetty.server.Server=OFF\na.B$C=TRACE\norg.apache.zookeeper.ZooKeeper=WARN\n", string(out))
}
