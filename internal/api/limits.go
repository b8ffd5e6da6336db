package api

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/zookeeper-fn/zookeeper-fn/internal/membership"
)

// Limits on hostile input. A real spec is a few KiB with short values; the
// bounds keep a runaway or malicious spec from producing objects the API
// server refuses (ConfigMaps over 1 MiB) or the function choking on it.
const (
	// MaxSpecBytes bounds a spec's JSON form.
	MaxSpecBytes = 256 << 10
	// MaxStringBytes bounds every string under spec.
	MaxStringBytes = 4096
)

// maxMemory bounds memory requests, limits and the heap: far above what a
// ZooKeeper member can use, and low enough that heap arithmetic cannot
// overflow.
var maxMemory = resource.MustParse("1Ti")

// checkHostile holds the checks that keep legal-looking but broken or
// unsafe values out of the rendered objects.
func (z *ZookeeperSpec) checkHostile(ps *Problems, m membership.Membership, ok bool) {
	s := &z.Spec
	if ok {
		checkHostnameLength(ps, m)
	}
	s.checkMemoryBounds(ps)
	s.checkSecrets(ps)
	s.Placement.checkNodeRules(ps)
	for i, p := range s.NetworkPolicy.Clients {
		checkPeer(ps, fmt.Sprintf("spec.networkPolicy.clients[%d]", i), p)
	}
	for i, p := range s.NetworkPolicy.Scrapers {
		checkPeer(ps, fmt.Sprintf("spec.networkPolicy.scrapers[%d]", i), p)
	}
}

// checkHostnameLength: the longest member hostname must be a DNS name (at
// most 253 characters) or the members cannot resolve it.
func checkHostnameLength(ps *Problems, m membership.Membership) {
	host := ""
	for _, x := range m.Members {
		if len(x.Host) >= len(host) { // the last of equals: the highest ordinal
			host = x.Host
		}
	}
	if len(host) > validation.DNS1123SubdomainMaxLength {
		ps.errorf("spec.clusterDomain", "makes the members' hostnames %d characters long (%s); DNS names have at most %d: use a shorter cluster domain, name or namespace", len(host), clip(host), validation.DNS1123SubdomainMaxLength)
	}
}

func (s *Spec) checkMemoryBounds(ps *Problems) {
	for _, kind := range []struct {
		name string
		list corev1.ResourceList
	}{{"requests", s.Resources.Requests}, {"limits", s.Resources.Limits}} {
		if q, ok := kind.list[corev1.ResourceMemory]; ok && q.Cmp(maxMemory) > 0 {
			ps.errorf("spec.resources."+kind.name+".memory", "%s is more than a ZooKeeper member can use (at most %s); ZooKeeper keeps its data in memory, but a few GiB serve large ensembles: use e.g. 4Gi", q.String(), maxMemory.String())
		}
	}
	if h := s.JVM.Heap; h != nil && h.Cmp(maxMemory) > 0 {
		ps.errorf("spec.jvm.heap", "%s is more than a ZooKeeper member can use (at most %s): use e.g. 3Gi or remove it to size the heap from the memory limit", h.String(), maxMemory.String())
	}
}

// checkSecrets keeps passwords out of the JVM flags, which end up in the
// pod spec that anyone who can read the namespace can read. zoo.cfg needs
// no such check: the property model accepts no password key (TLS and
// authentication keys are refused until issue 15).
func (s *Spec) checkSecrets(ps *Problems) {
	for i, f := range s.JVM.Flags {
		if strings.Contains(strings.ToLower(f), "password=") {
			ps.errorf(fmt.Sprintf("spec.jvm.flags[%d]", i), "sets a password on the command line, which ends up in the pod spec and the process list: use a password file mounted from a Secret instead")
		}
	}
}

// checkNodeRules catches node selectors and tolerations the API server
// would refuse after the function already rendered them.
func (p *Placement) checkNodeRules(ps *Problems) {
	for k, v := range p.NodeSelector {
		path := fmt.Sprintf("spec.placement.nodeSelector[%s]", clip(k))
		if errs := validation.IsQualifiedName(k); len(errs) > 0 {
			ps.errorf(path, "%q is not a label key (%s); use a node label key such as disktype or example.com/disk", clip(k), errs[0])
		}
		if errs := validation.IsValidLabelValue(v); len(errs) > 0 {
			ps.errorf(path, "%q is not a label value (%s); use at most 63 letters, digits, '-', '_' or '.'", clip(v), errs[0])
		}
	}
	for i, t := range p.Tolerations {
		checkToleration(ps, fmt.Sprintf("spec.placement.tolerations[%d]", i), t)
	}
}

func checkToleration(ps *Problems, path string, t corev1.Toleration) {
	switch t.Operator {
	case "", corev1.TolerationOpEqual:
		if t.Key == "" {
			ps.errorf(path+".operator", "must be Exists when the key is empty (a toleration of every taint); set a key or operator: Exists")
		}
	case corev1.TolerationOpExists:
		if t.Value != "" {
			ps.errorf(path+".value", "%q must be empty with operator Exists, which matches any value; remove it or use operator: Equal", clip(t.Value))
		}
	default:
		ps.errorf(path+".operator", "%q is not an operator; use Equal or Exists", clip(string(t.Operator)))
	}
	if t.Key != "" {
		if errs := validation.IsQualifiedName(t.Key); len(errs) > 0 {
			ps.errorf(path+".key", "%q is not a taint key (%s); use the key of the node's taint, e.g. dedicated", clip(t.Key), errs[0])
		}
	}
	switch t.Effect {
	case "", corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute:
	default:
		ps.errorf(path+".effect", "%q is not a taint effect; use NoSchedule, PreferNoSchedule or NoExecute (or leave it empty for all)", clip(string(t.Effect)))
	}
	if t.TolerationSeconds != nil && t.Effect != corev1.TaintEffectNoExecute {
		ps.errorf(path+".tolerationSeconds", "only applies to effect NoExecute; remove it or set effect: NoExecute")
	}
}

// checkPeer checks one NetworkPolicy peer the way the API server does.
func checkPeer(ps *Problems, path string, p networkingv1.NetworkPolicyPeer) {
	if p.PodSelector == nil && p.NamespaceSelector == nil && p.IPBlock == nil {
		ps.errorf(path, "selects nothing; set podSelector, namespaceSelector or ipBlock")
		return
	}
	if p.IPBlock != nil {
		if p.PodSelector != nil || p.NamespaceSelector != nil {
			ps.errorf(path+".ipBlock", "cannot be combined with podSelector or namespaceSelector; make it a peer of its own")
		}
		_, cidr, err := net.ParseCIDR(p.IPBlock.CIDR)
		if err != nil {
			ps.errorf(path+".ipBlock.cidr", "%q is not a CIDR; use e.g. 10.0.0.0/8", clip(p.IPBlock.CIDR))
		}
		for j, e := range p.IPBlock.Except {
			_, ex, err := net.ParseCIDR(e)
			if err != nil || (cidr != nil && !cidr.Contains(ex.IP)) {
				ps.errorf(fmt.Sprintf("%s.ipBlock.except[%d]", path, j), "%q is not a CIDR inside %q", clip(e), clip(p.IPBlock.CIDR))
			}
		}
	}
	for _, sel := range []struct {
		name string
		s    *metav1.LabelSelector
	}{{"podSelector", p.PodSelector}, {"namespaceSelector", p.NamespaceSelector}} {
		if sel.s == nil {
			continue
		}
		if _, err := metav1.LabelSelectorAsSelector(sel.s); err != nil {
			ps.errorf(path+"."+sel.name, "is not a valid label selector (%s); use matchLabels with label keys and values", clip(err.Error()))
		}
	}
}

// clip shortens a user-supplied value for a message.
func clip(s string) string { return Clip(s) }

// Clip shortens a user-supplied value for a message to at most 64 bytes,
// on a rune boundary, and says how long it was: a hostile megabyte-long
// value must not become a megabyte-long error.
func Clip(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s... (%d bytes)", s[:cut], len(s))
}

// clipValue prints a decoded JSON value for a message, shortened.
func clipValue(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%T", v)
	}
	return clip(string(b))
}
