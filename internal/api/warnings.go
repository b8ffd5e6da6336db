package api

import (
	"fmt"
	"strings"
)

// EnvironmentAnnotation on a spec says which environment the ensemble runs
// in: dev, staging or prod. It decides which risky choices warn.
const EnvironmentAnnotation = Group + "/environment"

// Environments.
const (
	EnvDev     = "dev"
	EnvStaging = "staging"
	EnvProd    = "prod"
)

// envWords maps the words that name an environment, in the annotation or
// as a dash-, dot- or underscore-separated token of the namespace or name.
var envWords = map[string]string{
	"dev": EnvDev, "development": EnvDev, "test": EnvDev, "testing": EnvDev,
	"sandbox": EnvDev, "local": EnvDev, "ci": EnvDev, "e2e": EnvDev, "demo": EnvDev,
	"staging": EnvStaging, "stage": EnvStaging, "stg": EnvStaging, "qa": EnvStaging,
	"uat": EnvStaging, "preprod": EnvStaging,
	"prod": EnvProd, "production": EnvProd, "prd": EnvProd, "live": EnvProd,
}

// Environment is the environment the spec runs in and where that came
// from: the annotation, else the first word of the namespace, then of the
// name, that names one. Anything unrecognised counts as production, so a
// risky choice warns unless the spec says it runs somewhere it may.
func (z *ZookeeperSpec) Environment() (env, source string) {
	if v, ok := z.Annotations[EnvironmentAnnotation]; ok {
		if e, known := envWords[strings.ToLower(v)]; known {
			return e, fmt.Sprintf("annotation %s: %s", EnvironmentAnnotation, v)
		}
	}
	for _, f := range []struct{ what, value string }{{"namespace", z.Namespace}, {"name", z.Name}} {
		for _, word := range strings.FieldsFunc(strings.ToLower(f.value), func(r rune) bool { return r == '-' || r == '.' || r == '_' }) {
			if e, known := envWords[word]; known {
				return e, fmt.Sprintf("%s %q", f.what, f.value)
			}
		}
	}
	return EnvProd, "no environment in the annotation " + EnvironmentAnnotation + ", namespace or name"
}

// checkRisks warns about legal choices that put the ensemble's
// availability or data at risk where that matters.
func (z *ZookeeperSpec) checkRisks(ps *Problems) {
	if v, ok := z.Annotations[EnvironmentAnnotation]; ok {
		if _, known := envWords[strings.ToLower(v)]; !known {
			ps.errorf("metadata.annotations["+EnvironmentAnnotation+"]", "%q is not an environment; use dev, staging or prod", clip(v))
		}
	}
	env, source := z.Environment()
	s := &z.Spec
	n := *s.Replicas
	if n == 1 && env != EnvDev {
		ps.warnf("spec.replicas", "is 1 in a %s environment (%s): the ensemble has no fault tolerance and every restart is an outage; use 3 or more, or mark a development ensemble with the annotation %s: dev", env, source, EnvironmentAnnotation)
	}
	if n >= 5 && n <= MaxReplicas && s.Placement.AntiAffinity != AntiAffinityRequired {
		ps.warnf("spec.placement.antiAffinity", "is %s with %d members: the scheduler may still put several members on one node, and losing that node can lose the quorum; use required (one member per %s)", s.Placement.AntiAffinity, n, s.Placement.TopologyKey)
	}
	if env == EnvProd {
		s.Storage.checkDeletion(ps, source)
	}
}

// checkDeletion warns about Delete policies in production, where they
// turn a deleted claim or StatefulSet into lost data.
func (st *Storage) checkDeletion(ps *Problems, source string) {
	creates := st.StorageClass != nil || st.PersistentVolumes != nil
	if st.ReclaimPolicy == "Delete" && creates {
		ps.warnf("spec.storage.reclaimPolicy", "is Delete in a production environment (%s): deleting a member's claim deletes its volume and data for good; use Retain and reclaim volumes by hand", source)
	}
	rp := st.RetentionPolicy
	if rp.WhenDeleted == "Delete" {
		ps.warnf("spec.storage.retentionPolicy.whenDeleted", "is Delete in a production environment (%s): deleting the StatefulSet deletes every member's claims; use Retain", source)
	}
	if rp.WhenScaled == "Delete" {
		ps.warnf("spec.storage.retentionPolicy.whenScaled", "is Delete in a production environment (%s): scaling down deletes the removed members' claims, and scaling back up starts them empty; use Retain", source)
	}
}
