package zkprops

import "strings"

// Place is where a property takes effect.
type Place int

const (
	// Config is a zoo.cfg key that QuorumPeerConfig.parseProperties parses
	// into the server's configuration.
	Config Place = iota
	// ConfigSystem is a zoo.cfg key K that QuorumPeerConfig does not know:
	// it calls System.setProperty("zookeeper."+K, value) (verified in the
	// 3.8.0 and 3.9 sources), and the server reads that system property.
	ConfigSystem
	// JVMFlag is a system property the server reads that must be on the
	// java command line (-Dname=value): it has no zookeeper. prefix, so no
	// zoo.cfg key reaches it, or the admin guide documents it as "Java
	// system property only" (read when a class loads, which may be before
	// zoo.cfg is parsed).
	JVMFlag
)

func (p Place) String() string {
	switch p {
	case Config:
		return "zoo.cfg"
	case ConfigSystem:
		return "zoo.cfg, read as a system property"
	default:
		return "JVM flag"
	}
}

// Property is one setting users may write in spec.zookeeper.config.
type Property struct {
	// Name is what users write: the name in ZooKeeper 3.9's administrator's
	// guide, without a "zookeeper." prefix.
	Name string
	// Place is where it takes effect.
	Place Place
	// System is the system property the server reads (ConfigSystem and
	// JVMFlag); empty for Config.
	System string
	Type   Type
	// Example is a valid value other than ZooKeeper's default; the
	// real-server proof (e2e/properties) sets every property to it.
	Example string
	// Doc says what it does, in a few words.
	Doc string
}

// Key is the zoo.cfg key (Config, ConfigSystem); empty for JVMFlag.
func (p Property) Key() string {
	switch p.Place {
	case Config:
		return p.Name
	case ConfigSystem:
		return strings.TrimPrefix(p.System, "zookeeper.")
	}
	return ""
}

// Where is the rendered form, e.g. "zoo.cfg snapCount" or "-Djute.maxbuffer".
func (p Property) Where() string {
	switch p.Place {
	case Config:
		return "zoo.cfg `" + p.Key() + "`"
	case ConfigSystem:
		return "zoo.cfg `" + p.Key() + "` (system property `" + p.System + "`)"
	}
	return "`SERVER_JVMFLAGS` `-D" + p.System + "`"
}

// Reason is why a key is refused.
type Reason int

const (
	// Managed: the function renders it from a spec field (Use names it).
	Managed Reason = iota
	// Secured: TLS and authentication need key stores, trust stores or
	// JAAS files mounted in the pod, which come with the secured-ensemble
	// feature (issue 15).
	Secured
	// NoEffect: it does nothing in the ensembles the function renders
	// (Use says why).
	NoEffect
	// NotIn38: ZooKeeper 3.9 only; the server the suite proves properties
	// on (Debian's 3.8.0) does not read it, so its effect is unproven.
	NotIn38
	// Conflicts: it would break what the function renders (Use says how).
	Conflicts
	// ObserversOnly: it tunes observers (spec.observers), and no suite
	// proves its effect on them on a real server yet.
	ObserversOnly
)

func (r Reason) String() string {
	return [...]string{"managed by the function", "TLS/authentication (issue 15)", "no effect in this ensemble", "ZooKeeper 3.9 only, unproven", "conflicts with the rendered ensemble", "observers only, unproven"}[r]
}

// Refusal is a key, or with Prefix every key starting with it, that
// spec.zookeeper.config refuses.
type Refusal struct {
	Name   string
	Prefix bool
	Reason Reason
	// Use is the spec field to set instead (Managed) or the explanation.
	Use string
}

func (r Refusal) matches(key string) bool {
	if r.Prefix {
		return strings.HasPrefix(key, r.Name)
	}
	return key == r.Name
}
