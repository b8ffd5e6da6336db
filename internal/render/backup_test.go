package render

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// ofType gives the objects of type T among objs, in their order.
func ofType[T Object](objs []Object) []T {
	var out []T
	for _, o := range objs {
		if v, ok := o.(T); ok {
			out = append(out, v)
		}
	}
	return out
}

func statefulSet(t *testing.T, objs []Object) *appsv1.StatefulSet {
	t.Helper()
	sets := ofType[*appsv1.StatefulSet](objs)
	require.NotEmpty(t, sets, "no StatefulSet")
	return sets[0]
}

func findContainer(t *testing.T, cs []corev1.Container, name string) corev1.Container {
	t.Helper()
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no container %s", name)
	return corev1.Container{}
}

// backupContainers gives a rendered pod's backup sidecar and restore init
// container, which must carry the same target settings.
func backupContainers(t *testing.T, pod corev1.PodTemplateSpec) []corev1.Container {
	t.Helper()
	return []corev1.Container{
		findContainer(t, pod.Spec.Containers, BackupContainer),
		findContainer(t, pod.Spec.InitContainers, RestoreContainer),
	}
}

// envValues maps a container's variables to their literal values.
func envValues(c corev1.Container) map[string]string {
	env := map[string]string{}
	for _, ev := range c.Env {
		env[ev.Name] = ev.Value
	}
	return env
}

func mountsByName(c corev1.Container) map[string]corev1.VolumeMount {
	m := map[string]corev1.VolumeMount{}
	for _, vm := range c.VolumeMounts {
		m[vm.Name] = vm
	}
	return m
}

func TestBackupOffRendersNothing(t *testing.T) {
	z := spec(t, "  replicas: 3\n")
	objs := Ensemble(z, z.Membership())
	sts := statefulSet(t, objs)
	assert.Len(t, sts.Spec.Template.Spec.Containers, 1)
	assert.Empty(t, sts.Spec.Template.Spec.InitContainers)
	assert.NotContains(t, sts.Spec.Template.Annotations, BackupHashAnn)
}

func TestBackupSidecarToVolume(t *testing.T) {
	z := spec(t, "  storage: {dataLog: {size: 5Gi}}\n  backup: {enabled: true, interval: 30m, retain: 3, volume: {size: 50Gi, className: nfs}}\n")
	objs := Ensemble(z, z.Membership())
	sts := statefulSet(t, objs)
	pod := sts.Spec.Template
	require.Len(t, pod.Spec.Containers, 2)
	zk, b := pod.Spec.Containers[0], findContainer(t, pod.Spec.Containers, BackupContainer)
	assert.Equal(t, zk.Image, b.Image, "the sidecar runs the ZooKeeper image: bash, tar, gzip, cmp, curl")
	assert.Equal(t, []string{"bash", "/zkfn-backup/backup.sh"}, b.Command)
	assert.Equal(t, zk.SecurityContext, b.SecurityContext, "the same restricted security context")
	m := mountsByName(b)
	assert.True(t, m[names.DataVolume].ReadOnly, "the sidecar only reads the data volume")
	assert.True(t, m[names.DataLogVolume].ReadOnly, "and the transaction-log volume")
	assert.Equal(t, "/data", m[names.DataVolume].MountPath)
	assert.Equal(t, "/datalog", m[names.DataLogVolume].MountPath)
	assert.Equal(t, "/conf", m[volumeConfig].MountPath)
	assert.False(t, m[volumeBackupTarget].ReadOnly)
	env := envValues(b)
	assert.Equal(t, "1800", env["BACKUP_INTERVAL_SECONDS"])
	assert.Equal(t, "3", env["BACKUP_RETAIN"])
	assert.Equal(t, "/backup", env["BACKUP_DIR"])
	assert.NotEmpty(t, pod.Annotations[BackupHashAnn], "script changes roll the members")
	assert.Empty(t, pod.Spec.InitContainers, "no restore unless asked")

	claims := ofType[*corev1.PersistentVolumeClaim](objs)
	require.Len(t, claims, 1, "the function creates the archive claim when none is named")
	claim := claims[0]
	var cm *corev1.ConfigMap
	for _, v := range ofType[*corev1.ConfigMap](objs) {
		if v.Name == "zk-backup" {
			cm = v
		}
	}
	assert.Equal(t, "zk-backup", claim.Name)
	assert.Equal(t, []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany}, claim.Spec.AccessModes)
	assert.Equal(t, "nfs", *claim.Spec.StorageClassName)
	require.NotNil(t, cm)
	assert.Equal(t, []string{KeyBackupLib, KeyBackupSTS, KeyBackup, KeyRestore}, sortedKeys(cm.Data))
	for _, v := range pod.Spec.Volumes {
		if v.Name == volumeBackupTarget {
			assert.Equal(t, "zk-backup", v.PersistentVolumeClaim.ClaimName)
		}
	}
}

func TestBackupToS3AndRestore(t *testing.T) {
	z := spec(t, "  backup:\n    enabled: true\n    s3: {endpoint: 'https://s3.example.com', bucket: zk-backups, credentialsSecret: {name: s3-creds, accessKeyIDKey: id}}\n    restore: {from: latest}\n")
	objs := Ensemble(z, z.Membership())
	assert.Empty(t, ofType[*corev1.PersistentVolumeClaim](objs), "no claim for an S3 target")
	pod := statefulSet(t, objs).Spec.Template
	containers := backupContainers(t, pod)
	for _, c := range containers {
		refs := map[string]string{}
		for _, ev := range c.Env {
			if ev.ValueFrom != nil && ev.ValueFrom.SecretKeyRef != nil {
				refs[ev.Name] = ev.ValueFrom.SecretKeyRef.Name + "/" + ev.ValueFrom.SecretKeyRef.Key
			}
			if ev.Name == "AWS_ACCESS_KEY_ID" || ev.Name == "AWS_SECRET_ACCESS_KEY" {
				assert.Empty(t, ev.Value, "credentials only from the Secret")
			}
		}
		assert.Equal(t, map[string]string{"AWS_ACCESS_KEY_ID": "s3-creds/id", "AWS_SECRET_ACCESS_KEY": "s3-creds/AWS_SECRET_ACCESS_KEY"}, refs, c.Name)
		assert.NotContains(t, mountsByName(c), volumeBackupTarget)
	}
	r := containers[1]
	m := mountsByName(r)
	assert.False(t, m[names.DataVolume].ReadOnly, "the restore writes the data volume")
	assert.Equal(t, []string{"bash", "/zkfn-backup/restore.sh"}, r.Command)
	assert.Equal(t, pod.Spec.Containers[0].SecurityContext, r.SecurityContext)
}

func sortedKeys(m map[string]string) []string {
	var out []string
	for _, k := range []string{KeyBackupLib, KeyBackupSTS, KeyBackup, KeyRestore} {
		if _, ok := m[k]; ok {
			out = append(out, k)
		}
	}
	if len(out) != len(m) {
		return nil
	}
	return out
}

func TestBackupToS3OpensEgressToTheBucketPort(t *testing.T) {
	for endpoint, port := range map[string]int32{"https://s3.example.com": 443, "http://minio.backup:9000": 9000, "http://minio.backup": 80} {
		z := spec(t, "  backup: {enabled: true, s3: {endpoint: '"+endpoint+"', bucket: zk-backups, credentialsSecret: {name: s3}}}\n")
		var found bool
		for _, np := range ofType[*networkingv1.NetworkPolicy](Ensemble(z, z.Membership())) {
			for _, eg := range np.Spec.Egress {
				if len(eg.To) == 0 && len(eg.Ports) == 1 && eg.Ports[0].Port.IntVal == port {
					found = true
				}
			}
		}
		assert.True(t, found, "%s: no egress to port %d", endpoint, port)
	}
	egress := func(body string) int {
		z := spec(t, body)
		if nps := ofType[*networkingv1.NetworkPolicy](Ensemble(z, z.Membership())); len(nps) > 0 {
			return len(nps[0].Spec.Egress)
		}
		return -1
	}
	assert.Equal(t, egress("  replicas: 3\n"), egress("  backup: {enabled: true, volume: {claimName: b}}\n"), "a volume target needs no egress")
}
