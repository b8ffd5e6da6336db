//go:build e2e

package zkrun

import (
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// user is who a container runs as: the container's securityContext over
// the pod's. The official image runs a replaced command as root when
// neither says.
type user struct {
	uid, gid, fsGroup  int // fsGroup -1: none
	roRoot, noNewPrivs bool
}

func (e *Ensemble) fsGroup() int {
	if ps := e.R.StatefulSet.Spec.Template.Spec.SecurityContext; ps != nil && ps.FSGroup != nil {
		return int(*ps.FSGroup)
	}
	return -1
}

func (e *Ensemble) user(c corev1.Container) user {
	u := user{fsGroup: e.fsGroup()}
	if ps := e.R.StatefulSet.Spec.Template.Spec.SecurityContext; ps != nil {
		if ps.RunAsUser != nil {
			u.uid = int(*ps.RunAsUser)
		}
		if ps.RunAsGroup != nil {
			u.gid = int(*ps.RunAsGroup)
		}
	}
	if cs := c.SecurityContext; cs != nil {
		if cs.RunAsUser != nil {
			u.uid = int(*cs.RunAsUser)
		}
		if cs.RunAsGroup != nil {
			u.gid = int(*cs.RunAsGroup)
		}
		if cs.ReadOnlyRootFilesystem != nil {
			u.roRoot = *cs.ReadOnlyRootFilesystem
		}
		if cs.AllowPrivilegeEscalation != nil {
			u.noNewPrivs = !*cs.AllowPrivilegeEscalation
		}
	}
	return u
}

// setpriv are the setpriv(1) options for the user.
func (u user) setpriv() []string {
	a := []string{"--reuid=" + strconv.Itoa(u.uid), "--regid=" + strconv.Itoa(u.gid)}
	if u.noNewPrivs {
		a = append(a, "--no-new-privs")
	}
	if u.fsGroup >= 0 {
		return append(a, "--groups="+strconv.Itoa(u.fsGroup))
	}
	return append(a, "--clear-groups")
}

// Env is container name's environment: the official image's
// (Sandbox.ContainerEnv: the stand-in zkServer.sh where the image has the
// real one, Debian's log4j logging), then the container's own with
// Kubernetes' $(VAR) expansion, the downward API fields and
// Options.Secrets; then what this machine needs: the pods' DNS as a hosts
// file (JVMFLAGS, the image's user knob, which zkServer.sh appends after
// SERVER_JVMFLAGS).
func (m *Member) Env(t testing.TB, name string) []string {
	t.Helper()
	e := m.e
	vars := map[string]string{}
	var order []string
	set := func(k, v string) {
		if _, ok := vars[k]; !ok {
			order = append(order, k)
		}
		vars[k] = v
	}
	for _, kv := range e.sb.ContainerEnv(m.Pod) {
		k, v, _ := strings.Cut(kv, "=")
		set(k, v)
	}
	set("ZOO_CONF_DIR", "/conf")
	set("ZOO_DATA_DIR", "/data")
	set("ZOO_DATA_LOG_DIR", "/datalog")
	set("ZOO_LOG_DIR", "/logs")
	set("ZOOCFGDIR", "/conf")
	c := e.R.Container(t, name)
	if len(c.EnvFrom) > 0 {
		t.Fatalf("container %s uses envFrom, which zkrun does not handle", name)
	}
	for _, ev := range c.Env {
		set(ev.Name, m.envValue(t, ev, vars))
	}
	set("JVMFLAGS", strings.TrimSpace("-Djdk.net.hosts.file="+e.hosts+" "+vars["JVMFLAGS"]))
	env := make([]string, 0, len(order))
	for _, k := range order {
		env = append(env, k+"="+vars[k])
	}
	return env
}

func (m *Member) envValue(t testing.TB, ev corev1.EnvVar, vars map[string]string) string {
	t.Helper()
	switch {
	case ev.ValueFrom == nil:
		return expandK8s(ev.Value, vars)
	case ev.ValueFrom.SecretKeyRef != nil:
		ref := ev.ValueFrom.SecretKeyRef
		v, ok := m.e.opts.Secrets[ref.Name][ref.Key]
		if !ok {
			t.Fatalf("env %s: Options.Secrets has no Secret %s key %s", ev.Name, ref.Name, ref.Key)
		}
		return v
	case ev.ValueFrom.FieldRef != nil:
		switch ev.ValueFrom.FieldRef.FieldPath {
		case "metadata.name":
			return m.Pod
		case "metadata.namespace":
			return m.e.R.StatefulSet.Namespace
		case "status.podIP", "status.hostIP":
			return m.IP
		case "spec.nodeName":
			return "node-" + strconv.Itoa(m.Ord)
		}
	}
	t.Fatalf("env %s: zkrun handles values, secretKeyRef and the fieldRefs metadata.name, metadata.namespace, status.podIP, status.hostIP, spec.nodeName", ev.Name)
	return ""
}

// expandK8s does Kubernetes' $(VAR) expansion of env values: $(NAME) of a
// variable defined before is replaced, $$ is a literal $, anything else is
// kept as written.
func expandK8s(s string, vars map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '(':
			if j := strings.IndexByte(s[i:], ')'); j > 0 {
				if v, ok := vars[s[i+2:i+j]]; ok {
					b.WriteString(v)
					i += j
					continue
				}
			}
			b.WriteByte('$')
		default:
			b.WriteByte('$')
		}
	}
	return b.String()
}
