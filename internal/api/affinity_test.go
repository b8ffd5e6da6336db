package api_test

import "testing"

func TestCustomPlacementErrors(t *testing.T) {
	const p = "spec.placement."
	cases := map[string]specError{
		"zero skew":        {"placement: {topologySpreadConstraints: [{maxSkew: 0, topologyKey: a/b, whenUnsatisfiable: DoNotSchedule}]}", p + "topologySpreadConstraints[0].maxSkew", "at least 1"},
		"bad key":          {"placement: {topologySpreadConstraints: [{maxSkew: 1, topologyKey: 'a b', whenUnsatisfiable: DoNotSchedule}]}", p + "topologySpreadConstraints[0].topologyKey", "not a label key"},
		"empty key":        {"placement: {topologySpreadConstraints: [{maxSkew: 1, whenUnsatisfiable: DoNotSchedule}]}", p + "topologySpreadConstraints[0].topologyKey", "not a label key"},
		"bad action":       {"placement: {topologySpreadConstraints: [{maxSkew: 1, topologyKey: a/b, whenUnsatisfiable: Maybe}]}", p + "topologySpreadConstraints[0].whenUnsatisfiable", "not an action"},
		"zone key twice":   {"placement: {zoneSpread: required, topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway}]}", p + "topologySpreadConstraints[0].topologyKey", "zoneSpread's key"},
		"duplicate":        {"placement: {topologySpreadConstraints: [{maxSkew: 1, topologyKey: a/b, whenUnsatisfiable: DoNotSchedule}, {maxSkew: 2, topologyKey: a/b, whenUnsatisfiable: DoNotSchedule}]}", p + "topologySpreadConstraints[1]", "duplicates"},
		"bad selector":     {"placement: {topologySpreadConstraints: [{maxSkew: 1, topologyKey: a/b, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {'a b': c}}}]}", p + "topologySpreadConstraints[0].labelSelector", "a b"},
		"weight":           {"placement: {affinity: {podAntiAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 101, podAffinityTerm: {topologyKey: a/b}}]}}}", p + "affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight", "1 to 100"},
		"term key":         {"placement: {affinity: {podAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: ''}]}}}", p + "affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey", "not a label key"},
		"term selector op": {"placement: {affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: a/b, labelSelector: {matchExpressions: [{key: a, operator: Near}]}}]}}}", p + "affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector", "operator"},
	}
	requireSpecErrors(t, cases)
}
