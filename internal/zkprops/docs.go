package zkprops

import (
	"fmt"
	"strings"
)

// Markdown renders DocPath: every accepted property with its type, range
// and where it goes, then every refused key and why.
func Markdown() []byte {
	var b strings.Builder
	b.WriteString(`# ZooKeeper properties in spec.zookeeper.config

Generated from internal/zkprops by ` + "`go test ./internal/zkprops -update`" + `; do not edit.

Write the name from ZooKeeper 3.9's administrator's guide, without a
` + "`zookeeper.`" + ` prefix. Each value is checked against its type, then goes
where ZooKeeper reads it:

- **zoo.cfg**: a key that ZooKeeper's QuorumPeerConfig parses.
- **zoo.cfg, read as a system property**: ZooKeeper turns every zoo.cfg key
  ` + "`K`" + ` it does not parse into the system property ` + "`zookeeper.K`" + `; the function
  writes the key that becomes the property the server reads, which is not
  always the admin guide's name (` + "`requestThrottleLimit`" + ` is read as
  ` + "`zookeeper.request_throttle_max_requests`" + `).
- **JVM flag**: a property without the ` + "`zookeeper.`" + ` prefix, or documented as
  "Java system property only", goes into ` + "`SERVER_JVMFLAGS`" + ` as ` + "`-Dname=value`" + `.

` + "`make e2e-properties`" + ` sets every accepted property to its example value on a
real ZooKeeper 3.8.0 ensemble and checks each one in the server (the ` + "`conf`" + `
four-letter word for zoo.cfg keys, ` + "`jcmd VM.system_properties`" + ` for system
properties), that the server's classes read its name, and that every
class reading a zoo.cfg-set property loads after zoo.cfg is parsed (so
` + "`quorumCnxnTimeoutMs`" + `, read by a class that loads earlier, is a JVM flag).

`)
	fmt.Fprintf(&b, "## Accepted (%d)\n\n| Property | Type | Where it goes | Example | What it does |\n|---|---|---|---|---|\n", len(accepted))
	for _, p := range Accepted() {
		fmt.Fprintf(&b, "| `%s` | %s | %s | `%s` | %s |\n", p.Name, p.Type, p.Where(), p.Example, p.Doc)
	}
	fmt.Fprintf(&b, "\n## Refused (%d)\n\n| Key | Why | Instead |\n|---|---|---|\n", len(refused))
	for _, r := range refused {
		name := "`" + r.Name + "`"
		if r.Prefix {
			name = "`" + r.Name + "*`"
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", name, r.Reason, r.Use)
	}
	return []byte(b.String())
}
