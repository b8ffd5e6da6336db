//go:build e2e

package zkrun

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// imageJars are what the official image's lib/ has and the rendered
// scripts load from it (reconfig.sh and membership.sh run ZooKeeper's
// own client and digest tool with -cp "$zk_home/lib/*"); slf4j-nop keeps
// those tools quiet, as the image's logback configuration does.
var imageJars = []string{"zookeeper.jar", "zookeeper-jute.jar", "commons-cli.jar", "slf4j-api.jar", "slf4j-nop.jar", "netty-all.jar"}

// layImage makes dir/image, the stand-in for the official image's
// ZooKeeper directory: bin/ is hack/zookeeper/bin from the copy in repo
// (the stand-in zkServer.sh), lib/ links Debian's jars.
func layImage(t testing.TB, dir, repo string) string {
	t.Helper()
	home := filepath.Join(dir, "image")
	must0(t, os.MkdirAll(filepath.Join(home, "lib"), 0o755))
	Must(t, "cp", "-a", filepath.Join(repo, "hack", "zookeeper", "bin"), filepath.Join(home, "bin"))
	for _, j := range imageJars {
		if _, err := os.Stat("/usr/share/java/" + j); err != nil {
			t.Fatalf("/usr/share/java/%s is missing: run hack/zookeeper/install.sh", j)
		}
		must0(t, os.Symlink("/usr/share/java/"+j, filepath.Join(home, "lib", j)))
	}
	return home
}

// ImageHome is the sandbox's stand-in for the official image's ZooKeeper
// directory, which the rendered scripts find from zkServer.sh on PATH:
// bin/zkServer.sh (hack/zookeeper's stand-in, on Debian's jars) and lib/
// with Debian's jars.
func (s *Sandbox) ImageHome() string { return filepath.Join(s.Dir, "image") }

// ContainerEnv is what every container of pod starts with in the sandbox,
// before its rendered environment: the image's PATH with ImageHome's bin
// first, the pod's HOSTNAME, and the log4j configuration the stand-in
// zkServer.sh adds to the classpath (ZKFN_ZK_LOG4J_DIR).
func (s *Sandbox) ContainerEnv(pod string) []string {
	return []string{
		"PATH=" + filepath.Join(s.ImageHome(), "bin") + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"HOSTNAME=" + pod,
		"ZKFN_ZK_LOG4J_DIR=" + filepath.Join(s.repo, "hack", "zookeeper", "log4j"),
	}
}

// Container is how the kubelet runs one container of a pod.
type Container struct {
	Netns        string   // the pod's network namespace
	Pod          string   // its hostname
	ReadOnlyRoot bool     // readOnlyRootFilesystem
	User         []string // the securityContext as setpriv(1) options
	Mounts       []string // its volumeMounts, "DIR:MOUNTPATH:ro" or ":rw"
}

// ContainerArgs is the ip(8) command line that runs argv as container c:
// hack/zookeeper/container.sh in c's network namespace, with a mount and
// UTS namespace of its own, c's mounts and user.
func (s *Sandbox) ContainerArgs(c Container, argv ...string) []string {
	args := []string{"netns", "exec", c.Netns, "unshare", "--mount", "--uts", "--propagation", "private", "--",
		filepath.Join(s.repo, "hack", "zookeeper", "container.sh"), c.Pod, strconv.FormatBool(c.ReadOnlyRoot), strings.Join(c.User, ",")}
	args = append(args, c.Mounts...)
	args = append(args, "--")
	return append(args, argv...)
}
