//go:build e2e

package kubernetes

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const (
	serviceCIDR = "10.96.0.0/16"
	serviceIP   = "10.96.0.1"
	// noNamespace is the kubeconfig's default namespace. It never exists,
	// so an object that reaches kubectl without metadata.namespace is
	// rejected instead of landing in "default".
	noNamespace = "zkfn-e2e-object-without-namespace"
	// kwokAnnotation marks the nodes kwok manages.
	kwokAnnotation = "kwok.x-k8s.io/node"
)

// Node is a fake node that kwok runs: a hostname and a zone label.
type Node struct{ Name, Zone string }

// Options says what to start. With ControlPlaneOnly only etcd and the API
// server run (enough for admission and validation cases).
type Options struct {
	Nodes            []Node
	ControlPlaneOnly bool
}

// Cluster is a real control plane on loopback: etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler and kwok, all stopped when the
// test ends.
type Cluster struct {
	t          testing.TB
	Dir        string
	Bin        string
	Kubeconfig string
	API        *Client
	procs      []*process
}

// kubeBin is the directory hack/kubernetes/build.sh filled.
func kubeBin(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("ZKFN_KUBE_BIN")
	if dir == "" {
		t.Fatal("$ZKFN_KUBE_BIN is not set: run the suite through `make e2e-kubernetes` " +
			"(or set it to the directory hack/kubernetes/build.sh prints)")
	}
	for _, tool := range []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl", "kwok"} {
		if fi, err := os.Stat(filepath.Join(dir, tool)); err != nil || fi.Mode()&0o111 == 0 {
			t.Fatalf("%s/%s is missing or not executable: run hack/kubernetes/build.sh", dir, tool)
		}
	}
	return dir
}

// StartCluster starts a control plane and, unless ControlPlaneOnly, the
// controllers, the scheduler, kwok and the given nodes, and waits until
// the nodes are Ready and schedulable. Every wait is bounded.
func StartCluster(t testing.TB, opts Options) *Cluster {
	t.Helper()
	start := time.Now()
	c := &Cluster{t: t, Dir: t.TempDir(), Bin: kubeBin(t)}
	p := newPKI(t, c.Dir)
	ports := freePorts(t, 4)
	etcdClient, etcdPeer, apiPort, kwokPort := ports[0], ports[1], ports[2], ports[3]

	etcdURL := fmt.Sprintf("http://127.0.0.1:%d", etcdClient)
	peerURL := fmt.Sprintf("http://127.0.0.1:%d", etcdPeer)
	c.run("etcd", "etcd",
		"--name=zkfn-e2e", "--data-dir="+filepath.Join(c.Dir, "etcd"),
		"--listen-client-urls="+etcdURL, "--advertise-client-urls="+etcdURL,
		"--listen-peer-urls="+peerURL, "--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=zkfn-e2e="+peerURL, "--unsafe-no-fsync", "--log-level=warn")
	c.Eventually(30*time.Second, "etcd is healthy", func() (bool, string) {
		resp, err := http.Get(etcdURL + "/health")
		if err != nil {
			return false, err.Error()
		}
		defer resp.Body.Close()
		return resp.StatusCode == http.StatusOK, resp.Status
	})

	server := fmt.Sprintf("https://127.0.0.1:%d", apiPort)
	c.run("kube-apiserver", "kube-apiserver",
		"--etcd-servers="+etcdURL,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", fmt.Sprintf("--secure-port=%d", apiPort),
		"--tls-cert-file="+p.ServingCert, "--tls-private-key-file="+p.ServingKey,
		"--client-ca-file="+p.CACert,
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file="+p.SAPub, "--service-account-signing-key-file="+p.SAKey,
		"--service-cluster-ip-range="+serviceCIDR,
		"--authorization-mode=RBAC",
		"--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,PodSecurity,Priority,"+
			"DefaultTolerationSeconds,DefaultStorageClass,StorageObjectInUseProtection,PersistentVolumeClaimResize,"+
			"RuntimeClass,MutatingAdmissionWebhook,ValidatingAdmissionPolicy,ValidatingAdmissionWebhook,ResourceQuota",
		"--allow-privileged=false",
		"--endpoint-reconciler-type=none", // the advertise address is loopback, which Endpoints reject
		"--profiling=false",
		"--cert-dir="+filepath.Join(c.Dir, "apiserver-certs"))
	api, err := newClient(server, p)
	if err != nil {
		t.Fatal(err)
	}
	c.API = api
	c.Eventually(60*time.Second, "kube-apiserver is ready", func() (bool, string) {
		if err := c.API.Do(http.MethodGet, "/readyz", "", nil, nil); err != nil {
			return false, err.Error()
		}
		return true, ""
	})
	c.Kubeconfig = c.writeKubeconfig(server, p)

	if opts.ControlPlaneOnly {
		t.Logf("control plane ready in %s", time.Since(start).Round(time.Millisecond))
		return c
	}
	c.run("kube-controller-manager", "kube-controller-manager",
		"--kubeconfig="+c.Kubeconfig, "--leader-elect=false",
		"--bind-address=127.0.0.1", "--secure-port=0",
		"--root-ca-file="+p.CACert, "--service-account-private-key-file="+p.SAKey,
		"--cluster-name=zkfn-e2e", "--controllers=*",
		"--node-monitor-grace-period=40s")
	c.run("kube-scheduler", "kube-scheduler",
		"--kubeconfig="+c.Kubeconfig, "--leader-elect=false",
		"--bind-address=127.0.0.1", "--secure-port=0")
	stages := filepath.Join(c.Bin, "kwok-stages.yaml")
	if _, err := os.Stat(stages); err != nil {
		t.Fatalf("kwok stages %s: %v: run hack/kubernetes/build.sh", stages, err)
	}
	kwokHome := filepath.Join(c.Dir, "kwok-home") // keeps ~/.kwok out of it
	if err := os.MkdirAll(kwokHome, 0o700); err != nil {
		t.Fatal(err)
	}
	c.runEnv("kwok", "kwok", []string{"HOME=" + kwokHome},
		"--kubeconfig="+c.Kubeconfig, "--config="+stages,
		"--manage-all-nodes=false", "--manage-nodes-with-annotation-selector="+kwokAnnotation+"=fake",
		"--node-lease-duration-seconds=40",
		"--cidr=10.244.0.0/16", "--node-ip=10.0.0.1",
		fmt.Sprintf("--server-address=127.0.0.1:%d", kwokPort))
	for _, n := range opts.Nodes {
		c.AddNode(n)
	}
	c.WaitNodesSchedulable(opts.Nodes...)
	t.Logf("cluster with %d kwok nodes ready in %s", len(opts.Nodes), time.Since(start).Round(time.Millisecond))
	return c
}

func (c *Cluster) run(name, tool string, args ...string) { c.runEnv(name, tool, nil, args...) }

func (c *Cluster) runEnv(name, tool string, env []string, args ...string) {
	c.procs = append(c.procs, startProcess(c.t, c.Dir, name, filepath.Join(c.Bin, tool), args, env))
}

func (c *Cluster) writeKubeconfig(server string, p pki) string {
	path := filepath.Join(c.Dir, "admin.kubeconfig")
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: zkfn-e2e
  cluster: {server: %q, certificate-authority: %q}
users:
- name: admin
  user: {client-certificate: %q, client-key: %q}
contexts:
- name: zkfn-e2e
  context: {cluster: zkfn-e2e, user: admin, namespace: %s}
current-context: zkfn-e2e
`, server, p.CACert, p.AdminCert, p.AdminKey, noNamespace)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		c.t.Fatal(err)
	}
	return path
}

// Eventually polls cond every 200ms until it holds or timeout passes, and
// fails the test with cond's last message. A component that exits while
// waiting fails the test at once with its log.
func (c *Cluster) Eventually(timeout time.Duration, what string, cond func() (bool, string)) {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	last := ""
	for {
		for _, p := range c.procs {
			if p.exited() {
				c.t.Fatalf("waiting for %s: %s", what, p.describeExit())
			}
		}
		ok, msg := cond()
		if ok {
			return
		}
		last = msg
		if time.Now().After(deadline) {
			c.t.Fatalf("timed out after %s waiting for %s; last state: %s", timeout, what, last)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Kubectl runs kubectl against the cluster; stdin may be nil.
func (c *Cluster) Kubectl(stdin []byte, args ...string) (stdout, stderr string, err error) {
	cmd := exec.Command(filepath.Join(c.Bin, "kubectl"), append([]string{"--kubeconfig=" + c.Kubeconfig, "--request-timeout=60s"}, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+c.Dir, "KUBECACHEDIR="+filepath.Join(c.Dir, "kubectl-cache"))
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		return "", "", err
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		<-done
		err = fmt.Errorf("kubectl %s did not finish within 2 minutes", strings.Join(args, " "))
	}
	return o.String(), e.String(), err
}

// AddNode registers a fake node for kwok, labelled with its hostname and zone.
func (c *Cluster) AddNode(n Node) {
	c.t.Helper()
	res := corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse("8"),
		corev1.ResourceMemory: resource.MustParse("32Gi"),
		corev1.ResourcePods:   resource.MustParse("110"),
	}
	node := corev1.Node{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Node"},
		ObjectMeta: metav1.ObjectMeta{
			Name:        n.Name,
			Annotations: map[string]string{kwokAnnotation: "fake"},
			Labels: map[string]string{
				"kubernetes.io/hostname":      n.Name,
				"topology.kubernetes.io/zone": n.Zone,
				"kubernetes.io/os":            "linux",
				"kubernetes.io/arch":          "amd64",
				"type":                        "kwok",
			},
		},
		Status: corev1.NodeStatus{Capacity: res, Allocatable: res},
	}
	if err := c.API.Create("/api/v1/nodes", node, nil); err != nil {
		c.t.Fatalf("create node %s: %v", n.Name, err)
	}
}

// WaitNodesSchedulable waits until each node is Ready and carries no taint.
func (c *Cluster) WaitNodesSchedulable(nodes ...Node) {
	c.t.Helper()
	for _, n := range nodes {
		c.Eventually(60*time.Second, "node "+n.Name+" Ready without taints", func() (bool, string) {
			var node corev1.Node
			if err := c.API.Get("/api/v1/nodes/"+n.Name, &node); err != nil {
				return false, err.Error()
			}
			ready := false
			for _, cond := range node.Status.Conditions {
				if cond.Type == corev1.NodeReady && cond.Status == corev1.ConditionTrue {
					ready = true
				}
			}
			return ready && len(node.Spec.Taints) == 0 && !node.Spec.Unschedulable,
				fmt.Sprintf("ready=%v taints=%v unschedulable=%v", ready, node.Spec.Taints, node.Spec.Unschedulable)
		})
	}
}

// With returns the cluster bound to another test (a subtest), so that its
// waits fail that test from its own goroutine.
func (c *Cluster) With(t testing.TB) *Cluster {
	d := *c
	d.t = t
	return &d
}
