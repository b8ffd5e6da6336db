//go:build e2e

package migrate

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// asChart is the function's rendering changed into the chart's layout:
// the chart's user, the claim mounted where the chart mounts it, and
// dataDir where the Bitnami image puts it. start.sh then writes myid as
// the chart's setup.sh does (ordinal + 1, the chart's minServerId 1).
// The fsGroup step is left to applyFSGroup.
func asChart(t *testing.T, out string, l chartLayout) *zkrun.Rendered {
	t.Helper()
	r := zkrun.Parse(t, []byte(out))
	pod := &r.StatefulSet.Spec.Template.Spec
	pod.SecurityContext.RunAsUser, pod.SecurityContext.RunAsGroup = &l.UID, &l.GID
	pod.SecurityContext.FSGroup = nil
	c := &pod.Containers[0]
	// The stand-in zkServer.sh names its log after $USER or `id -un`;
	// uid 1001 has no name on this machine (the Bitnami image has one).
	c.Env = append(c.Env, corev1.EnvVar{Name: "USER", Value: "zookeeper"})
	for i := range c.VolumeMounts {
		if c.VolumeMounts[i].Name == l.Claim {
			c.VolumeMounts[i].MountPath = l.Mount
		}
	}
	name := r.StatefulSet.Name + "-config"
	cm := r.ConfigMaps[name]
	cfg := regexp.MustCompile(`(?m)^dataDir=.*$`).ReplaceAllString(cm.Data["zoo.cfg"], "dataDir="+l.DataDir)
	if cfg == cm.Data["zoo.cfg"] {
		t.Fatalf("the rendered zoo.cfg has no dataDir line")
	}
	cm.Data["zoo.cfg"] = cfg
	r.ConfigMaps[name] = cm
	return r
}

// asJob is a pod that runs the guide's Job container with the Job pod's
// user, on member i's claim (the guide's per-member Jobs differ only in
// the claim name).
func asJob(t *testing.T, out string, job batchv1.Job) *zkrun.Rendered {
	t.Helper()
	r := zkrun.Parse(t, []byte(out))
	js := job.Spec.Template.Spec
	pod := &r.StatefulSet.Spec.Template.Spec
	pod.SecurityContext = &corev1.PodSecurityContext{RunAsUser: js.SecurityContext.RunAsUser, RunAsGroup: js.SecurityContext.RunAsGroup}
	c := js.Containers[0]
	for _, v := range js.Volumes {
		claim := r.StatefulSet.Spec.VolumeClaimTemplates[0].Name
		if v.PersistentVolumeClaim == nil || v.PersistentVolumeClaim.ClaimName != fmt.Sprintf("%s-%s-0", claim, r.StatefulSet.Name) {
			t.Fatalf("the guide's Job volume %s is not member 0's claim", v.Name)
		}
		if v.Name != claim {
			t.Fatalf("the guide's Job names its volume %s; zkrun maps the claim template %s", v.Name, claim)
		}
	}
	if c.Name != jobContainer {
		t.Fatalf("the guide's Job container is %s, want %s", c.Name, jobContainer)
	}
	pod.InitContainers = []corev1.Container{c}
	return r
}

// checkChartLayout: the chart's volumes hold data/myid and
// data/version-2 with snapshots and logs, owned by the chart's user.
func checkChartLayout(t *testing.T, s sandbox, e *zkrun.Ensemble, l chartLayout) {
	t.Helper()
	for _, m := range e.Members {
		data := chartDataDir(s, m, l)
		if id := readTrim(t, filepath.Join(data, "myid")); id != fmt.Sprint(m.Ord+1) {
			t.Fatalf("%s: %s/myid is %q, want %d", m.Pod, data, id, m.Ord+1)
		}
		v2 := filepath.Join(data, "version-2")
		mustSnapshotsAndLogs(t, v2)
		fi, err := os.Stat(v2)
		must(t, err)
		if uid := fi.Sys().(*syscall.Stat_t).Uid; int64(uid) != l.UID {
			t.Fatalf("%s: version-2 is owned by %d, want the chart's %d", m.Pod, uid, l.UID)
		}
		if _, err := os.Stat(filepath.Join(claimDir(s.claims, l.Claim, m), "myid")); !os.IsNotExist(err) {
			t.Fatalf("%s: a myid at the volume root before the migration", m.Pod)
		}
	}
	t.Logf("chart layout on every volume: %s/{myid,version-2}, owner %d", strings.TrimPrefix(l.DataDir, l.Mount+"/"), l.UID)
}

// chartDataDir is the chart's dataDir on member m's volume.
func chartDataDir(s sandbox, m *zkrun.Member, l chartLayout) string {
	return filepath.Join(claimDir(s.claims, l.Claim, m), strings.TrimPrefix(l.DataDir, l.Mount))
}

// claimDir is member m's claim of template claim, <claim>-<pod> as the
// StatefulSet controller names it, in the claims directory.
func claimDir(claims, claim string, m *zkrun.Member) string {
	return filepath.Join(claims, claim+"-"+m.Pod)
}

func mustSnapshotsAndLogs(t *testing.T, v2 string) {
	t.Helper()
	snaps, logs := count(v2)
	if snaps < 2 || logs < 1 {
		t.Fatalf("%s holds %d snapshots and %d logs", v2, snaps, logs)
	}
}

func count(v2 string) (snaps, logs int) {
	ents, _ := os.ReadDir(v2)
	for _, e := range ents {
		switch {
		case strings.HasPrefix(e.Name(), "snapshot."):
			snaps++
		case strings.HasPrefix(e.Name(), "log."):
			logs++
		}
	}
	return snaps, logs
}

func emptyDirNames(r *zkrun.Rendered) []string {
	var out []string
	for _, v := range r.StatefulSet.Spec.Template.Spec.Volumes {
		if v.EmptyDir != nil {
			out = append(out, v.Name)
		}
	}
	return out
}

func readTrim(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	must(t, err)
	return strings.TrimSpace(string(b))
}
