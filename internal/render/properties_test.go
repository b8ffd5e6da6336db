package render

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/zookeeper-fn/zookeeper-fn/internal/zkprops"
)

func envOf(t *testing.T, body string) map[string]string {
	t.Helper()
	c := findContainer(t, statefulSet(t, func() []Object { z := spec(t, body); return Ensemble(z, z.Membership()) }()).Spec.Template.Spec.Containers, "zookeeper")
	m := map[string]string{}
	for _, e := range c.Env {
		m[e.Name] = e.Value
	}
	return m
}

// TestHeapAlwaysSet: every valid spec renders ZK_SERVER_HEAP, so the JVM
// never runs on the image's default heap.
func TestHeapAlwaysSet(t *testing.T) {
	for body, want := range map[string]string{
		"  replicas: 3":                                             "768", // 75 % of the default 1Gi limit
		"  jvm: {heap: 512Mi}":                                      "512",
		"  resources: {requests: {memory: 2Gi}}":                    "1536",
		"  resources: {limits: {memory: 100Mi}}":                    "75",
		"  resources: {limits: {memory: 4Gi}}\n  jvm: {heap: 64Mi}": "64",
	} {
		assert.Equal(t, want, envOf(t, body)["ZK_SERVER_HEAP"], body)
	}
}

// TestPropertiesWhereZooKeeperReadsThem: zoo.cfg gets the key ZooKeeper
// reads (not always the admin guide's name), JVM-flag properties go to
// SERVER_JVMFLAGS, and zoo.cfg reads back as exactly what was rendered.
func TestPropertiesWhereZooKeeperReadsThem(t *testing.T) {
	body := `  zookeeper: {config: {requestThrottleLimit: "7", forceSync: "no", jute.maxbuffer: "4194304", minSessionTimeout: "5000", watchManagerName: org.apache.zookeeper.server.watch.WatchManagerOptimized}}`
	z := spec(t, body)
	var cfg string
	for _, cm := range ofType[*corev1.ConfigMap](Ensemble(z, z.Membership())) {
		if cm.Data["zoo.cfg"] != "" {
			cfg = cm.Data["zoo.cfg"]
		}
	}
	entries, err := zkprops.Load([]byte(cfg))
	require.NoError(t, err)
	kv := map[string]string{}
	for _, e := range entries {
		kv[e.Key] = e.Value
	}
	assert.Equal(t, "7", kv["request_throttle_max_requests"])
	assert.NotContains(t, kv, "requestThrottleLimit")
	assert.Equal(t, "no", kv["forceSync"])
	assert.Equal(t, "5000", kv["minSessionTimeout"])
	assert.NotContains(t, kv, "jute.maxbuffer", "jute.maxbuffer has no effect in zoo.cfg")
	flags := strings.Fields(envOf(t, body)["SERVER_JVMFLAGS"])
	assert.Contains(t, flags, "-Djute.maxbuffer=4194304")
	assert.Contains(t, flags, "-Dzookeeper.watchManagerName=org.apache.zookeeper.server.watch.WatchManagerOptimized")
}
