//go:build e2e

package scaling

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// clientInput is what every test that writes while it scales carries
// into the sandbox besides its renderings: the Java client's source and
// the Secrets the pods mount (the dynamic-membership superuser's).
type clientInput struct {
	Java    string // ZkScale.java
	Secrets map[string]map[string]string
}

func newClientInput(t *testing.T) clientInput {
	java, err := os.ReadFile(filepath.Join(harness.Root(t), "e2e", "scaling", "ZkScale.java"))
	must(t, err)
	return clientInput{Java: string(java), Secrets: map[string]map[string]string{"zk-superuser": {"password": "e2e-superuser-password"}}}
}

// renderReplicas renders testdata/<spec> with n replicas (the specs say
// replicas: 1).
func renderReplicas(t *testing.T, spec string, n int) string {
	src, err := os.ReadFile(filepath.Join(harness.Root(t), "e2e", "scaling", "testdata", spec))
	must(t, err)
	f := filepath.Join(t.TempDir(), fmt.Sprintf("spec-%d.yaml", n))
	must(t, os.WriteFile(f, []byte(strings.Replace(string(src), "replicas: 1", fmt.Sprintf("replicas: %d", n), 1)), 0o644))
	return string(harness.Render(t, f))
}

// startEnsemble, inside the sandbox, compiles the client, creates the
// ensemble of first under the reproduced StatefulSet controller, waits
// until it is Ready, and writes /pre for 5 s: the cluster, the client's
// classpath and the acknowledged writes (path -> names) every later step
// must keep.
func startEnsemble(t *testing.T, sb *zkrun.Sandbox, in clientInput, first *zkrun.Rendered, what string) (*cluster, string, map[string][]string) {
	dir := filepath.Join(sb.Dir, "scaling")
	must(t, os.Mkdir(dir, 0o755))
	cp := compileClient(t, dir, in.Java)
	c := newCluster(t, sb, dir, first, in.Secrets)
	c.apply(first)
	c.wg.Add(1)
	go c.controllerLoop()
	if !waitSettled(c, 5*time.Minute) {
		dump(t, c)
		t.Fatalf("the %s ensemble never became Ready", what)
	}
	acked := map[string][]string{}
	w, err := startWriter(cp, dir, "/pre")
	must(t, err)
	time.Sleep(5 * time.Second)
	acked["/pre"] = w.end()
	return c, cp, acked
}
