package render

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/zookeeper-fn/zookeeper-fn/internal/membership"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
	"github.com/zookeeper-fn/zookeeper-fn/internal/yamlconv"
)

// Small table tests of the builders, one behaviour each, with the input
// inline and the builder's part of the output as YAML, as kustomize's
// filters are tested. The golden ResourceLists (testdata/golden) hold the
// whole output; these say which input makes which part.

// asYAML prints v as the function prints it (nulls and empty objects
// dropped, struct field order).
func asYAML(t *testing.T, v any) string {
	t.Helper()
	n, err := yamlconv.FromObject(v)
	require.NoError(t, err)
	return n.MustString()
}

func TestServerLines(t *testing.T) {
	zk := names.New("zk", "ns", "cluster.local", "zookeeper:3.9.6")
	cases := map[string]struct {
		m        membership.Membership
		expected string
	}{
		"one member is server.1": {
			m:        membership.New(zk, 1, 0, nil),
			expected: "server.1=zk-0.zk-headless.ns.svc.cluster.local:2888:3888;2181\n",
		},
		"members in ordinal order, ids from 1": {
			m: membership.New(zk, 3, 0, nil),
			expected: "server.1=zk-0.zk-headless.ns.svc.cluster.local:2888:3888;2181\n" +
				"server.2=zk-1.zk-headless.ns.svc.cluster.local:2888:3888;2181\n" +
				"server.3=zk-2.zk-headless.ns.svc.cluster.local:2888:3888;2181\n",
		},
		"no namespace means default, the cluster domain as given": {
			m:        membership.New(names.New("zk", "", "example.org", ""), 1, 0, nil),
			expected: "server.1=zk-0.zk-headless.default.svc.example.org:2888:3888;2181\n",
		},
		"an observer says so before the client port, with an id above the voters'": {
			m: membership.New(zk, 1, 1, nil),
			expected: "server.1=zk-0.zk-headless.ns.svc.cluster.local:2888:3888;2181\n" +
				"server.101=zk-observer-0.zk-headless.ns.svc.cluster.local:2888:3888:observer;2181\n",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var got strings.Builder
			for _, x := range tc.m.Members {
				got.WriteString(ServerLine(x) + "\n")
			}
			assert.Equal(t, tc.expected, got.String())
		})
	}
}

func TestZooCfgEndsWithTheMembers(t *testing.T) {
	z := spec(t, "  replicas: 3\n")
	m := z.Membership()
	cfg := ZooCfg(z, m)
	var lines string
	for _, x := range m.Members {
		lines += ServerLine(x) + "\n"
	}
	assert.True(t, strings.HasSuffix(cfg, "\ntickTime=2000\n"+lines), "the sorted properties, then the members:\n%s", cfg)
}

func TestClaimTemplates(t *testing.T) {
	// Labels are the selector only: the templates are immutable, so no
	// version label.
	claim := func(name, mode, size, class string) string {
		return "- metadata:\n    name: " + name + "\n    labels:\n" +
			"      app.kubernetes.io/instance: zk\n      app.kubernetes.io/name: zookeeper\n" +
			"  spec:\n    accessModes:\n    - " + mode + "\n    resources:\n      requests:\n        storage: " + size + "\n" +
			class
	}
	cases := map[string]struct{ input, expected string }{
		"data only, the cluster's default class": {
			input:    "",
			expected: claim("data", "ReadWriteOnce", "10Gi", ""),
		},
		"a transaction log volume of its own, with its class": {
			input: "  storage: {className: standard, size: 20Gi, accessMode: ReadWriteOncePod, dataLog: {className: fast, size: 5Gi}}\n",
			expected: claim("data", "ReadWriteOncePod", "20Gi", "    storageClassName: standard\n") +
				claim("datalog", "ReadWriteOncePod", "5Gi", "    storageClassName: fast\n"),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			z := spec(t, tc.input)
			assert.Equal(t, tc.expected, asYAML(t, claimTemplates(z, z.Membership())))
		})
	}
}

func TestAffinityAndSpread(t *testing.T) {
	preferred := `affinity:
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        labelSelector:
          matchLabels:
            app.kubernetes.io/instance: zk
            app.kubernetes.io/name: zookeeper
        topologyKey: kubernetes.io/hostname
`
	zoneSpread := `topologySpreadConstraints:
- maxSkew: 1
  topologyKey: topology.kubernetes.io/zone
  whenUnsatisfiable: DoNotSchedule
  labelSelector:
    matchLabels:
      app.kubernetes.io/instance: zk
      app.kubernetes.io/name: zookeeper
`
	cases := map[string]struct{ input, expected string }{
		"members preferably on different nodes by default": {input: "", expected: preferred},
		"required: one member per node": {
			input: "  placement: {antiAffinity: required}\n",
			expected: `affinity:
  podAntiAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
    - labelSelector:
        matchLabels:
          app.kubernetes.io/instance: zk
          app.kubernetes.io/name: zookeeper
      topologyKey: kubernetes.io/hostname
`,
		},
		"none: no affinity at all": {input: "  placement: {antiAffinity: none}\n", expected: "{}\n"},
		"another topology key": {
			input:    "  placement: {antiAffinity: preferred, topologyKey: example.com/rack}\n",
			expected: strings.Replace(preferred, "kubernetes.io/hostname", "example.com/rack", 1),
		},
		"required zone spread: never more than one member of skew, over at least three zones": {
			input:    "  placement: {antiAffinity: none, zoneSpread: required}\n",
			expected: zoneSpread + "  minDomains: 3\n",
		},
		"required zone spread of one member needs no third zone": {
			input:    "  replicas: 1\n  placement: {antiAffinity: none, zoneSpread: required}\n",
			expected: zoneSpread,
		},
		"preferred zone spread schedules anyway": {
			input:    "  placement: {antiAffinity: none, zoneSpread: preferred, zoneTopologyKey: example.com/zone}\n",
			expected: strings.NewReplacer("topology.kubernetes.io/zone", "example.com/zone", "DoNotSchedule", "ScheduleAnyway").Replace(zoneSpread),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			z := spec(t, tc.input)
			p := z.Spec.Placement
			got := corev1.PodSpec{Affinity: affinity(p, z.Names()), TopologySpreadConstraints: spread(p, z.Names(), z.Membership().Voters())}
			assert.Equal(t, tc.expected, asYAML(t, got))
		})
	}
}

func TestProbes(t *testing.T) {
	c := container(spec(t, ""))
	cases := map[string]struct {
		probe    *corev1.Probe
		expected string
	}{
		"startup: the server answers imok within 5 minutes (60 x 5 s)": {c.StartupProbe, `exec:
  command:
  - bash
  - /conf/live.sh
timeoutSeconds: 5
periodSeconds: 5
failureThreshold: 60
`},
		"readiness: in the quorum (srvr), out after 2 misses": {c.ReadinessProbe, `exec:
  command:
  - bash
  - /conf/ready.sh
timeoutSeconds: 5
periodSeconds: 5
successThreshold: 1
failureThreshold: 2
`},
		"liveness: imok, restarted after a minute of silence": {c.LivenessProbe, `exec:
  command:
  - bash
  - /conf/live.sh
timeoutSeconds: 5
periodSeconds: 10
failureThreshold: 6
`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.expected, asYAML(t, tc.probe))
		})
	}
}

func TestMembershipSizesTheEnsemble(t *testing.T) {
	z := spec(t, "  replicas: 5\n  monitoring: {prometheusRule: {}}\n")
	m := membership.New(z.Names(), 3, 2, []string{names.DataVolume})
	sts := StatefulSet(z, m, "hash")
	assert.EqualValues(t, 3, *sts.Spec.Replicas, "the voters' StatefulSet runs the voters")
	assert.EqualValues(t, 2, *ObserverStatefulSet(z, m, "hash").Spec.Replicas, "the observers have their own")
	assert.EqualValues(t, 1, PodDisruptionBudget(m).Spec.MaxUnavailable.IntValue(), "one voter at a time")
	exprs := map[string]string{}
	for _, r := range AlertRules(z, m) {
		exprs[r.Alert] = r.Expr.String()
	}
	assert.True(t, strings.HasSuffix(exprs["ZookeeperQuorumLost"], " < 2"), "the majority of the 3 voters, not of 5 members: %s", exprs["ZookeeperQuorumLost"])
	assert.Contains(t, exprs["ZookeeperQuorumLost"], `pod=~"zk-[0-9]+"`, "only the voters' pods count towards the quorum")
	assert.Contains(t, exprs["ZookeeperNoLeader"], `pod=~"zk-[0-9]+"`, "only the voters' pods count towards the quorum")
	assert.NotContains(t, exprs["ZookeeperMemberDown"], `pod=~`, "every member, observers too")
	assert.Contains(t, exprs["ZookeeperVolumeFilling"], `persistentvolumeclaim=~"(data|datalog)-zk(-observer)?-[0-9]+"`, "the observers' volumes fill too")
	assert.True(t, strings.HasSuffix(exprs["ZookeeperMemberNotFollowing"], " < 2"), "followers are the other voters: %s", exprs["ZookeeperMemberNotFollowing"])
	assert.True(t, strings.HasSuffix(exprs["ZookeeperMemberDown"], " < 5"), "every member answers scrapes: %s", exprs["ZookeeperMemberDown"])
}
