package render

import (
	_ "embed"
	"net/url"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
	"github.com/zookeeper-fn/zookeeper-fn/internal/names"
)

// Keys of the backup ConfigMap, mounted at BackupScriptDir.
const (
	KeyBackup     = "backup.sh"
	KeyRestore    = "restore.sh"
	KeyBackupLib  = "backup-lib.sh"
	KeyBackupSTS  = "backup-sts.sh"
	BackupHashAnn = api.Group + "/backup-hash"
)

// Paths and names in the pod for backups.
const (
	BackupScriptDir  = "/zkfn-backup"
	BackupScratchDir = "/scratch"
	BackupTargetDir  = "/backup"
	BackupContainer  = "backup"
	RestoreContainer = "restore"

	volumeBackupScripts = "backup-scripts"
	volumeBackupScratch = "backup-scratch"
	volumeBackupTarget  = "backup-target"
)

var (
	//go:embed scripts/backup.sh
	backupScript string
	//go:embed scripts/restore.sh
	restoreScript string
	//go:embed scripts/backup-lib.sh
	backupLib string
	//go:embed scripts/backup-sts.sh
	backupSTS string
)

// BackupName is the name of the backup ConfigMap and of the claim the
// function creates for archives.
func BackupName(e names.Ensemble) string { return e.Name + "-backup" }

// Backup returns the backup objects (the scripts' ConfigMap, the archive
// claim when the function creates it) and adds the sidecar, and the
// restore init container when asked, to the StatefulSet's pods.
//
// A sidecar rather than a CronJob: the members' volumes are
// ReadWriteOnce, so only the member's own pod can read its snapshot and
// transaction logs; ZooKeeper 3.8 has no network command that streams
// them (the admin server's snapshot command is 3.9+ and sends no logs).
func Backup(z *api.ZookeeperSpec, e names.Ensemble, ensemble []Object) []Object {
	b := z.Spec.Backup
	if !b.On() {
		return nil
	}
	var sts *appsv1.StatefulSet
	for _, o := range ensemble {
		switch v := o.(type) {
		case *appsv1.StatefulSet:
			sts = v
		case *networkingv1.NetworkPolicy:
			if b.S3 != nil {
				v.Spec.Egress = append(v.Spec.Egress, s3Egress(b.S3))
			}
		}
	}
	cm := &corev1.ConfigMap{
		TypeMeta:   typeMeta("v1", "ConfigMap"),
		ObjectMeta: objectMeta(e, BackupName(e)),
		Data:       map[string]string{KeyBackup: backupScript, KeyRestore: restoreScript, KeyBackupLib: backupLib, KeyBackupSTS: backupSTS},
	}
	objs := []Object{cm}
	if v := b.Volume; v != nil && v.ClaimName == "" {
		objs = append(objs, backupClaim(e, v))
	}
	pod := &sts.Spec.Template
	pod.Annotations[BackupHashAnn] = ConfigHash(cm)
	pod.Spec.Volumes = append(pod.Spec.Volumes, backupVolumes(z, e)...)
	zk := pod.Spec.Containers[0]
	pod.Spec.Containers = append(pod.Spec.Containers, backupContainer(z, zk))
	if b.Restore != nil {
		pod.Spec.InitContainers = append(pod.Spec.InitContainers, restoreContainer(z, zk))
	}
	return objs
}

func backupClaim(e names.Ensemble, v *api.BackupVolume) *corev1.PersistentVolumeClaim {
	c := &corev1.PersistentVolumeClaim{
		TypeMeta:   typeMeta("v1", "PersistentVolumeClaim"),
		ObjectMeta: objectMeta(e, BackupName(e)),
		Spec: corev1.PersistentVolumeClaimSpec{
			// Every member's sidecar writes here, from any node.
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany},
			Resources: corev1.VolumeResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceStorage: *v.Size},
			},
		},
	}
	if v.ClassName != "" {
		class := v.ClassName
		c.Spec.StorageClassName = &class
	}
	return c
}

func backupVolumes(z *api.ZookeeperSpec, e names.Ensemble) []corev1.Volume {
	mode := int32(0o444)
	vols := []corev1.Volume{
		{Name: volumeBackupScripts, VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
			LocalObjectReference: corev1.LocalObjectReference{Name: BackupName(e)},
			DefaultMode:          &mode,
		}}},
		// Archives are built here before they are stored: the node's
		// ephemeral storage needs room for one archive.
		{Name: volumeBackupScratch, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
	}
	if v := z.Spec.Backup.Volume; v != nil {
		claim := v.ClaimName
		if claim == "" {
			claim = BackupName(e)
		}
		vols = append(vols, corev1.Volume{Name: volumeBackupTarget, VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: claim},
		}})
	}
	if s3 := z.Spec.Backup.S3; s3 != nil && s3.WebIdentity != nil {
		vols = append(vols, awsTokenVolume(s3.WebIdentity))
	}
	return vols
}

// backupEnv tells the scripts where zoo.cfg and the target are; S3
// credentials come from the Secret, or from STS for the ServiceAccount
// token, never from the spec.
func backupEnv(z *api.ZookeeperSpec) []corev1.EnvVar {
	b := z.Spec.Backup
	env := []corev1.EnvVar{
		{Name: "ZOOCFGDIR", Value: ConfDir},
		{Name: "BACKUP_SCRATCH", Value: BackupScratchDir},
		// The root filesystem is read-only; bash's large here-strings,
		// sort and mktemp write here.
		{Name: "TMPDIR", Value: BackupScratchDir},
	}
	if b.Volume != nil {
		return append(env, corev1.EnvVar{Name: "BACKUP_DIR", Value: BackupTargetDir})
	}
	s3 := b.S3
	secret := func(key string) *corev1.EnvVarSource {
		return &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: s3.CredentialsSecret.Name},
			Key:                  key,
		}}
	}
	env = append(env,
		corev1.EnvVar{Name: "S3_ENDPOINT", Value: s3.Endpoint},
		corev1.EnvVar{Name: "S3_BUCKET", Value: s3.Bucket},
		corev1.EnvVar{Name: "S3_PREFIX", Value: s3.Prefix},
		corev1.EnvVar{Name: "S3_REGION", Value: s3.Region},
	)
	if s3.WebIdentity != nil {
		return append(env, webIdentityEnv(s3)...)
	}
	return append(env,
		corev1.EnvVar{Name: "AWS_ACCESS_KEY_ID", ValueFrom: secret(s3.CredentialsSecret.AccessKeyIDKey)},
		corev1.EnvVar{Name: "AWS_SECRET_ACCESS_KEY", ValueFrom: secret(s3.CredentialsSecret.SecretAccessKeyKey)},
	)
}

// backupMounts are the ZooKeeper container's config and data mounts
// (read-only unless write is set) plus the scripts, scratch and target.
func backupMounts(z *api.ZookeeperSpec, zk corev1.Container, write bool) []corev1.VolumeMount {
	var m []corev1.VolumeMount
	for _, vm := range zk.VolumeMounts {
		switch vm.Name {
		case volumeConfig:
			m = append(m, vm)
		case names.DataVolume, names.DataLogVolume:
			vm.ReadOnly = !write
			m = append(m, vm)
		}
	}
	m = append(m,
		corev1.VolumeMount{Name: volumeBackupScripts, MountPath: BackupScriptDir, ReadOnly: true},
		corev1.VolumeMount{Name: volumeBackupScratch, MountPath: BackupScratchDir},
	)
	if z.Spec.Backup.Volume != nil {
		m = append(m, corev1.VolumeMount{Name: volumeBackupTarget, MountPath: BackupTargetDir, ReadOnly: write})
	}
	if s3 := z.Spec.Backup.S3; s3 != nil && s3.WebIdentity != nil {
		m = append(m, awsTokenMount())
	}
	return m
}

// backupContainer is the sidecar.
func backupContainer(z *api.ZookeeperSpec, zk corev1.Container) corev1.Container {
	b := z.Spec.Backup
	return scriptContainer(z, zk, BackupContainer, KeyBackup, false,
		corev1.EnvVar{Name: "BACKUP_INTERVAL_SECONDS", Value: strconv.FormatInt(b.IntervalSeconds(), 10)},
		corev1.EnvVar{Name: "BACKUP_RETAIN", Value: strconv.Itoa(int(*b.Retain))},
	)
}

// restoreContainer fills an empty data volume from an archive before the
// server starts; a volume with data is left alone.
func restoreContainer(z *api.ZookeeperSpec, zk corev1.Container) corev1.Container {
	return scriptContainer(z, zk, RestoreContainer, KeyRestore, true,
		corev1.EnvVar{Name: "RESTORE_FROM", Value: z.Spec.Backup.Restore.From})
}

// scriptContainer runs one of the backup scripts with the backup
// environment and extra. It runs in the ZooKeeper image, which has bash,
// tar, gzip, cmp and curl, under the same restricted security context as
// the server; restore mounts the data volumes writable.
func scriptContainer(z *api.ZookeeperSpec, zk corev1.Container, name, script string, restore bool, extra ...corev1.EnvVar) corev1.Container {
	return corev1.Container{
		Name:            name,
		Image:           zk.Image,
		ImagePullPolicy: zk.ImagePullPolicy,
		Command:         []string{"bash", BackupScriptDir + "/" + script},
		Env:             append(backupEnv(z), extra...),
		Resources:       z.Spec.Backup.Resources,
		VolumeMounts:    backupMounts(z, zk, restore),
		SecurityContext: zk.SecurityContext.DeepCopy(),
	}
}

// s3Egress lets the members' pods (the sidecar and the restore init
// container) reach the bucket's port, and STS's with webIdentity. An
// endpoint is a name that may resolve to any address, so the rule names
// ports only.
func s3Egress(s3 *api.S3Target) networkingv1.NetworkPolicyEgressRule {
	ports := []int32{urlPort(s3.Endpoint)}
	if w := s3.WebIdentity; w != nil {
		if p := urlPort(w.STSEndpoint); p != ports[0] {
			ports = append(ports, p)
		}
	}
	return networkingv1.NetworkPolicyEgressRule{Ports: tcpPorts(ports...)}
}

// urlPort is a validated base URL's port: explicit, or the scheme's.
func urlPort(endpoint string) int32 {
	port := int32(443)
	if u, err := url.Parse(endpoint); err == nil {
		if u.Scheme == "http" {
			port = 80
		}
		if p, err := strconv.Atoi(u.Port()); err == nil {
			port = int32(p)
		}
	}
	return port
}
