package api_test

import (
	"strings"
	"testing"
)

func TestExtrasErrors(t *testing.T) {
	side := func(c string) string { return "extras: {sidecars: [{name: s, image: 'busybox:1.36', " + c + "}]}" }
	cases := map[string]specError{
		"reserved env":         {"extras: {env: [{name: SERVER_JVMFLAGS, value: x}]}", "spec.extras.env[0].name", "spec.jvm.flags"},
		"heap env":             {"extras: {env: [{name: ZK_SERVER_HEAP, value: '9000'}]}", "spec.extras.env[0].name", "set or read by the function"},
		"probe port env":       {"extras: {env: [{name: ZK_CLIENT_PORT, value: '1'}]}", "spec.extras.env[0].name", "set or read"},
		"empty env name":       {"extras: {env: [{name: '', value: x}]}", "spec.extras.env[0].name", "not a variable name"},
		"env name with =":      {"extras: {env: [{name: 'A=B', value: x}]}", "spec.extras.env[0].name", "not a variable name"},
		"duplicate env":        {"extras: {env: [{name: A}, {name: A}]}", "spec.extras.env[1].name", "also spec.extras.env[0]"},
		"value and valueFrom":  {"extras: {env: [{name: A, value: x, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]}", "spec.extras.env[0]", "both value and valueFrom"},
		"envFrom neither":      {"extras: {envFrom: [{prefix: A_}]}", "spec.extras.envFrom[0]", "exactly one"},
		"envFrom bad prefix":   {"extras: {envFrom: [{prefix: '1-', configMapRef: {name: c}}]}", "spec.extras.envFrom[0].prefix", "valid variable name"},
		"volume clash":         {"extras: {volumes: [{name: data, emptyDir: {}}]}", "spec.extras.volumes[0].name", "taken by the function"},
		"volume clash backup":  {"extras: {volumes: [{name: backup-scratch, emptyDir: {}}]}", "spec.extras.volumes[0].name", "taken"},
		"volume dup":           {"extras: {volumes: [{name: a, emptyDir: {}}, {name: a, emptyDir: {}}]}", "spec.extras.volumes[1].name", "earlier volume"},
		"volume name long":     {"extras: {volumes: [{name: " + strings.Repeat("v", 64) + ", emptyDir: {}}]}", "spec.extras.volumes[0].name", "not a volume name"},
		"hostPath":             {"extras: {volumes: [{name: h, hostPath: {path: /var}}]}", "spec.extras.volumes[0]", "allowNonRestricted"},
		"mount unknown volume": {"extras: {volumeMounts: [{name: nope, mountPath: /x}]}", "spec.extras.volumeMounts[0].name", "not a volume of the pod"},
		"mount over data":      {"extras: {volumes: [{name: a, emptyDir: {}}], volumeMounts: [{name: a, mountPath: /data/x}]}", "spec.extras.volumeMounts[0].mountPath", "overlaps the function's mount /data"},
		"mount over conf":      {"extras: {volumes: [{name: a, emptyDir: {}}], volumeMounts: [{name: a, mountPath: /conf}]}", "spec.extras.volumeMounts[0].mountPath", "/conf"},
		"mount root":           {"extras: {volumes: [{name: a, emptyDir: {}}], volumeMounts: [{name: a, mountPath: /}]}", "spec.extras.volumeMounts[0].mountPath", "overlaps"},
		"mount relative":       {"extras: {volumes: [{name: a, emptyDir: {}}], volumeMounts: [{name: a, mountPath: x/y}]}", "spec.extras.volumeMounts[0].mountPath", "clean absolute"},
		"mount dotdot":         {"extras: {volumes: [{name: a, emptyDir: {}}], volumeMounts: [{name: a, mountPath: /x/../data}]}", "spec.extras.volumeMounts[0].mountPath", "clean absolute"},
		"sidecar named zk":     {"extras: {sidecars: [{name: zookeeper, image: x}]}", "spec.extras.sidecars[0].name", "function's own container"},
		"sidecar twice":        {"extras: {sidecars: [{name: a, image: x}], initContainers: [{name: a, image: x}]}", "spec.extras.sidecars[0].name", "spec.extras.initContainers[0]"},
		"sidecar no image":     {"extras: {sidecars: [{name: a}]}", "spec.extras.sidecars[0].image", "not an image"},
		"sidecar client port":  {side("ports: [{containerPort: 2181}]"), "spec.extras.sidecars[0].ports[0].containerPort", "client port"},
		"sidecar metrics port": {side("ports: [{containerPort: 7000}]"), "spec.extras.sidecars[0].ports[0].containerPort", "metrics port"},
		"sidecar hostPort":     {side("ports: [{containerPort: 9000, hostPort: 9000}]"), "spec.extras.sidecars[0].ports[0].hostPort", "host ports"},
		"privileged":           {side("securityContext: {privileged: true}"), "spec.extras.sidecars[0].securityContext.privileged", "allowNonRestricted"},
		"root":                 {side("securityContext: {runAsUser: 0}"), "spec.extras.sidecars[0].securityContext.runAsUser", "root"},
		"escalation":           {side("securityContext: {allowPrivilegeEscalation: true}"), "spec.extras.sidecars[0].securityContext.allowPrivilegeEscalation", "restricted"},
		"caps added":           {side("securityContext: {capabilities: {add: [NET_ADMIN]}}"), "spec.extras.sidecars[0].securityContext.capabilities.add[0]", "NET_ADMIN"},
		"caps not dropped":     {side("securityContext: {capabilities: {drop: [NET_RAW]}}"), "spec.extras.sidecars[0].securityContext.capabilities.drop", "ALL"},
		"unconfined":           {side("securityContext: {seccompProfile: {type: Unconfined}}"), "spec.extras.sidecars[0].securityContext.seccompProfile.type", "Unconfined"},
		"sidecar mount bad":    {side("volumeMounts: [{name: nope, mountPath: /x}]"), "spec.extras.sidecars[0].volumeMounts[0].name", "not a volume"},
		"sidecar reserved env": {"extras: {initContainers: [{name: i, image: x, env: [{name: '1x'}]}]}", "spec.extras.initContainers[0].env[0].name", "not a variable name"},
	}
	requireSpecErrors(t, cases)
}

func TestExtrasOptOut(t *testing.T) {
	decodeValid(t, header+`spec:
  podSecurity: {allowNonRestricted: true}
  extras:
    volumes: [{name: h, hostPath: {path: /var/log}}]
    sidecars: [{name: s, image: x, securityContext: {privileged: true}, ports: [{containerPort: 9000, hostPort: 9000}]}]
`)
	// The opt-out never lifts the clash checks.
	_, ps := decode(t, header+"spec: {podSecurity: {allowNonRestricted: true}, extras: {sidecars: [{name: s, image: x, ports: [{containerPort: 2888}]}]}}\n")
	requireProblem(t, ps, "spec.extras.sidecars[0].ports[0].containerPort", "quorum port")
	// A sidecar may read the function's volumes, e.g. a log shipper on /logs.
	decodeValid(t, header+"spec: {extras: {sidecars: [{name: s, image: x, volumeMounts: [{name: logs, mountPath: /logs, readOnly: true}]}]}}\n")
}
