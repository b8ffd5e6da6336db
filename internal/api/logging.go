package api

import (
	"fmt"
	"strings"
)

// Logging sets the server's log levels (logback.xml, console only).
type Logging struct {
	// Level of the root logger: TRACE, DEBUG, INFO (default), WARN, ERROR
	// or OFF.
	Level string `json:"level,omitempty"`
	// Loggers sets the level of named loggers, by Java package or class
	// name, e.g. org.apache.zookeeper.server.quorum: DEBUG.
	Loggers map[string]string `json:"loggers,omitempty"`
}

// LogLevels are logback's levels.
var LogLevels = []string{"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF"}

// MaxLoggers bounds spec.logging.loggers.
const MaxLoggers = 100

// loggerNameRE is a Java package or class name (nested classes with $),
// compiled on first use so that start-up does not pay for it.
var loggerNameRE = lazyRegexp(`^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$`)

// RootLevel is the root logger's level, INFO when unset.
func (l Logging) RootLevel() string {
	if l.Level == "" {
		return "INFO"
	}
	return l.Level
}

func (s *Spec) checkLogging(ps *Problems) {
	l := s.Logging
	if l.Level != "" && !contains(LogLevels, l.Level) {
		ps.errorf("spec.logging.level", "%q is not a level; use one of %s", clip(l.Level), strings.Join(LogLevels, ", "))
	}
	if len(l.Loggers) > MaxLoggers {
		ps.errorf("spec.logging.loggers", "sets %d loggers; at most %d are supported: set the level of a common package instead", len(l.Loggers), MaxLoggers)
		return
	}
	for _, name := range sortedKeys(l.Loggers) {
		p := fmt.Sprintf("spec.logging.loggers[%s]", clip(name))
		switch {
		case strings.EqualFold(name, "root"):
			ps.errorf(p, "is the root logger; set spec.logging.level instead")
		case len(name) > 255 || !loggerNameRE().MatchString(name):
			ps.errorf(p, "is not a Java package or class name; use e.g. org.apache.zookeeper.server.quorum")
		}
		if v := l.Loggers[name]; !contains(LogLevels, v) {
			ps.errorf(p, "level %q is not a level; use one of %s", clip(v), strings.Join(LogLevels, ", "))
		}
	}
}
