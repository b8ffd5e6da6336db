package api

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Backup configures the backup sidecar: every member copies its newest
// complete snapshot and the transaction logs that follow it into one
// archive, on a fixed interval, to a volume or an S3-compatible bucket.
type Backup struct {
	// Enabled turns on the backup sidecar (default false).
	Enabled *bool `json:"enabled,omitempty"`
	// Interval between backups of a member, a Go duration of at least 5m
	// (default 1h).
	Interval string `json:"interval,omitempty"`
	// Retain is how many archives each member keeps (default 7).
	Retain *int32 `json:"retain,omitempty"`
	// Volume is a ReadWriteMany volume the archives are written to.
	Volume *BackupVolume `json:"volume,omitempty"`
	// S3 is an S3-compatible bucket the archives are written to.
	S3 *S3Target `json:"s3,omitempty"`
	// Restore, when set, fills every member's empty data volume from one
	// archive before ZooKeeper starts (an init container). Members whose
	// volume already holds data are never touched.
	Restore *Restore `json:"restore,omitempty"`
	// Resources of the sidecar and the restore init container.
	Resources corev1.ResourceRequirements `json:"resources,omitempty"`
}

// BackupVolume names the claim the archives go to: an existing claim, or
// one the function creates (<name>-backup, ReadWriteMany).
type BackupVolume struct {
	// ClaimName of an existing ReadWriteMany claim. Leave empty to have
	// the function create <name>-backup.
	ClaimName string `json:"claimName,omitempty"`
	// Size of the claim the function creates.
	Size *resource.Quantity `json:"size,omitempty"`
	// ClassName of the claim the function creates; it must offer
	// ReadWriteMany (NFS, CephFS, EFS, Azure Files...).
	ClassName string `json:"className,omitempty"`
}

// S3Target is an S3-compatible bucket, reached with curl and requests
// the sidecar signs itself (AWS signature version 4, path-style).
type S3Target struct {
	// Endpoint is the bucket service's base URL, e.g.
	// https://s3.eu-west-1.amazonaws.com or http://minio.backup:9000.
	Endpoint string `json:"endpoint,omitempty"`
	// Bucket name; objects are addressed path-style (<endpoint>/<bucket>/<key>).
	Bucket string `json:"bucket,omitempty"`
	// Prefix of the object keys (default <namespace>/<name>).
	Prefix string `json:"prefix,omitempty"`
	// Region signed into each request (default us-east-1).
	Region string `json:"region,omitempty"`
	// CredentialsSecret names the Secret with the access key; the keys are
	// never written into the spec or the rendered objects. Leave it unset
	// with webIdentity.
	CredentialsSecret SecretRef `json:"credentialsSecret,omitempty"`
	// WebIdentity, instead of credentialsSecret: no static keys; the
	// sidecar assumes an IAM role with its ServiceAccount token (IRSA).
	WebIdentity *WebIdentity `json:"webIdentity,omitempty"`
}

// SecretRef points at the keys of a Secret in the ensemble's namespace.
type SecretRef struct {
	// Name of the Secret.
	Name string `json:"name,omitempty"`
	// AccessKeyIDKey is the key holding the access key id (default AWS_ACCESS_KEY_ID).
	AccessKeyIDKey string `json:"accessKeyIDKey,omitempty"`
	// SecretAccessKeyKey is the key holding the secret key (default AWS_SECRET_ACCESS_KEY).
	SecretAccessKeyKey string `json:"secretAccessKeyKey,omitempty"`
}

// Restore selects the archive a new ensemble starts from.
type Restore struct {
	// From is the archive, relative to the backup target
	// (<pod>/<archive>.tar.gz as the sidecar writes it), or "latest":
	// the archive with the highest zxid of any member.
	From string `json:"from,omitempty"`
}

// Backup defaults.
const (
	DefaultBackupInterval = "1h"
	DefaultBackupRetain   = 7
	MinBackupInterval     = 5 * time.Minute
	DefaultS3Region       = "us-east-1"
	RestoreLatest         = "latest"
)

// On reports whether backups are rendered.
func (b *Backup) On() bool { return b.Enabled != nil && *b.Enabled }

func (b *Backup) defaults(namespace, name string) {
	setBool(&b.Enabled, false)
	setString(&b.Interval, DefaultBackupInterval)
	setInt32(&b.Retain, DefaultBackupRetain)
	if v := b.Volume; v != nil && v.ClaimName == "" && v.Size == nil {
		q := resource.MustParse("20Gi")
		v.Size = &q
	}
	if s := b.S3; s != nil {
		if namespace == "" {
			namespace = "default"
		}
		setString(&s.Prefix, namespace+"/"+name)
		setString(&s.Region, DefaultS3Region)
		if s.WebIdentity != nil {
			// No key defaults: a credentialsSecret left set is an error.
			s.WebIdentity.defaults(s.Region)
		} else {
			setString(&s.CredentialsSecret.AccessKeyIDKey, "AWS_ACCESS_KEY_ID")
			setString(&s.CredentialsSecret.SecretAccessKeyKey, "AWS_SECRET_ACCESS_KEY")
		}
	}
	setResources(&b.Resources, "10m", "32Mi", "256Mi")
}

// IntervalSeconds is the backup interval in whole seconds.
func (b *Backup) IntervalSeconds() int64 {
	d, err := time.ParseDuration(b.Interval)
	if err != nil {
		return 0
	}
	return int64(d / time.Second)
}

// The patterns compile on first use: most specs have no backup, and every
// run of the function would pay for them at start-up.
var (
	bucketName  = lazyRegexp(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	keyPrefix   = lazyRegexp(`^[A-Za-z0-9!_.*'()/-]*$`)
	archiveName = lazyRegexp(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?-[0-9]+/[0-9]{8}T[0-9]{6}Z-[0-9a-f]{16}\.tar\.gz$`)
)

// lazyRegexp compiles pattern when first called.
func lazyRegexp(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}

func (s *Spec) checkBackup(ps *Problems) {
	b := &s.Backup
	const p = "spec.backup"
	if !b.On() {
		if b.Volume != nil || b.S3 != nil || b.Restore != nil {
			ps.warnf(p+".enabled", "is false: the backup settings are ignored; set spec.backup.enabled: true")
		}
		return
	}
	if d, err := time.ParseDuration(b.Interval); err != nil || d < MinBackupInterval {
		ps.errorf(p+".interval", "%q is not a duration of at least %s; use e.g. 1h or 30m", b.Interval, MinBackupInterval)
	}
	if *b.Retain < 1 || *b.Retain > 1000 {
		ps.errorf(p+".retain", "is %d; keep from 1 to 1000 archives per member, e.g. %d", *b.Retain, DefaultBackupRetain)
	}
	switch {
	case b.Volume == nil && b.S3 == nil:
		ps.errorf(p, "names no target: set spec.backup.volume (a ReadWriteMany claim) or spec.backup.s3 (a bucket)")
	case b.Volume != nil && b.S3 != nil:
		ps.errorf(p, "sets both volume and s3; choose one target")
	case b.Volume != nil:
		b.Volume.check(ps, p+".volume")
	default:
		b.S3.check(ps, p+".s3")
		s.checkIRSAAnnotation(ps)
	}
	if r := b.Restore; r != nil && r.From != RestoreLatest && !archiveName().MatchString(r.From) {
		ps.errorf(p+".restore.from", "%q is not an archive the sidecar writes; use latest or <pod>/<YYYYMMDDTHHMMSSZ>-<zxid>.tar.gz, e.g. zk-0/20260101T000000Z-0000000100000002.tar.gz", r.From)
	}
	if b.Restore != nil {
		ps.warnf(p+".restore", "restores every member whose data volume is empty, also later ones (a replaced volume would start from the archive and then sync from the leader); remove spec.backup.restore once the restored ensemble runs")
	}
	if m := s.ZooKeeper.Config["snapshot.compression.method"]; m == "snappy" {
		ps.errorf("spec.zookeeper.config[snapshot.compression.method]", "is snappy, which the backup sidecar cannot verify; use gz or leave it unset while spec.backup is enabled")
	}
	checkBackupResources(ps, p+".resources", b.Resources)
}

func (v *BackupVolume) check(ps *Problems, p string) {
	if v.ClaimName != "" {
		if errs := validation.IsDNS1123Subdomain(v.ClaimName); len(errs) > 0 {
			ps.errorf(p+".claimName", "%q is not a claim name (%s)", v.ClaimName, errs[0])
		}
		if v.Size != nil || v.ClassName != "" {
			ps.errorf(p, "sets claimName and size/className; name an existing claim or let the function create one, not both")
		}
		return
	}
	checkSize(ps, p+".size", v.Size)
	if v.ClassName != "" {
		if errs := validation.IsDNS1123Subdomain(v.ClassName); len(errs) > 0 {
			ps.errorf(p+".className", "%q is not a valid StorageClass name (%s)", v.ClassName, errs[0])
		}
	}
}

func (t *S3Target) check(ps *Problems, p string) {
	u, err := url.Parse(t.Endpoint)
	switch {
	case t.Endpoint == "":
		ps.errorf(p+".endpoint", "is required: the bucket service's base URL, e.g. https://s3.eu-west-1.amazonaws.com")
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(t.Endpoint, "#") || (u.Path != "" && u.Path != "/"):
		ps.errorf(p+".endpoint", "%q is not an http(s) base URL without credentials, path, query or #fragment (the bucket is a field of its own); use e.g. https://s3.eu-west-1.amazonaws.com", t.Endpoint)
	default:
		checkEndpointHost(ps, p+".endpoint", u)
	}
	switch {
	case err != nil:
	case u.Scheme == "http":
		ps.warnf(p+".endpoint", "%q is plain http: archives and signed requests cross the network unencrypted; use https outside a trusted network", t.Endpoint)
	}
	if !bucketName().MatchString(t.Bucket) {
		ps.errorf(p+".bucket", "%q is not a bucket name: 3 to 63 lower-case letters, digits, dots and dashes", t.Bucket)
	}
	if !keyPrefix().MatchString(t.Prefix) || strings.HasPrefix(t.Prefix, "/") || strings.Contains(t.Prefix, "//") || path.Clean("/"+t.Prefix) != "/"+strings.TrimSuffix(t.Prefix, "/") {
		ps.errorf(p+".prefix", "%q is not a key prefix: use letters, digits and !_.*'()-/ without leading, doubled or dot segments, e.g. zookeeper/prod", t.Prefix)
	}
	if strings.ContainsAny(t.Region, " \t\n:") || t.Region == "" {
		ps.errorf(p+".region", "%q is not a region name; use e.g. us-east-1", t.Region)
	}
	t.checkCredentials(ps, p)
}

func checkBackupResources(ps *Problems, p string, r corev1.ResourceRequirements) {
	for res, limit := range r.Limits {
		if req, ok := r.Requests[res]; ok && req.Cmp(limit) > 0 {
			ps.errorf(fmt.Sprintf("%s.requests.%s", p, res), "%s is above the limit %s; raise the limit or lower the request", req.String(), limit.String())
		}
	}
}
