package api_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
)

func decode(t *testing.T, doc string) (*api.ZookeeperSpec, api.Problems) {
	t.Helper()
	n, err := yaml.Parse(doc)
	require.NoError(t, err)
	b, err := n.MarshalJSON()
	require.NoError(t, err)
	z, ps := api.Decode(b)
	if z != nil {
		ps = append(ps, z.Check()...)
	}
	return z, ps
}

// decodeValid decodes doc and requires no errors; the problems it returns
// are warnings.
func decodeValid(t *testing.T, doc string) (*api.ZookeeperSpec, api.Problems) {
	t.Helper()
	z, ps := decode(t, doc)
	require.False(t, ps.HasErrors(), ps.Error())
	return z, ps
}

const header = "apiVersion: zookeeper-fn.dev/v1alpha1\nkind: ZookeeperSpec\nmetadata: {name: zk, namespace: ns}\n"

func TestDefaults(t *testing.T) {
	z, _ := decodeValid(t, header)
	s := z.Spec
	assert.EqualValues(t, 3, *s.Replicas)
	assert.Equal(t, api.DefaultImage, s.Image)
	assert.Equal(t, "cluster.local", s.ClusterDomain)
	assert.Equal(t, "10Gi", s.Storage.Size.String())
	assert.EqualValues(t, "ReadWriteOnce", s.Storage.AccessMode)
	assert.EqualValues(t, "Retain", s.Storage.ReclaimPolicy)
	assert.Equal(t, "Retain", s.Storage.RetentionPolicy.WhenDeleted)
	assert.Equal(t, "Retain", s.Storage.RetentionPolicy.WhenScaled)
	assert.Equal(t, "preferred", s.Placement.AntiAffinity)
	assert.Equal(t, "kubernetes.io/hostname", s.Placement.TopologyKey)
	assert.Equal(t, "none", s.Placement.ZoneSpread)
	assert.EqualValues(t, 2000, *s.ZooKeeper.TickTime)
	assert.EqualValues(t, 5, *s.ZooKeeper.Autopurge.SnapRetainCount)
	assert.EqualValues(t, 1, *s.ZooKeeper.Autopurge.PurgeInterval)
	assert.Equal(t, []string{"srvr", "ruok", "mntr", "conf", "stat"}, s.ZooKeeper.FourLetterWords)
	assert.True(t, *s.ZooKeeper.Metrics.Enabled)
	assert.True(t, *s.NetworkPolicy.Enabled)
	assert.EqualValues(t, 768, s.HeapMiB(), "75% of the default 1Gi limit")
}

func TestDefaultsKeepUserValues(t *testing.T) {
	z, _ := decodeValid(t, header+`spec:
  replicas: 5
  resources: {limits: {memory: 4Gi}}
  zookeeper: {fourLetterWords: [mntr], readOnlyMode: true}
`)
	assert.EqualValues(t, 5, *z.Spec.Replicas)
	assert.EqualValues(t, 3072, z.Spec.HeapMiB(), "heap follows the memory limit")
	assert.Equal(t, []string{"mntr", "srvr", "ruok"}, z.Spec.ZooKeeper.FourLetterWords, "probe words are added")
	assert.Empty(t, z.Spec.Resources.Requests, "no requests invented when limits are given")
}

func TestHeapExplicit(t *testing.T) {
	z, _ := decodeValid(t, header+"spec:\n  resources: {limits: {memory: 2Gi}}\n  jvm: {heap: 1Gi}\n")
	assert.EqualValues(t, 1024, z.Spec.HeapMiB())
}

// TestProblems: each bad input gives its own error, at its field, with a
// fix; a risky one, a warning.
func TestProblems(t *testing.T) {
	requireSpecErrors(t, map[string]specError{
		"even replicas":         {"replicas: 4", "spec.replicas", "use 3 or 5"},
		"zero replicas":         {"replicas: 0", "spec.replicas", "at least 1"},
		"huge replicas":         {"replicas: 1001", "spec.replicas", "at most 11"},
		"negative replicas":     {"replicas: -3", "spec.replicas", "at least 1"},
		"replicas as string":    {`replicas: "three"`, "spec.replicas", "whole number"},
		"fractional replicas":   {"replicas: 2.5", "spec.replicas", "whole number"},
		"typo in field":         {"replicaz: 3", "spec.replicaz", `did you mean "replicas"`},
		"bad quantity":          {"storage: {size: ten}", "spec.storage.size", "not a quantity"},
		"negative size":         {"storage: {size: -1Gi}", "spec.storage.size", "positive size"},
		"requests over limits":  {"resources: {requests: {memory: 2Gi}, limits: {memory: 1Gi}}", "spec.resources.requests.memory", "above the limit"},
		"heap over limit":       {"resources: {limits: {memory: 1Gi}}\n  jvm: {heap: 1Gi}", "spec.jvm.heap", "OOM-killed"},
		"Xmx in flags":          {"jvm: {flags: [-Xmx4g]}", "spec.jvm.flags[0]", "spec.jvm.heap"},
		"bad access mode":       {"storage: {accessMode: ReadWriteMany}", "spec.storage.accessMode", "ReadWriteOnce"},
		"bad reclaim":           {"storage: {reclaimPolicy: Recycle}", "spec.storage.reclaimPolicy", "Retain"},
		"bad retention":         {"storage: {retentionPolicy: {whenScaled: Keep}}", "spec.storage.retentionPolicy.whenScaled", "Retain or Delete"},
		"class without name":    {"storage: {storageClass: {provisioner: x}}", "spec.storage.className", "is required"},
		"class w/o provisioner": {"storage: {className: a, storageClass: {}}", "spec.storage.storageClass.provisioner", "CSI driver"},
		"pv node count":         {"storage: {className: a, persistentVolumes: {path: /d, nodes: [a]}}", "spec.storage.persistentVolumes.nodes", "one node per member"},
		"pv duplicate node":     {"storage: {className: a, persistentVolumes: {path: /d, nodes: [a, b, a]}}", "spec.storage.persistentVolumes.nodes[2]", "distinct"},
		"pv relative path":      {"storage: {className: a, persistentVolumes: {path: d, nodes: [a, b, c]}}", "spec.storage.persistentVolumes.path", "absolute"},
		"bad anti-affinity":     {"placement: {antiAffinity: maybe}", "spec.placement.antiAffinity", "required, preferred or none"},
		"conflicting placement": {"placement: {antiAffinity: required, zoneSpread: required, topologyKey: topology.kubernetes.io/zone}", "spec.placement.topologyKey", "conflicts"},
		"unknown zoo.cfg key":   {"zookeeper: {config: {snapcount: '5'}}", "spec.zookeeper.config[snapcount]", `did you mean snapCount?`},
		"managed zoo.cfg key":   {"zookeeper: {config: {tickTime: '5'}}", "spec.zookeeper.config[tickTime]", "spec.zookeeper.tickTime"},
		"server line in config": {"zookeeper: {config: {server.9: 'x'}}", "spec.zookeeper.config[server.9]", "managed"},
		"bad 4lw":               {"zookeeper: {fourLetterWords: [ruok, kill]}", "spec.zookeeper.fourLetterWords[1]", "not a four-letter word"},
		"port clash":            {"zookeeper: {metrics: {port: 2181}}", "spec.zookeeper.metrics.port", "client port"},
		"snapRetain below 3":    {"zookeeper: {autopurge: {snapRetainCount: 1}}", "spec.zookeeper.autopurge.snapRetainCount", "at least 3"},
		"bad domain":            {"clusterDomain: Not_A_Domain", "spec.clusterDomain", "DNS domain"},
		"bool as string":        {"zookeeper: {readOnlyMode: 'yes'}", "spec.zookeeper.readOnlyMode", "true or false"},
		"list for object":       {"placement: [required]", "spec.placement", "expected an object"},
		"superuser no name":     {"membership: {superuserSecret: {key: password}}", "spec.membership.superuserSecret.name", "not a Secret name"},
		"superuser bad key":     {"membership: {superuserSecret: {name: zk-su, key: 'a b'}}", "spec.membership.superuserSecret.key", "not a Secret key"},
		"superuser w/o plain":   {"membership: {superuserSecret: {name: zk-su, key: pw}}\n  security: {tls: {secretName: zk-tls, client: {enabled: true}}}", "spec.membership.superuserSecret", "plaintext client port"},
	})
	for name, c := range map[string]specError{
		"one replica warns": {"replicas: 1", "spec.replicas", "no fault tolerance"},
		"no memory limit":   {"resources: {requests: {memory: 1Gi}}", "spec.resources.limits.memory", "set a memory limit"},
		"purge disabled":    {"zookeeper: {autopurge: {purgeInterval: 0}}", "spec.zookeeper.autopurge.purgeInterval", "never purged"},
	} {
		t.Run(name, func(t *testing.T) {
			_, ps := decode(t, header+"spec:\n  "+c.spec+"\n")
			assert.True(t, hasWarning(ps, c.path, c.msg), "no warning at %s containing %q in: %v", c.path, c.msg, ps)
		})
	}
}

func TestNameLimits(t *testing.T) {
	long := strings.Repeat("z", api.MaxNameLength+1)
	_, ps := decode(t, "apiVersion: zookeeper-fn.dev/v1alpha1\nkind: ZookeeperSpec\nmetadata: {name: "+long+", namespace: ns}\n")
	require.True(t, ps.HasErrors())
	assert.Equal(t, "metadata.name", ps[0].Path)
	assert.Contains(t, ps[0].Message, "namePrefix")

	_, ps = decode(t, "apiVersion: zookeeper-fn.dev/v1alpha1\nkind: ZookeeperSpec\nmetadata: {name: "+long[:api.MaxNameLength]+", namespace: ns}\n")
	assert.False(t, ps.HasErrors(), "a %d-character name fits: %v", api.MaxNameLength, ps)

	_, ps = decode(t, "apiVersion: zookeeper-fn.dev/v1alpha1\nkind: ZookeeperSpec\nmetadata: {name: Bad_Name, namespace: ns}\n")
	require.True(t, ps.HasErrors())
	assert.Contains(t, ps[0].Message, "DNS label")
}

func TestMissingNamespaceWarns(t *testing.T) {
	_, ps := decode(t, "apiVersion: zookeeper-fn.dev/v1alpha1\nkind: ZookeeperSpec\nmetadata: {name: zk}\n")
	require.False(t, ps.HasErrors())
	require.Len(t, ps, 1)
	assert.Equal(t, "metadata.namespace", ps[0].Path)
	assert.True(t, ps[0].Warning)
}

// TestPropertiesAndUnits: spec.zookeeper.config through the property
// model, and the heap units (issue 12, classes 1, 2 and 6).
func TestPropertiesAndUnits(t *testing.T) {
	requireSpecErrors(t, map[string]specError{
		"typed value":       {"zookeeper: {config: {snapCount: lots}}", "spec.zookeeper.config[snapCount]", "is not an integer from 2"},
		"prefixed key":      {"zookeeper: {config: {zookeeper.forceSync: 'no'}}", "spec.zookeeper.config[zookeeper.forceSync]", "did you mean forceSync?"},
		"tls key":           {"zookeeper: {config: {ssl.quorum.keyStore.location: /k}}", "spec.zookeeper.config[ssl.quorum.keyStore.location]", "issue 15"},
		"newline key":       {"zookeeper: {config: {\"a\\nb\": x}}", `spec.zookeeper.config[a\nb]`, "docs/zookeeper-properties.md"},
		"session timeouts":  {"zookeeper: {config: {minSessionTimeout: '90000'}}", "spec.zookeeper.config[minSessionTimeout]", "above the maximum 40000"},
		"bare heap":         {"jvm: {heap: 1024}", "spec.jvm.heap", "did you mean 1024Mi?"},
		"small heap":        {"jvm: {heap: 32Mi}", "spec.jvm.heap", "minimum heap 64Mi"},
		"tiny limit":        {"resources: {limits: {memory: 80Mi}}", "spec.resources.limits.memory", "below the minimum 64Mi"},
		"tiny request":      {"resources: {requests: {memory: 50Mi}}", "spec.resources.requests.memory", "below the minimum 64Mi"},
		"no memory":         {"resources: {requests: {cpu: '1'}}", "spec.resources.limits.memory", "default heap"},
		"Xmx after space":   {"jvm: {flags: ['-Dx=1 -Xmx4g']}", "spec.jvm.flags[0]", "spec.jvm.heap"},
		"MaxHeapSize":       {"jvm: {flags: ['-XX:MaxHeapSize=4g']}", "spec.jvm.flags[0]", "spec.jvm.heap"},
		"MaxRAMPercentage":  {"jvm: {flags: ['-XX:MaxRAMPercentage=80']}", "spec.jvm.flags[0]", "spec.jvm.heap"},
		"Xms above heap":    {"jvm: {heap: 512Mi, flags: ['-Xms1g']}", "spec.jvm.flags[0]", "within spec.jvm.heap (512Mi)"},
		"property as flag":  {"jvm: {flags: ['-Dzookeeper.forceSync=no']}", "spec.jvm.flags[0]", "spec.zookeeper.config[forceSync]"},
		"TLS as flag":       {"jvm: {flags: ['-Dzookeeper.sslQuorum=true']}", "spec.jvm.flags[0]", "issue 15"},
		"read-only as flag": {"jvm: {flags: ['-Dreadonlymode.enabled=true']}", "spec.jvm.flags[0]", "spec.zookeeper.readOnlyMode"},
	})
	for _, ok := range []string{"jvm: {heap: 64Mi, flags: ['-Xms64m', '-XX:+UseG1GC']}", "zookeeper: {config: {forceSync: 'no', jute.maxbuffer: '4194304', requestThrottleLimit: '10'}}"} {
		_, ps := decode(t, header+"spec:\n  "+ok+"\n")
		assert.False(t, ps.HasErrors(), "%s: %v", ok, ps)
	}
}
