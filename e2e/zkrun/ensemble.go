//go:build e2e

package zkrun

import (
	"crypto/tls"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Options are the choices of NewEnsemble; the zero value is fine.
type Options struct {
	// Name is the ensemble's directory under the sandbox's Dir; default
	// the StatefulSet's name. Two ensembles alive at once need two names.
	Name string
	// ClusterDomain of the pods' DNS names; default cluster.local.
	ClusterDomain string
	// Claims is where the volumes of persistentVolumeClaim pod volumes
	// (not claim templates) live, one directory per claim, shared by the
	// ensembles that name it (a backup target); default <Dir>/claims.
	Claims string
	// Secrets are the Secrets the pods' secretKeyRef env vars read:
	// name -> key -> value.
	Secrets map[string]map[string]string
	// Tokens issues the tokens of projected serviceAccountToken volumes,
	// as the kubelet's TokenRequest: a JWT for the pod, audience and
	// lifetime.
	Tokens func(pod, audience string, expirationSeconds int64) string
}

// Ensemble is one rendered ensemble running in the sandbox: one Member a
// pod, each in its own network namespace.
type Ensemble struct {
	R *Rendered
	// Dir holds the ensemble's files: ConfigMaps, volumes, logs.
	Dir string
	// Port is the client port (from zoo.cfg).
	Port    int
	Members []*Member
	// ClientJVMFlags are added to every Java client run (TLS settings,
	// -Djute.maxbuffer, ...).
	ClientJVMFlags []string
	// FourLetterTLS, when set, makes four-letter words (Mode, Formed)
	// use TLS on Port: for ensembles whose plaintext client port is closed.
	FourLetterTLS *tls.Config

	sb         *Sandbox
	opts       Options
	hosts      string            // the pods' DNS, as a hosts file
	cmDirs     map[string]string // ConfigMap volume name -> its files
	revision   int               // how many renderings were applied
	dns        []*Ensemble       // ensembles whose pods resolve each other (ShareDNS)
	clientLog  string
	clientRuns int
	destroyed  bool
}

// Debian's ZooKeeper lacks the Prometheus metrics provider the function
// renders: zkrun appends one later zoo.cfg line that names the built-in
// provider (the last value of a key wins). Nothing else is ever added.
const (
	prometheusProvider = "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider"
	metricsOverride    = "metricsProvider.className=org.apache.zookeeper.metrics.impl.DefaultMetricsProvider\n"
)

// NewEnsemble lays out r's ConfigMaps, the pods' DNS and one network
// namespace per member; it starts nothing. When the test ends the
// ensemble is destroyed, after printing diagnostics if the test failed.
func (s *Sandbox) NewEnsemble(t *testing.T, r *Rendered, o Options) *Ensemble {
	t.Helper()
	if o.Name == "" {
		o.Name = r.StatefulSet.Name
	}
	if o.ClusterDomain == "" {
		o.ClusterDomain = "cluster.local"
	}
	if o.Claims == "" {
		o.Claims = filepath.Join(s.Dir, "claims")
	}
	e := &Ensemble{R: r, Dir: filepath.Join(s.Dir, o.Name), sb: s, opts: o, cmDirs: map[string]string{}}
	if err := os.Mkdir(e.Dir, 0o755); err != nil {
		t.Fatalf("ensemble %s: %v (two ensembles alive at once need two Options.Name)", o.Name, err)
	}
	e.clientLog = filepath.Join(e.Dir, "client.log")
	e.hosts = filepath.Join(e.Dir, "hosts")
	t.Cleanup(func() {
		if t.Failed() {
			e.Diagnose(t)
		}
		e.Destroy()
	})
	e.apply(t, r)
	return e
}

// Apply is `kubectl apply` of a new rendering of the same StatefulSet:
// from now on members start from r (its ConfigMaps, commands,
// environment and probes); running containers keep what they started
// with; members are added up to r's replicas, and none is removed when
// it shrinks (stopping them is the test's part of the controller; their
// volumes stay, as claims do).
func (e *Ensemble) Apply(t *testing.T, r *Rendered) {
	t.Helper()
	old, sts := e.R.StatefulSet, r.StatefulSet
	if sts.Name != old.Name || sts.Namespace != old.Namespace || sts.Spec.ServiceName != old.Spec.ServiceName {
		t.Fatalf("Apply: %s/%s (service %s) is not the StatefulSet %s/%s (service %s) of this ensemble",
			sts.Namespace, sts.Name, sts.Spec.ServiceName, old.Namespace, old.Name, old.Spec.ServiceName)
	}
	e.apply(t, r)
}

// apply makes r the ensemble's rendering: its ConfigMaps' files, the
// client port, and a member (network namespace, DNS name) per replica.
func (e *Ensemble) apply(t *testing.T, r *Rendered) {
	t.Helper()
	port, err := r.ZooCfg.ClientPort()
	must0(t, err)
	e.R, e.Port = r, port
	e.revision++
	e.writeConfigMaps(t)
	for i := len(e.Members); i < r.Replicas(); i++ {
		m := &Member{e: e, Ord: i, Pod: fmt.Sprintf("%s-%d", r.StatefulSet.Name, i), FQDN: r.PodDNSName(i, e.opts.ClusterDomain),
			volumes: map[string]string{}, procs: map[string]*Proc{}}
		m.netns, m.IP, m.release = e.sb.MemberNetns(t)
		e.Members = append(e.Members, m)
	}
	e.writeHosts(t)
}

// writeHosts writes the pods' DNS: this ensemble's members and those of
// the ensembles it shares DNS with.
func (e *Ensemble) writeHosts(t testing.TB) {
	t.Helper()
	var hosts strings.Builder
	hosts.WriteString("127.0.0.1 localhost\n")
	for _, x := range append([]*Ensemble{e}, e.dns...) {
		for _, m := range x.Members {
			fmt.Fprintf(&hosts, "%s %s %s\n", m.IP, m.FQDN, m.Pod)
		}
	}
	writeFile(t, e.hosts, hosts.String(), 0o644)
}

// writeConfigMaps writes every ConfigMap volume's keys as files of this
// revision; zoo.cfg exactly as rendered plus, when needed, the metrics
// override.
func (e *Ensemble) writeConfigMaps(t *testing.T) {
	t.Helper()
	for _, v := range e.R.StatefulSet.Spec.Template.Spec.Volumes {
		if v.ConfigMap == nil {
			continue
		}
		cm, ok := e.R.ConfigMaps[v.ConfigMap.Name]
		if !ok {
			t.Fatalf("volume %s: ConfigMap %s is not in the output", v.Name, v.ConfigMap.Name)
		}
		data := map[string]string{}
		for k, val := range cm.Data {
			if strings.HasSuffix(k, ".cfg") && strings.Contains(val, prometheusProvider) { // zoo.cfg, an observers' zoo-observer.cfg
				val = strings.TrimSuffix(val, "\n") + "\n" + metricsOverride
			}
			data[k] = val
		}
		dir := filepath.Join(e.Dir, "configmap", fmt.Sprint(e.revision), v.Name)
		writeVolumeFiles(t, dir, data, v.ConfigMap.DefaultMode)
		e.cmDirs[v.Name] = dir
	}
}

// writeVolumeFiles writes a ConfigMap's or Secret's keys as files in dir,
// with the volume's defaultMode (0644 when unset), as the kubelet does.
func writeVolumeFiles(t testing.TB, dir string, data map[string]string, defaultMode *int32) {
	t.Helper()
	mode := os.FileMode(0o644)
	if defaultMode != nil {
		mode = os.FileMode(*defaultMode)
	}
	must0(t, os.MkdirAll(dir, 0o755))
	for k, val := range data {
		writeFile(t, filepath.Join(dir, k), val, mode)
	}
}

// Destroy kills every container of the ensemble and deletes its network
// namespaces; the volumes stay. It is safe to call more than once.
func (e *Ensemble) Destroy() {
	if e.destroyed {
		return
	}
	e.destroyed = true
	for _, m := range e.Members {
		for _, p := range m.procs {
			p.Kill()
		}
		if m.release != nil {
			m.release()
		}
	}
}

// Running are the members whose server runs.
func (e *Ensemble) Running() []*Member {
	var r []*Member
	for _, m := range e.Members {
		if m.Running() {
			r = append(r, m)
		}
	}
	return r
}

// Connect is a client connect string over every member, by DNS name.
func (e *Ensemble) Connect() string { return e.ConnectTo(e.Members...) }

// ConnectTo is a client connect string over the given members.
func (e *Ensemble) ConnectTo(ms ...*Member) string {
	s := make([]string, 0, len(ms))
	for _, m := range ms {
		s = append(s, fmt.Sprintf("%s:%d", m.FQDN, e.Port))
	}
	return strings.Join(s, ",")
}

// DeleteVolumes removes every member's claim-template and emptyDir
// volumes, as deleting the StatefulSet and its claims would; the shared
// claims (Options.Claims) stay. Call it after Destroy.
func (e *Ensemble) DeleteVolumes(t testing.TB) {
	t.Helper()
	for _, d := range []string{"pv", "emptydir"} {
		must0(t, os.RemoveAll(filepath.Join(e.Dir, d)))
	}
	for _, m := range e.Members {
		m.volumes = map[string]string{}
	}
}
