package names_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	_ "github.com/zookeeper-fn/zookeeper-fn/internal/golden" // -update, see there
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

func TestFormats(t *testing.T) {
	e := names.New("zk", "ns", "cluster.local", "zookeeper:3.9.6")
	noNS := names.New("zk", "", "example.org", "zookeeper:3.9.6")
	cases := map[string]struct{ got, expected string }{
		"pod":                         {e.Pod(2), "zk-2"},
		"host":                        {e.Host(2), "zk-2.zk-headless.ns.svc.cluster.local"},
		"host in the default ns":      {noNS.Host(0), "zk-0.zk-headless.default.svc.example.org"},
		"claim":                       {e.Claim(names.DataLogVolume, 1), "datalog-zk-1"},
		"volume names its namespace":  {e.Volume(names.DataVolume, 0), "ns-zk-data-0"},
		"volume in the default ns":    {noNS.Volume(names.DataVolume, 0), "default-zk-data-0"},
		"owner keeps an empty ns":     {noNS.Owner(), "/zk"},
		"host from a renamed stream":  {names.Host(names.Pod("orders-zk", 10), "orders-zk-headless", "team-a", "cluster.local"), "orders-zk-10.orders-zk-headless.team-a.svc.cluster.local"},
		"host without a domain":       {names.Host("zk-0", "zk-headless", "ns", ""), "zk-0.zk-headless.ns.svc."},
		"claim from a renamed stream": {names.Claim("data", names.Pod("orders-zk", 0)), "data-orders-zk-0"},
		"owner annotation":            {names.OwnerAnnotation, "zookeeper-fn.dev/owner"},
	}
	for name, tc := range cases {
		assert.Equal(t, tc.expected, tc.got, name)
	}
}

func TestVersionLabel(t *testing.T) {
	cases := map[string]string{
		"zookeeper:3.9.6":                       "3.9.6",
		"registry:5000/zookeeper":               "",
		"registry:5000/zookeeper:3.8":           "3.8",
		"zookeeper:3.9.6@sha256:0123456789abcd": "3.9.6",
		"zookeeper":                             "",
	}
	for image, want := range cases {
		assert.Equal(t, want, names.New("zk", "ns", "cluster.local", image).Labels()[names.LabelVersion], image)
	}
}
