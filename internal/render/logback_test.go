package render

import (
	"encoding/xml"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLogbackFromModel(t *testing.T) {
	z := spec(t, "  logging: {level: WARN, loggers: {org.apache.zookeeper.server.quorum: DEBUG, a.B$C: \"OFF\"}}\n")
	var c logbackConfiguration
	require.NoError(t, xml.Unmarshal([]byte(Logback(z)), &c))
	assert.Equal(t, "WARN", c.Root.Level)
	assert.Equal(t, "CONSOLE", c.Root.Ref.Ref)
	assert.Equal(t, []logbackLogger{{"a.B$C", "OFF"}, {"org.apache.zookeeper.server.quorum", "DEBUG"}}, c.Loggers, "sorted")
	assert.Equal(t, logbackPattern, c.Appender.Pattern)

	c = logbackConfiguration{}
	require.NoError(t, xml.Unmarshal([]byte(Logback(spec(t, "  replicas: 1\n"))), &c))
	assert.Equal(t, "INFO", c.Root.Level, "the default")
	assert.Empty(t, c.Loggers)

	// Names reach the XML escaped even if validation were bypassed.
	z.Spec.Logging.Loggers = map[string]string{`x"/><root level="OFF`: "DEBUG"}
	c = logbackConfiguration{}
	require.NoError(t, xml.Unmarshal([]byte(Logback(z)), &c))
	assert.Equal(t, `x"/><root level="OFF`, c.Loggers[0].Name)
	assert.Equal(t, "WARN", c.Root.Level)
}
