//go:build e2e

package tls

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
	kube "github.com/zookeeper-fn/zookeeper-fn/e2e/kubernetes"
)

// certManagerCRDs are the CustomResourceDefinitions of the cert-manager
// release the project pins (CERT_MANAGER_VERSION in mk/tls.mk), from the
// module zip the Go module proxy serves: deploy/crds/*.yaml. They are the
// Helm chart's templates; the only template parts outside comments are
// label values, which are dropped here.
func certManagerCRDs(t *testing.T) []byte {
	t.Helper()
	version := os.Getenv("CERT_MANAGER_VERSION")
	if version == "" {
		t.Fatal("$CERT_MANAGER_VERSION is not set: run the suite through `make e2e-tls`")
	}
	cmd := exec.Command("go", "mod", "download", "-json", "github.com/cert-manager/cert-manager@"+version)
	cmd.Dir = t.TempDir() // outside the repository's module: nothing is added to go.mod
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go mod download cert-manager %s: %v\n%s", version, err, out)
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go mod download printed no Dir: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(mod.Dir, "deploy", "crds", "crd-*.yaml"))
	sort.Strings(files)
	if len(files) < 6 {
		t.Fatalf("%s/deploy/crds holds %d CRD files, want the 6 of cert-manager", mod.Dir, len(files))
	}
	var docs []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var keep []string
		for _, l := range strings.Split(string(b), "\n") {
			if strings.Contains(l, "{{") && !strings.HasPrefix(strings.TrimSpace(l), "#") {
				continue
			}
			keep = append(keep, l)
		}
		docs = append(docs, strings.Join(keep, "\n"))
	}
	return []byte(strings.Join(docs, "\n---\n"))
}

// TestSecuredExampleOnControlPlane applies examples/secured, strict and
// server-side, on a real control plane with cert-manager's CRDs: the
// Certificate and Issuers pass the CRDs' schemas, and the members' pods
// pass Pod Security "restricted" with the TLS and digest Secret volumes
// and the in-memory key-store volume.
func TestSecuredExampleOnControlPlane(t *testing.T) {
	crds := certManagerCRDs(t)
	c := kube.StartCluster(t, kube.Options{Nodes: []kube.Node{{Name: "n1", Zone: "zone-a"}, {Name: "n2", Zone: "zone-b"}, {Name: "n3", Zone: "zone-c"}}})
	kube.StartProvisioner(c) // the default StorageClass binds the members' claims
	if stderr, err := c.Apply(crds, false); err != nil {
		t.Fatalf("apply cert-manager CRDs: %v\n%s", err, stderr)
	}
	if _, stderr, err := c.Kubectl(nil, "wait", "--for=condition=Established", "--timeout=60s",
		"crd/certificates.cert-manager.io", "crd/issuers.cert-manager.io", "crd/clusterissuers.cert-manager.io"); err != nil {
		t.Fatalf("cert-manager CRDs not established: %v\n%s", err, stderr)
	}
	m := kube.ParseManifests(t, harness.Build(t, filepath.Join(harness.Root(t), "examples", "secured")))
	e := kube.NewEnsemble(t, c, m)
	e.Apply()
	e.WaitReady(3)
	var cert struct {
		Spec struct {
			DNSNames   []string `json:"dnsNames"`
			SecretName string   `json:"secretName"`
		} `json:"spec"`
	}
	if err := c.API.Get("/apis/cert-manager.io/v1/namespaces/"+e.NS+"/certificates/zk-tls", &cert); err != nil {
		t.Fatalf("the rendered Certificate is not stored: %v", err)
	}
	checkStoredSecretVolumes(t, c, e.NS, e.STS.Name)
	for _, p := range e.Pods() {
		want := p.Name + "." + e.STS.Spec.ServiceName + "." + e.NS + ".svc.cluster.local"
		if !contains(cert.Spec.DNSNames, want) {
			t.Errorf("stored Certificate dnsNames %v lack pod %s's name %s", cert.Spec.DNSNames, p.Name, want)
		}
	}
}

// checkStoredSecretVolumes: the StatefulSet the API server stored (after
// strict server-side apply) mounts every security Secret and keeps the
// derived files in memory.
func checkStoredSecretVolumes(t *testing.T, c *kube.Cluster, ns, name string) {
	t.Helper()
	var sts appsv1.StatefulSet
	if err := c.API.Get("/apis/apps/v1/namespaces/"+ns+"/statefulsets/"+name, &sts); err != nil {
		t.Fatalf("the StatefulSet is not stored: %v", err)
	}
	got := map[string]string{}
	for _, v := range sts.Spec.Template.Spec.Volumes {
		switch {
		case v.Secret != nil:
			got[v.Name] = v.Secret.SecretName
		case v.EmptyDir != nil:
			got[v.Name] = string(v.EmptyDir.Medium)
		}
	}
	for vol, want := range map[string]string{"tls": "zk-tls", "digest": "zk-users", "quorum-sasl": "zk-quorum", "secure": "Memory"} {
		if got[vol] != want {
			t.Errorf("stored StatefulSet: volume %s is %q, want %q (volumes %v)", vol, got[vol], want, got)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
