//go:build e2e

// Package zkrun runs what the function renders for a ZooKeeper ensemble
// as real ZooKeeper on this machine, the way the kubelet would run the
// pods: Debian's ZooKeeper servers, one member per network namespace with
// the real ports and the pods' DNS names; each container of the
// StatefulSet's pod (server, sidecars, init containers) with its rendered
// command, environment, user, security context and volume mounts, the
// ConfigMaps' files; the rendered probes; ZooKeeper's own Java client
// (hack/zookeeper/ZkClient.java) and four-letter words. Every real-
// ZooKeeper suite (e2e/zookeeper, e2e/backup, e2e/monitoring, e2e/tls,
// e2e/properties, e2e/bitnami/migrate, e2e/scaling) uses it; the scaling
// suite runs its members with its own StatefulSet controller on zkrun's
// sandbox, network slots (Sandbox.MemberNetns), image home
// (Sandbox.ImageHome, Sandbox.ContainerEnv) and container runner
// (Sandbox.ContainerArgs).
//
// Everything runs inside a sandbox (unshare --net --mount --pid and
// hack/zookeeper/sandbox.sh): the host's network and mounts are never
// touched, and every process dies with the test. A test renders on the
// host, then calls Reexec, which runs the same test again inside; there,
// Enter returns the Sandbox:
//
//	func TestX(t *testing.T) {
//		if zkrun.Sandboxed(t, inSandbox) {
//			return
//		}
//		out := render(t)
//		zkrun.Reexec(t, out, zkrun.Parse(t, []byte(out)))
//	}
//
//	func inSandbox(t *testing.T) {
//		var out string
//		sb := zkrun.Enter(t, &out)
//		e := sb.NewEnsemble(t, zkrun.Parse(t, []byte(out)), zkrun.Options{})
//		e.StartAll(t, 4*time.Minute)
//		e.Write(t, e.Members[0], "/a", "1")
//	}
//
// Speed: tests of one package whose sandboxes may run side by side call
// ReexecParallel instead of Reexec (its output lines carry the test's
// name); subtests in one sandbox may call t.Parallel, each with its own
// ensemble (Options.Name); Clients runs several client JVMs at once, so
// checks that each wait for a client to give up cost one wait.
//
// When a test fails, each ensemble prints its diagnostics (Diagnose)
// before it is torn down. Set ZKFN_ZKRUN_KEEP=1 to keep the scratch
// directory (/var/tmp/zkrun-*: logs, volumes, the client's log).
package zkrun
