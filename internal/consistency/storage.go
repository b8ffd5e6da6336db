package consistency

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// storage: the classes the claim templates ask for must still exist when
// the function created them, and static volumes must still be bound to
// the claims the StatefulSet will create.
func (c *checker) storage(g *group, so object, sts *appsv1.StatefulSet) {
	templates := map[string]string{} // claim template -> class
	for i, t := range sts.Spec.VolumeClaimTemplates {
		class := ""
		if t.Spec.StorageClassName != nil {
			class = *t.Spec.StorageClassName
		}
		templates[t.Name] = class
		if class == "" {
			continue
		}
		c.storageClass(g, so, fmt.Sprintf("spec.volumeClaimTemplates[%d].spec.storageClassName", i), class)
	}
	replicas := int32(1)
	if sts.Spec.Replicas != nil {
		replicas = *sts.Spec.Replicas
	}
	claims := map[string]string{} // claim name -> template, voters' then observers'
	for t := range templates {
		for i := int32(0); i < replicas; i++ {
			claims[names.Claim(t, names.Pod(so.name, int(i)))] = t
		}
	}
	g.observerClaims(templates, claims)
	bound := map[string]bool{} // claims a static volume is reserved for
	for _, o := range g.ofKind("PersistentVolume") {
		var pv corev1.PersistentVolume
		if err := o.decode(&pv); err != nil {
			c.add(o.errorf("", "%v", err))
			continue
		}
		c.staticVolume(o, &pv, so, templates, claims, replicas)
		if pv.Spec.ClaimRef != nil {
			bound[pv.Spec.ClaimRef.Name] = true
		}
	}
	if len(bound) == 0 {
		return
	}
	for i, t := range sts.Spec.VolumeClaimTemplates {
		for ord := int32(0); ord < replicas; ord++ {
			if claim := names.Claim(t.Name, names.Pod(so.name, int(ord))); !bound[claim] {
				c.add(so.errorf("spec.replicas", "is %d, but no static PersistentVolume of the ensemble is reserved for claim %q (template %d, member %d); that member stays Pending: change the replicas and spec.storage.persistentVolumes.nodes in the ZookeeperSpec and render again", replicas, claim, i, ord))
				return
			}
		}
	}
}

// storageClass checks one class a claim template asks for.
func (c *checker) storageClass(g *group, so object, path, class string) {
	if _, ok := c.lookup("StorageClass", "", class); ok {
		return
	}
	for _, o := range g.ofKind("StorageClass") {
		c.add(so.errorf(path, "is %q, but the StorageClass the function created for it is now named %q; the claims stay Pending: %s", clip(class), o.name, fix))
		return
	}
	if g.spec != nil && g.spec.Spec.Storage.StorageClass != nil && g.spec.Spec.Storage.ClassName == class {
		c.add(so.errorf(path, "is %q, and the ZookeeperSpec asks the function to create that StorageClass (spec.storage.storageClass), but the stream no longer holds it; the claims stay Pending: keep the StorageClass in the output (a later patch or filter removed it) or drop spec.storage.storageClass and name an existing class", clip(class)))
	}
}

// staticVolume: a pre-bound volume must name a claim the StatefulSet
// creates, in its namespace, with the template's class.
func (c *checker) staticVolume(o object, pv *corev1.PersistentVolume, so object, templates, claims map[string]string, replicas int32) {
	ref := pv.Spec.ClaimRef
	if ref == nil {
		return
	}
	t, ok := claims[ref.Name]
	switch {
	case ref.Namespace != namespaceOf(so):
		c.add(o.errorf("spec.claimRef.namespace", "is %q, but the StatefulSet %q creates its claims in %q; the volume stays Available and the member's claim Pending: %s", clip(ref.Namespace), so.name, namespaceOf(so), fix))
	case !ok:
		c.add(o.errorf("spec.claimRef.name", "is %q, which is not a claim the StatefulSet %q creates (<template>-%s-<ordinal> for %d members); the volume stays unused and a member's claim Pending: %s", clip(ref.Name), so.name, so.name, replicas, fix))
	case pv.Spec.StorageClassName != templates[t]:
		c.add(o.errorf("spec.storageClassName", "is %q, but the claim template %q asks for %q; the claim cannot bind to this volume: %s", clip(pv.Spec.StorageClassName), t, templates[t], fix))
	}
}
