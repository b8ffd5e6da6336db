package zkprops_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/zookeeper-fn/zookeeper-fn/internal/zkprops"
)

// TestCatalog: every accepted property is well-formed, its example is
// valid, and no accepted name is also refused.
func TestCatalog(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range zkprops.Accepted() {
		assert.False(t, seen[p.Name], "%s twice", p.Name)
		seen[p.Name] = true
		assert.False(t, strings.HasPrefix(p.Name, "zookeeper."), "%s: names are the admin guide's, without the prefix", p.Name)
		assert.NoError(t, p.Type.Check(p.Example), "%s: example %q", p.Name, p.Example)
		assert.NoError(t, zkprops.Check(p.Name, p.Example), p.Name)
		assert.NotEmpty(t, p.Doc, p.Name)
		switch p.Place {
		case zkprops.Config:
			assert.Empty(t, p.System, p.Name)
		case zkprops.ConfigSystem:
			assert.True(t, strings.HasPrefix(p.System, "zookeeper."), "%s: a zoo.cfg key only reaches zookeeper.* properties", p.Name)
		case zkprops.JVMFlag:
			assert.NotEmpty(t, p.System, p.Name)
		}
		for _, r := range zkprops.Refused() {
			assert.False(t, r.Prefix && strings.HasPrefix(p.Name, r.Name) || r.Name == p.Name, "%s is accepted and refused (%s)", p.Name, r.Name)
		}
	}
}

func TestCheck(t *testing.T) {
	for name, tc := range map[string]struct{ key, value, want string }{
		"valid":          {"snapCount", "50000", ""},
		"not an int":     {"snapCount", "lots", `"lots" is not an integer from 2 to 2147483647 (transactions); snapCount expects`},
		"below range":    {"snapCount", "1", "is not an integer from 2"},
		"int with space": {"snapCount", "5 ", "is not an integer"},
		"yes/no":         {"forceSync", "false", `"false" is not one of "yes" or "no"`},
		"bool":           {"enforceQuota", "yes", `is not one of "true" or "false"`},
		"decimal":        {"snapshotSizeFactor", "1e3", "is not a decimal number"},
		"prefixed":       {"zookeeper.forceSync", "no", "did you mean forceSync?"},
		"prefixed jvm":   {"zookeeper.jute.maxbuffer", "1", "did you mean jute.maxbuffer?"},
		"system name":    {"request_throttle_max_requests", "1", "did you mean requestThrottleLimit?"},
		"typo":           {"snapCont", "1", "did you mean snapCount?"},
		"unknown":        {"no.such.thing.at.all", "1", "docs/zookeeper-properties.md"},
		"managed":        {"tickTime", "1", "set spec.zookeeper.tickTime instead"},
		"server line":    {"server.4", "x:1:2", "set spec.replicas"},
		"tls":            {"ssl.keyStore.location", "/k", "issue 15"},
		"sasl":           {"quorum.auth.enableSasl", "true", "issue 15"},
		"netty":          {"serverCnxnFactory", "x", "issue 15"},
		"observers":      {"syncEnabled", "true", "observers"},
		"peerType":       {"peerType", "observer", "set spec.observers"},
		"3.9 only":       {"admin.snapshot.enabled", "true", "3.8.0"},
		"newline key":    {"snapCount\ndataDir", "1", "not a ZooKeeper property"},
		"injection":      {"snapCount", "1\ndataDir=/x", "is not an integer"},
		"flag injection": {"jute.maxbuffer", "1 -Xmx9g", "is not an integer"},
	} {
		t.Run(name, func(t *testing.T) {
			err := zkprops.Check(tc.key, tc.value)
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			if assert.Error(t, err) {
				assert.Contains(t, err.Error(), tc.want)
			}
		})
	}
}
