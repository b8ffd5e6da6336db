package processor_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestScaleWarningCountsVoters: changing spec.observers leaves the voters
// and their majority as they are, so it needs no warning; changing the
// voters of an ensemble with observers still warns, with the voters'
// numbers (the observers' StatefulSet is not the ensemble's size).
func TestScaleWarningCountsVoters(t *testing.T) {
	withObservers := strings.Replace(string(specList(3)), "    replicas: 3\n", "    replicas: 3\n    observers: 2\n", 1)
	first, err := run(t, []byte(withObservers))
	require.NoError(t, err)

	more := strings.Replace(string(first), "    observers: 2\n", "    observers: 4\n", 1)
	require.NotEqual(t, string(first), more)
	second, err := run(t, []byte(more))
	require.NoError(t, err)
	assert.NotContains(t, string(second), "changes the ensemble from", "observers do not change the quorum")
	assert.Contains(t, string(second), "server.104=zk-observer-3.zk-headless.bench.svc.cluster.local:2888:3888:observer;2181")

	scaled := strings.Replace(string(first), "    replicas: 3\n", "    replicas: 5\n", 1)
	third, err := run(t, []byte(scaled))
	require.NoError(t, err)
	assert.Contains(t, string(third), "from 3 to 5 members", "the voters' StatefulSet is the ensemble's size")
}
