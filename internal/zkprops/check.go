package zkprops

import (
	"fmt"
	"sort"
	"strings"

	"github.com/zookeeper-fn/zookeeper-fn/internal/suggest"
)

// DocPath is the generated list of accepted and refused properties.
const DocPath = "docs/zookeeper-properties.md"

// Accepted returns the accepted properties sorted by name.
func Accepted() []Property {
	out := append([]Property(nil), accepted...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Refused returns the refused keys in catalog order.
func Refused() []Refusal { return append([]Refusal(nil), refused...) }

// Lookup returns the accepted property called name.
func Lookup(name string) (Property, bool) {
	for _, p := range accepted {
		if p.Name == name {
			return p, true
		}
	}
	return Property{}, false
}

// Check returns nil when spec.zookeeper.config may set name to value, or
// the message that tells the user what to write instead.
func Check(name, value string) error {
	if p, ok := Lookup(name); ok {
		if err := p.Type.Check(value); err != nil {
			return fmt.Errorf("%q %v; %s expects %s, e.g. %s", value, err, name, p.Type, p.Example)
		}
		return nil
	}
	if r, ok := refusal(name); ok {
		if r.Reason == Managed {
			return fmt.Errorf("%q is managed by the function; set %s instead", name, r.Use)
		}
		return fmt.Errorf("%q is refused (%s): %s", name, r.Reason, r.Use)
	}
	if p, ok := bySystemProperty(name); ok {
		if strings.HasPrefix(name, "zookeeper.") {
			return fmt.Errorf("%q would set the system property \"zookeeper.%s\", which nothing reads: write the admin guide's name without the zookeeper. prefix; did you mean %s?", name, name, p.Name)
		}
		return fmt.Errorf("%q is the zoo.cfg spelling of %s's system property; write the admin guide's name: did you mean %s?", name, p.System, p.Name)
	}
	msg := fmt.Sprintf("%q is not a ZooKeeper property this function knows", clip(name))
	if s := closest(name); s != "" {
		return fmt.Errorf("%s; did you mean %s?", msg, s)
	}
	return fmt.Errorf("%s; the accepted properties are listed in %s", msg, DocPath)
}

func refusal(name string) (Refusal, bool) {
	for _, r := range refused {
		if r.matches(name) {
			return r, true
		}
	}
	return Refusal{}, false
}

// bySystemProperty finds the property a user meant by writing its system
// property name (zookeeper.forceSync) or its zoo.cfg key when that differs
// from the admin guide's name (request_throttle_max_requests).
func bySystemProperty(name string) (Property, bool) {
	for _, p := range accepted {
		if p.System != "" && (name == p.System || "zookeeper."+name == p.System) || name == "zookeeper."+p.Name {
			return p, true
		}
	}
	return Property{}, false
}

// closest returns the accepted name nearest to s by edit distance, if close.
func closest(s string) string {
	var names []string
	for _, p := range Accepted() {
		names = append(names, p.Name)
	}
	return suggest.Closest(s, names)
}

// clip shortens a hostile key for an error message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// BySystemProperty returns the name of the accepted property that the
// JVM system property sys sets.
func BySystemProperty(sys string) (string, bool) {
	for _, p := range accepted {
		if p.System != "" && p.System == sys {
			return p.Name, true
		}
	}
	return "", false
}

// RefusedSystemProperty reports whether the JVM flag -D<sys> would set a
// refused property behind spec.zookeeper.config's back (-Dzookeeper.ssl.*
// or -Dreadonlymode.enabled), and the error that says what to do instead.
func RefusedSystemProperty(sys string) error {
	key, prefixed := strings.CutPrefix(sys, "zookeeper.")
	if !prefixed && sys != "readonlymode.enabled" {
		return nil
	}
	if _, ok := refusal(key); !ok {
		return nil
	}
	return Check(key, "")
}
