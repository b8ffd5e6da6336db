package processor_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zookeeper-fn/zookeeper-fn/internal/krmtest"
)

// TestValidateMode: both forms of the function's configuration select the
// validator, which reports a broken stream and changes no item.
func TestValidateMode(t *testing.T) {
	rendered, err := run(t, []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: zookeeper-fn.dev/v1alpha1\n  kind: ZookeeperSpec\n  metadata: {name: zk, namespace: prod}\n"))
	require.NoError(t, err)
	items := rendered[:strings.Index(string(rendered), "\nresults:")+1]
	if !strings.Contains(string(rendered), "\nresults:") {
		items = rendered
	}
	broken := strings.Replace(string(items), "server.1=zk-0.zk-headless.prod", "server.1=zk-0.zk-headless.staging", 1)
	for name, fc := range map[string]string{
		"ZookeeperFunction": "functionConfig:\n  apiVersion: zookeeper-fn.dev/v1alpha1\n  kind: ZookeeperFunction\n  metadata: {name: v}\n  spec: {mode: validate}\n",
		"kpt ConfigMap":     "functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: v}\n  data: {mode: validate}\n",
	} {
		t.Run(name, func(t *testing.T) {
			out, err := run(t, []byte(string(items)+fc))
			require.NoError(t, err, "a consistent stream passes")
			assert.Equal(t, krmtest.ItemsText(t, string(items)+fc), krmtest.ItemsText(t, string(out)), "the validator changes nothing")

			out, err = run(t, []byte(broken+fc))
			require.Error(t, err)
			assert.True(t, strings.Contains(string(out), `server.1 is "zk-0.zk-headless.staging.svc.cluster.local"`), "the validator names the stale hostname")
			assert.Equal(t, krmtest.ItemsText(t, broken+fc), krmtest.ItemsText(t, string(out)), "the validator changes nothing")
		})
	}
}
