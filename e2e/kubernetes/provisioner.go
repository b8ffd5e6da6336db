//go:build e2e

package kubernetes

import (
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const (
	annProvisioner  = "volume.kubernetes.io/storage-provisioner"
	annSelectedNode = "volume.kubernetes.io/selected-node"
	annProvisioned  = "pv.kubernetes.io/provisioned-by"
	// StandinProvisioner names the cluster's default StorageClass that
	// StartProvisioner serves, like the default class of a real cluster.
	StandinProvisioner = "provisioner.zookeeper-fn.e2e"
)

// Provisioner is a stand-in for a cluster's external volume provisioner
// (the role a CSI driver's external-provisioner plays): it watches claims
// that the PV controller has handed to a provisioner, waits for the
// scheduler's selected-node when the class binds late, and creates a
// PersistentVolume that honours the class's reclaim policy and binding
// mode, pinned to the selected node's zone (a zonal disk). The PV controller then
// binds them.
type Provisioner struct {
	c       *Cluster
	stop    chan struct{}
	done    chan struct{}
	mu      sync.Mutex
	created map[string]string // claim ns/name -> PV name
	errs    []string
}

// StartProvisioner creates a default StorageClass served by the stand-in
// and runs the stand-in until the test ends. It serves every claim whose
// class has a provisioner other than kubernetes.io/no-provisioner.
func StartProvisioner(c *Cluster) *Provisioner {
	c.t.Helper()
	wffc := storagev1.VolumeBindingWaitForFirstConsumer
	del := corev1.PersistentVolumeReclaimDelete
	sc := storagev1.StorageClass{
		TypeMeta: metav1.TypeMeta{APIVersion: "storage.k8s.io/v1", Kind: "StorageClass"},
		ObjectMeta: metav1.ObjectMeta{
			Name:        "standard",
			Annotations: map[string]string{"storageclass.kubernetes.io/is-default-class": "true"},
		},
		Provisioner:       StandinProvisioner,
		ReclaimPolicy:     &del,
		VolumeBindingMode: &wffc,
	}
	if err := c.API.Create("/apis/storage.k8s.io/v1/storageclasses", sc, nil); err != nil {
		c.t.Fatalf("create default StorageClass: %v", err)
	}
	p := &Provisioner{c: c, stop: make(chan struct{}), done: make(chan struct{}), created: map[string]string{}}
	go p.loop()
	c.t.Cleanup(func() {
		close(p.stop)
		select {
		case <-p.done:
		case <-time.After(30 * time.Second):
			c.t.Errorf("provisioner stand-in did not stop")
		}
		if c.t.Failed() && len(p.errs) > 0 {
			c.t.Logf("provisioner stand-in errors: %v", p.errs)
		}
	})
	return p
}

// Provisioned returns the PV the stand-in created for a claim, if any.
func (p *Provisioner) Provisioned(namespace, claim string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.created[namespace+"/"+claim]
}

func (p *Provisioner) loop() {
	defer close(p.done)
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-tick.C:
			if err := p.sync(); err != nil {
				p.mu.Lock()
				if len(p.errs) < 20 {
					p.errs = append(p.errs, err.Error())
				}
				p.mu.Unlock()
			}
		}
	}
}

func (p *Provisioner) sync() error {
	var claims corev1.PersistentVolumeClaimList
	if err := p.c.API.Get("/api/v1/persistentvolumeclaims", &claims); err != nil {
		return err
	}
	for i := range claims.Items {
		pvc := &claims.Items[i]
		key := pvc.Namespace + "/" + pvc.Name
		if pvc.Spec.VolumeName != "" || pvc.Status.Phase != corev1.ClaimPending ||
			pvc.Annotations[annProvisioner] == "" || pvc.Spec.StorageClassName == nil {
			continue
		}
		p.mu.Lock()
		done := p.created[key] != ""
		p.mu.Unlock()
		if done {
			continue
		}
		var sc storagev1.StorageClass
		if err := p.c.API.Get("/apis/storage.k8s.io/v1/storageclasses/"+*pvc.Spec.StorageClassName, &sc); err != nil {
			return fmt.Errorf("claim %s: class: %w", key, err)
		}
		if sc.Provisioner != pvc.Annotations[annProvisioner] {
			continue
		}
		node := pvc.Annotations[annSelectedNode]
		late := sc.VolumeBindingMode != nil && *sc.VolumeBindingMode == storagev1.VolumeBindingWaitForFirstConsumer
		if late && node == "" {
			continue // the scheduler has not picked a node yet
		}
		pv := p.volumeFor(pvc, &sc, node)
		if err := p.c.API.Create("/api/v1/persistentvolumes", pv, nil); err != nil && !IsStatus(err, 409) {
			return fmt.Errorf("claim %s: create PV: %w", key, err)
		}
		p.mu.Lock()
		p.created[key] = pv.Name
		p.mu.Unlock()
	}
	return nil
}

func (p *Provisioner) volumeFor(pvc *corev1.PersistentVolumeClaim, sc *storagev1.StorageClass, node string) corev1.PersistentVolume {
	reclaim := corev1.PersistentVolumeReclaimDelete
	if sc.ReclaimPolicy != nil {
		reclaim = *sc.ReclaimPolicy
	}
	pv := corev1.PersistentVolume{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolume"},
		ObjectMeta: metav1.ObjectMeta{
			Name:        "pvc-" + string(pvc.UID),
			Annotations: map[string]string{annProvisioned: sc.Provisioner},
		},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: pvc.Spec.Resources.Requests[corev1.ResourceStorage]},
			AccessModes:                   pvc.Spec.AccessModes,
			PersistentVolumeReclaimPolicy: reclaim,
			StorageClassName:              sc.Name,
			MountOptions:                  sc.MountOptions,
			VolumeMode:                    pvc.Spec.VolumeMode,
			ClaimRef: &corev1.ObjectReference{
				APIVersion: "v1", Kind: "PersistentVolumeClaim",
				Namespace: pvc.Namespace, Name: pvc.Name, UID: pvc.UID, ResourceVersion: pvc.ResourceVersion,
			},
			PersistentVolumeSource: corev1.PersistentVolumeSource{
				CSI: &corev1.CSIPersistentVolumeSource{Driver: sc.Provisioner, VolumeHandle: string(pvc.UID)},
			},
		},
	}
	if key, value := p.topology(node); key != "" {
		pv.Spec.NodeAffinity = &corev1.VolumeNodeAffinity{Required: &corev1.NodeSelector{
			NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{
				Key: key, Operator: corev1.NodeSelectorOpIn, Values: []string{value},
			}}}},
		}}
	}
	return pv
}

// topology is where a volume made for node lives: its zone, like a
// zonal cloud disk, or the node itself when it has no zone.
func (p *Provisioner) topology(node string) (key, value string) {
	if node == "" {
		return "", ""
	}
	var n corev1.Node
	if err := p.c.API.Get("/api/v1/nodes/"+node, &n); err == nil && n.Labels[zoneKey] != "" {
		return zoneKey, n.Labels[zoneKey]
	}
	return hostnameKey, node
}
