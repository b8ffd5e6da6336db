package suggest_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	_ "github.com/zookeeper-fn/zookeeper-fn/internal/golden"
	"github.com/zookeeper-fn/zookeeper-fn/internal/suggest"
)

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"snapcount", "snapCount", 1},
		{"kitten", "sitting", 3},
		{"replicaz", "replicas", 1},
		{strings.Repeat("x", 65), "x", 64},
	} {
		assert.Equal(t, tc.want, suggest.Distance(tc.a, tc.b), "%q %q", tc.a, tc.b)
	}
}

func TestClosest(t *testing.T) {
	names := []string{"snapCount", "forceSync", "replicas"}
	assert.Equal(t, "snapCount", suggest.Closest("snapcount", names), "case is ignored")
	assert.Equal(t, "replicas", suggest.Closest("replicaz", names))
	assert.Equal(t, "", suggest.Closest("zzzzzzzzzzzz", names), "nothing close")
	assert.Equal(t, "", suggest.Closest(strings.Repeat("a", 4096), names), "a hostile key gets no suggestion")
}
