package api_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestProbeErrors(t *testing.T) {
	cases := map[string]specError{
		"zero period":               {"probes: {readiness: {periodSeconds: 0}}", "spec.probes.readiness.periodSeconds", "use 1 to 3600"},
		"negative delay":            {"probes: {startup: {initialDelaySeconds: -1}}", "spec.probes.startup.initialDelaySeconds", "use 0 to 3600"},
		"huge failures":             {"probes: {startup: {failureThreshold: 2147483647}}", "spec.probes.startup.failureThreshold", "use 1 to 10000"},
		"zero timeout":              {"probes: {liveness: {timeoutSeconds: 0}}", "spec.probes.liveness.timeoutSeconds", "use 1 to 300"},
		"liveness success":          {"probes: {liveness: {successThreshold: 2}}", "spec.probes.liveness.successThreshold", "requires 1"},
		"startup success":           {"probes: {startup: {successThreshold: 3}}", "spec.probes.startup.successThreshold", "requires 1"},
		"readiness success too big": {"probes: {readiness: {successThreshold: 101}}", "spec.probes.readiness.successThreshold", "use 1 to 100"},
		"unknown probe":             {"probes: {ready: {periodSeconds: 1}}", "spec.probes.ready", "unknown field"},
		"string period":             {"probes: {readiness: {periodSeconds: '5s'}}", "spec.probes.readiness.periodSeconds", ""},
	}
	requireSpecErrors(t, cases)
}

func TestProbeShortTimeoutWarns(t *testing.T) {
	_, ps := decodeValid(t, header+"spec: {probes: {readiness: {timeoutSeconds: 2, successThreshold: 2}}}\n")
	require.True(t, hasWarning(ps, "spec.probes.readiness.timeoutSeconds", ""), "a timeout below the scripts' wait is worth a warning: %v", ps)
}
