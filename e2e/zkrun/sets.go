//go:build e2e

package zkrun

import "testing"

// ParseSet is Parse for output with several StatefulSets, such as the
// voters' and the observers' of an ensemble with spec.observers: the
// Rendered holds the StatefulSet named name, with the ConfigMaps and
// Services of the whole output.
func ParseSet(t testing.TB, out []byte, name string) *Rendered {
	t.Helper()
	return parse(t, out, name)
}

// ShareDNS makes the pods of several StatefulSets of one ensemble resolve
// each other, as one headless Service gives them all DNS names in a
// cluster: every ensemble's hosts file (its members' and its clients')
// lists the members of all of them, now and after each Apply.
func ShareDNS(t testing.TB, es ...*Ensemble) {
	t.Helper()
	for _, e := range es {
		e.dns = nil
		for _, o := range es {
			if o != e {
				e.dns = append(e.dns, o)
			}
		}
		e.writeHosts(t)
	}
}

// SystemDNS makes e's hosts file the sandbox's /etc/hosts (a bind mount
// in the sandbox's own mount namespace, before any member starts), so
// that every process resolves the pods' names as a cluster's DNS would,
// not only Java (jdk.net.hosts.file): the dynamic-membership scripts
// reach members by name from bash. The file is rewritten in place, so
// later Applies and ShareDNS show through.
func (e *Ensemble) SystemDNS(t testing.TB) {
	t.Helper()
	Must(t, "mount", "--bind", e.hosts, "/etc/hosts")
}
