package render

import (
	"encoding/xml"
	"sort"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
)

// logbackConfiguration is the part of logback's configuration the function
// renders: one console appender (the kubelet keeps the logs), named
// loggers and the root logger.
type logbackConfiguration struct {
	XMLName  xml.Name        `xml:"configuration"`
	Appender logbackAppender `xml:"appender"`
	Loggers  []logbackLogger `xml:"logger"`
	Root     logbackRoot     `xml:"root"`
}

type logbackAppender struct {
	Name    string `xml:"name,attr"`
	Class   string `xml:"class,attr"`
	Pattern string `xml:"encoder>pattern"`
}

type logbackLogger struct {
	Name  string `xml:"name,attr"`
	Level string `xml:"level,attr"`
}

type logbackRoot struct {
	Level string             `xml:"level,attr"`
	Ref   logbackAppenderRef `xml:"appender-ref"`
}

type logbackAppenderRef struct {
	Ref string `xml:"ref,attr"`
}

// logbackPattern is the official image's pattern, with the member's myid.
const logbackPattern = "%d{ISO8601} [myid:%X{myid}] - %-5p [%t:%C{1}@%L] - %m%n"

// Logback renders logback.xml from spec.logging. encoding/xml escapes the
// names and levels (validation already limits them to Java names and
// logback's levels); loggers are sorted, so the output is deterministic.
func Logback(z *api.ZookeeperSpec) string {
	l := z.Spec.Logging
	c := logbackConfiguration{
		Appender: logbackAppender{Name: "CONSOLE", Class: "ch.qos.logback.core.ConsoleAppender", Pattern: logbackPattern},
		Root:     logbackRoot{Level: l.RootLevel(), Ref: logbackAppenderRef{Ref: "CONSOLE"}},
	}
	names := make([]string, 0, len(l.Loggers))
	for n := range l.Loggers {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c.Loggers = append(c.Loggers, logbackLogger{Name: n, Level: l.Loggers[n]})
	}
	b, err := xml.MarshalIndent(c, "", "  ")
	if err != nil {
		panic(err) // plain strings and structs always marshal
	}
	return "<!-- Rendered by zookeeper-fn: log to the console only; the kubelet keeps the logs. -->\n" + string(b) + "\n"
}
