//go:build e2e

package zkrun

import (
	"fmt"
	"net"
	"sync"
	"testing"
	"time"
)

// The sandbox network: a bridge in the sandbox's own network namespace
// (the test process's), one namespace per member and one for the Java
// client, each joined to the bridge by a veth pair. Every member has the
// real ports on its own address, as a pod has.
const (
	bridge     = "zkbr0"
	subnet     = "10.219.0"
	clientNS   = "zkclient"
	clientAddr = subnet + ".2"
	// TestAddr is the test process's address on the bridge, reachable from
	// every member: servers the test itself runs (the backup suite's S3 server) listen here.
	TestAddr = subnet + ".1"
)

// maxMembers bounds the members alive at once (addresses .10 to .209).
const maxMembers = 200

// slots hands out member network slots; a destroyed ensemble returns its
// slots, so a suite can run many ensembles one after another.
type slots struct {
	mu   sync.Mutex
	used [maxMembers]bool
}

func (s *Sandbox) setupNetwork(t testing.TB) {
	t.Helper()
	Must(t, "ip", "link", "set", "lo", "up")
	Must(t, "ip", "link", "add", bridge, "type", "bridge")
	Must(t, "ip", "addr", "add", TestAddr+"/24", "dev", bridge)
	Must(t, "ip", "link", "set", bridge, "up")
	addNetns(t, clientNS, clientAddr)
}

// MemberNetns creates a network namespace for one member on the
// sandbox's bridge (a free slot: eth0 at the slot's address, with that
// address's fixed MAC, lo up) and returns its name, its address and a
// function that deletes it and frees the slot. NewEnsemble calls it for
// every member; a suite that runs members with its own controller (the
// scaling suite) calls it for its own slots.
func (s *Sandbox) MemberNetns(t testing.TB) (string, string, func()) {
	t.Helper()
	s.slots.mu.Lock()
	i := 0
	for i < maxMembers && s.slots.used[i] {
		i++
	}
	if i == maxMembers {
		s.slots.mu.Unlock()
		t.Fatalf("more than %d members at once", maxMembers)
	}
	s.slots.used[i] = true
	s.slots.mu.Unlock()
	name, addr := fmt.Sprintf("zk%d", i), fmt.Sprintf("%s.%d", subnet, 10+i)
	addNetns(t, name, addr)
	return name, addr, func() {
		delNetns(name)
		s.slots.mu.Lock()
		s.slots.used[i] = false
		s.slots.mu.Unlock()
	}
}

// addNetns creates namespace name with lo up and eth0 at addr on the
// bridge.
func addNetns(t testing.TB, name, addr string) {
	t.Helper()
	host := "v" + name
	if len(host) > 15 {
		t.Fatalf("namespace name %s is too long for a veth name", name)
	}
	delNetns(name)
	Must(t, "ip", "netns", "add", name)
	Must(t, "ip", "link", "add", host, "type", "veth", "peer", "name", "eth0", "address", macOf(t, addr), "netns", name)
	Must(t, "ip", "link", "set", host, "master", bridge, "up")
	Must(t, "ip", "-n", name, "link", "set", "lo", "up")
	Must(t, "ip", "-n", name, "addr", "add", addr+"/24", "dev", "eth0")
	Must(t, "ip", "-n", name, "link", "set", "eth0", "up")
}

// macOf is the fixed MAC address of eth0 at addr: 02:00 and the IPv4
// address. A slot's namespace is created again for every ensemble; with a
// random MAC each time, peers that cached the old one (the client's
// namespace, whose neighbour entry stays REACHABLE for up to 45 s) send
// to a MAC that is gone, and a client's connect gets no answer: seen as
// "client state NotConnected" (issue 18). One address, one MAC.
func macOf(t testing.TB, addr string) string {
	t.Helper()
	ip := net.ParseIP(addr).To4()
	if ip == nil {
		t.Fatalf("%s is not an IPv4 address", addr)
	}
	return fmt.Sprintf("02:00:%02x:%02x:%02x:%02x", ip[0], ip[1], ip[2], ip[3])
}

// delNetns deletes a namespace and its veth pair, if they exist.
// Deleting the host end removes the pair at once; the kernel tears the
// namespace down a little later.
func delNetns(name string) {
	_, _, _ = Run(10*time.Second, nil, nil, "ip", "link", "del", "v"+name)
	_, _, _ = Run(10*time.Second, nil, nil, "ip", "netns", "del", name)
}
