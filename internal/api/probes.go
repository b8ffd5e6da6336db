package api

import (
	corev1 "k8s.io/api/core/v1"
)

// Probes tunes the timings of the member's probes. What they check is
// fixed: readiness stays quorum-aware (ready only as leader, follower,
// observer or standalone) and liveness only asks whether the server
// answers, so no timing can turn a lost quorum into restarts.
type Probes struct {
	// Startup covers the first start, e.g. loading a large snapshot
	// (default: every 5 s, timeout 5 s, 60 failures = 5 minutes).
	Startup *ProbeTiming `json:"startup,omitempty"`
	// Readiness decides when a member takes clients and when a rolling
	// update moves on (default: every 5 s, timeout 5 s, 2 failures).
	Readiness *ProbeTiming `json:"readiness,omitempty"`
	// Liveness restarts a member whose server stopped answering (default:
	// every 10 s, timeout 5 s, 6 failures).
	Liveness *ProbeTiming `json:"liveness,omitempty"`
}

// ProbeTiming overrides a probe's timings; unset fields keep the default.
type ProbeTiming struct {
	// InitialDelaySeconds before the first check, 0 to 3600.
	InitialDelaySeconds *int32 `json:"initialDelaySeconds,omitempty"`
	// PeriodSeconds between checks, 1 to 3600.
	PeriodSeconds *int32 `json:"periodSeconds,omitempty"`
	// TimeoutSeconds of one check, 1 to 300; the scripts wait up to 4 s
	// for the server's reply, so less than 5 cuts slow answers short.
	TimeoutSeconds *int32 `json:"timeoutSeconds,omitempty"`
	// FailureThreshold: consecutive failures that count, 1 to 10000.
	FailureThreshold *int32 `json:"failureThreshold,omitempty"`
	// SuccessThreshold: consecutive successes that count, 1 to 100;
	// readiness only (Kubernetes requires 1 for liveness and startup).
	SuccessThreshold *int32 `json:"successThreshold,omitempty"`
}

// probeScriptWait is how long ready.sh and live.sh wait for a reply.
const probeScriptWait = 4

func (s *Spec) checkProbes(ps *Problems) {
	for _, p := range []struct {
		name string
		t    *ProbeTiming
	}{{"startup", s.Probes.Startup}, {"readiness", s.Probes.Readiness}, {"liveness", s.Probes.Liveness}} {
		if p.t != nil {
			p.t.check(ps, "spec.probes."+p.name, p.name == "readiness")
		}
	}
}

func (t *ProbeTiming) check(ps *Problems, path string, readiness bool) {
	for _, f := range []struct {
		name     string
		v        *int32
		min, max int32
	}{
		{"initialDelaySeconds", t.InitialDelaySeconds, 0, 3600},
		{"periodSeconds", t.PeriodSeconds, 1, 3600},
		{"timeoutSeconds", t.TimeoutSeconds, 1, 300},
		{"failureThreshold", t.FailureThreshold, 1, 10000},
		{"successThreshold", t.SuccessThreshold, 1, 100},
	} {
		if f.v != nil && (*f.v < f.min || *f.v > f.max) {
			ps.errorf(path+"."+f.name, "is %d; use %d to %d", *f.v, f.min, f.max)
		}
	}
	if t.SuccessThreshold != nil && *t.SuccessThreshold != 1 && !readiness {
		ps.errorf(path+".successThreshold", "is %d; Kubernetes requires 1 for liveness and startup probes: remove it", *t.SuccessThreshold)
	}
	if t.TimeoutSeconds != nil && *t.TimeoutSeconds >= 1 && *t.TimeoutSeconds <= probeScriptWait {
		ps.warnf(path+".timeoutSeconds", "is %d; the probe scripts wait up to %d s for the server's reply, so a busy member fails the probe early: use at least %d", *t.TimeoutSeconds, probeScriptWait, probeScriptWait+1)
	}
}

// ApplyTo overrides the timings of p with the fields that are set.
func (t *ProbeTiming) ApplyTo(p *corev1.Probe) {
	if t == nil || p == nil {
		return
	}
	set := func(dst *int32, v *int32) {
		if v != nil {
			*dst = *v
		}
	}
	set(&p.InitialDelaySeconds, t.InitialDelaySeconds)
	set(&p.PeriodSeconds, t.PeriodSeconds)
	set(&p.TimeoutSeconds, t.TimeoutSeconds)
	set(&p.FailureThreshold, t.FailureThreshold)
	set(&p.SuccessThreshold, t.SuccessThreshold)
}
