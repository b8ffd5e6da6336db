package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLoggingErrors(t *testing.T) {
	many := make([]string, 0, 101)
	for i := 0; i < 101; i++ {
		many = append(many, fmt.Sprintf("a%d: INFO", i))
	}
	cases := map[string]specError{
		"lower-case level":   {"logging: {level: debug}", "spec.logging.level", "use one of TRACE"},
		"unknown level":      {"logging: {level: VERBOSE}", "spec.logging.level", "not a level"},
		"root logger":        {"logging: {loggers: {ROOT: DEBUG}}", "spec.logging.loggers[ROOT]", "spec.logging.level"},
		"xml in name":        {`logging: {loggers: {'a"><x': DEBUG}}`, `spec.logging.loggers[a"><x]`, "not a Java package"},
		"empty name":         {"logging: {loggers: {'': DEBUG}}", "spec.logging.loggers[]", "not a Java package"},
		"trailing dot":       {"logging: {loggers: {org.apache.: DEBUG}}", "spec.logging.loggers[org.apache.]", "not a Java package"},
		"space in name":      {"logging: {loggers: {'org apache': DEBUG}}", "spec.logging.loggers[org apache]", "not a Java package"},
		"huge name":          {"logging: {loggers: {" + strings.Repeat("a", 300) + ": DEBUG}}", "spec.logging.loggers[" + strings.Repeat("a", 64) + "... (300 bytes)]", ""},
		"bad logger level":   {"logging: {loggers: {org.apache.zookeeper: LOUD}}", "spec.logging.loggers[org.apache.zookeeper]", `level "LOUD"`},
		"empty logger level": {"logging: {loggers: {org.apache.zookeeper: ''}}", "spec.logging.loggers[org.apache.zookeeper]", `level ""`},
		"too many loggers":   {"logging: {loggers: {" + strings.Join(many, ", ") + "}}", "spec.logging.loggers", "at most 100"},
	}
	requireSpecErrors(t, cases)
	_, ps := decode(t, header+"spec: {logging: {level: WARN, loggers: {org.apache.zookeeper.server.quorum: DEBUG, 'a.B$C': OFF, _x: TRACE}}}\n")
	require.False(t, ps.HasErrors(), ps.Error())
}
