//go:build e2e

package migrate

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/harness"
)

// chartLayout is how the Bitnami chart runs a member, read from the real
// chart's rendering: who the process is, where the claim is mounted, and
// where ZooKeeper's dataDir is on it.
type chartLayout struct {
	UID, GID, FSGroup   int64
	FSGroupChangePolicy corev1.PodFSGroupChangePolicy
	Mount               string // the data claim's mount path
	DataDir             string // ZooKeeper's dataDir
	Claim               string // the claim template's name
	StatefulSet         string
}

// readChartLayout renders the vendored chart with the side-by-side
// suite's production values (3 members here) and reads the layout.
func readChartLayout(t *testing.T, root string) chartLayout {
	t.Helper()
	helm := harness.Tool(t, "ZKFN_HELM", "e2e-bitnami-migration")
	out, err := exec.Command(helm, "template", "zk", filepath.Join(root, "testdata", "bitnami", "zookeeper-13.8.x"),
		"--namespace", "kafka", "--kube-version", "v1.37.2",
		"-f", filepath.Join(root, "e2e", "bitnami", "testdata", "values.yaml"), "--set", "replicaCount=3").CombinedOutput()
	if err != nil {
		t.Fatalf("helm template: %v\n%s", err, out)
	}
	var sts appsv1.StatefulSet
	var setup string
	for _, doc := range harness.SplitDocs(out) {
		switch {
		case strings.Contains(doc, "\nkind: StatefulSet\n"):
			must(t, yaml.Unmarshal([]byte(doc), &sts))
		case strings.Contains(doc, "\nkind: ConfigMap\n") && strings.Contains(doc, "setup.sh"):
			var cm corev1.ConfigMap
			must(t, yaml.Unmarshal([]byte(doc), &cm))
			setup = cm.Data["setup.sh"]
		}
	}
	pod := sts.Spec.Template.Spec
	c := pod.Containers[0]
	l := chartLayout{UID: *c.SecurityContext.RunAsUser, GID: *c.SecurityContext.RunAsGroup,
		FSGroup: *pod.SecurityContext.FSGroup, FSGroupChangePolicy: *pod.SecurityContext.FSGroupChangePolicy,
		Claim: sts.Spec.VolumeClaimTemplates[0].Name, StatefulSet: sts.Name}
	for _, m := range c.VolumeMounts {
		if m.Name == l.Claim {
			l.Mount = m.MountPath
		}
	}
	// setup.sh reads the member id from <dataDir>/myid.
	m := regexp.MustCompile(`"(/[^"$]*)/myid"`).FindStringSubmatch(setup)
	if m == nil || l.Mount == "" {
		t.Fatalf("cannot read the chart's data mount (%q) or dataDir from setup.sh:\n%s", l.Mount, setup)
	}
	l.DataDir = m[1]
	return l
}

// guideJob is the migration Job exactly as docs/migrating-from-bitnami.md
// gives it: the one YAML block of kind Job.
func guideJob(t *testing.T, root string) batchv1.Job {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "docs", "migrating-from-bitnami.md"))
	must(t, err)
	var found []batchv1.Job
	for _, block := range regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(b), -1) {
		text := dedent(block[1])
		if !strings.Contains(text, "\nkind: Job\n") {
			continue
		}
		var j batchv1.Job
		if err := yaml.UnmarshalStrict([]byte(text), &j); err != nil {
			t.Fatalf("the guide's Job does not decode strictly: %v", err)
		}
		found = append(found, j)
	}
	if len(found) != 1 || len(found[0].Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("the guide should hold one Job with one container; found %d Jobs", len(found))
	}
	return found[0]
}

// dedent removes the indentation of a code block inside a list item.
func dedent(s string) string {
	lines := strings.Split(s, "\n")
	indent := len(lines[0]) - len(strings.TrimLeft(lines[0], " "))
	for i, l := range lines {
		if len(l) >= indent {
			lines[i] = l[indent:]
		}
	}
	return strings.Join(lines, "\n")
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
