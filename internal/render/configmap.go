package render

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"sort"

	corev1 "k8s.io/api/core/v1"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/membership"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// Keys of the ConfigMap, mounted at ConfDir.
const (
	KeyZooCfg  = "zoo.cfg"
	KeyLogback = "logback.xml"
	KeyStart   = "start.sh"
	KeyReady   = "ready.sh"
	KeyLive    = "live.sh"
)

var (
	//go:embed scripts/start.sh
	startScript string
	//go:embed scripts/ready.sh
	readyScript string
	//go:embed scripts/live.sh
	liveScript string
)

// ConfigMap holds zoo.cfg, the logging configuration and the scripts the
// container runs. The image's own /conf (logback.xml included) is hidden
// by the mount, so everything the server reads from there is here.
func ConfigMap(z *api.ZookeeperSpec, m membership.Membership) *corev1.ConfigMap {
	e := m.Ensemble
	data := map[string]string{
		KeyZooCfg:  ZooCfg(z, m),
		KeyLogback: Logback(z),
		KeyStart:   startScript,
		KeyReady:   readyScript,
		KeyLive:    liveScript,
	}
	membershipData(z, m, data)
	if m.ObserverReplicas() > 0 {
		data[KeyObserverZooCfg] = ObserverZooCfg(z, m)
	}
	return &corev1.ConfigMap{
		TypeMeta:   typeMeta("v1", "ConfigMap"),
		ObjectMeta: objectMeta(e, e.ConfigMap()),
		Data:       data,
	}
}

// ConfigHash fingerprints the ConfigMap's data. It goes on the pod
// template, so a changed zoo.cfg (a new server list after scaling) rolls
// the members one at a time instead of waiting for an unrelated restart.
func ConfigHash(cm *corev1.ConfigMap) string {
	keys := make([]string, 0, len(cm.Data))
	for k := range cm.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha256.New()
	for _, k := range keys {
		h.Write([]byte(k))
		h.Write([]byte{0})
		h.Write([]byte(cm.Data[k]))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// ServiceAccount has no token: the members never call the API server.
func ServiceAccount(e names.Ensemble) *corev1.ServiceAccount {
	f := false
	return &corev1.ServiceAccount{
		TypeMeta:                     typeMeta("v1", "ServiceAccount"),
		ObjectMeta:                   objectMeta(e, e.ServiceAccount()),
		AutomountServiceAccountToken: &f,
	}
}
