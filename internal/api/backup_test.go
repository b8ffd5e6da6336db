package api_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBackupDefaults(t *testing.T) {
	z, _ := decodeValid(t, header)
	assert.False(t, z.Spec.Backup.On(), "backups are off unless asked")

	z, _ = decodeValid(t, header+"spec: {backup: {enabled: true, volume: {}}}\n")
	b := z.Spec.Backup
	assert.Equal(t, "1h", b.Interval)
	assert.EqualValues(t, 3600, b.IntervalSeconds())
	assert.EqualValues(t, 7, *b.Retain)
	assert.Equal(t, "20Gi", b.Volume.Size.String(), "the function creates a claim when none is named")
	assert.Equal(t, "256Mi", b.Resources.Limits.Memory().String())

	z, _ = decodeValid(t, header+"spec: {backup: {enabled: true, s3: {endpoint: 'https://s3.example.com', bucket: zk-backups, credentialsSecret: {name: s3}}}}\n")
	s3 := z.Spec.Backup.S3
	assert.Equal(t, "ns/zk", s3.Prefix)
	assert.Equal(t, "us-east-1", s3.Region)
	assert.Equal(t, "AWS_ACCESS_KEY_ID", s3.CredentialsSecret.AccessKeyIDKey)
	assert.Equal(t, "AWS_SECRET_ACCESS_KEY", s3.CredentialsSecret.SecretAccessKeyKey)
}

func TestBackupErrors(t *testing.T) {
	s3 := func(extra string) string {
		return "backup: {enabled: true, s3: {endpoint: 'https://s3.example.com', bucket: zk-backups, credentialsSecret: {name: s3}" + extra + "}}"
	}
	cases := map[string]specError{
		"no target":          {"backup: {enabled: true}", "spec.backup", "names no target"},
		"two targets":        {"backup: {enabled: true, volume: {claimName: b}, s3: {bucket: x}}", "spec.backup", "choose one target"},
		"short interval":     {"backup: {enabled: true, interval: 1m, volume: {claimName: b}}", "spec.backup.interval", "at least 5m0s"},
		"not a duration":     {"backup: {enabled: true, interval: daily, volume: {claimName: b}}", "spec.backup.interval", `"daily" is not a duration`},
		"zero retain":        {"backup: {enabled: true, retain: 0, volume: {claimName: b}}", "spec.backup.retain", "is 0"},
		"claim and size":     {"backup: {enabled: true, volume: {claimName: b, size: 1Gi}}", "spec.backup.volume", "not both"},
		"bad claim":          {"backup: {enabled: true, volume: {claimName: B_1}}", "spec.backup.volume.claimName", "not a claim name"},
		"endpoint with path": {"backup: {enabled: true, s3: {endpoint: 'https://s3.example.com/zk-backups', bucket: zk-backups, credentialsSecret: {name: s3}}}", "spec.backup.s3.endpoint", "without credentials, path"},
		"no endpoint":        {"backup: {enabled: true, s3: {bucket: zk-backups, credentialsSecret: {name: s3}}}", "spec.backup.s3.endpoint", "is required"},
		"endpoint with key":  {"backup: {enabled: true, s3: {endpoint: 'https://AKIA:secret@s3.example.com', bucket: zk-backups, credentialsSecret: {name: s3}}}", "spec.backup.s3.endpoint", "without credentials"},
		"bad bucket":         {"backup: {enabled: true, s3: {endpoint: 'https://s3.example.com', bucket: Zk_Backups, credentialsSecret: {name: s3}}}", "spec.backup.s3.bucket", "not a bucket name"},
		"no secret":          {"backup: {enabled: true, s3: {endpoint: 'https://s3.example.com', bucket: zk-backups}}", "spec.backup.s3.credentialsSecret.name", "never taken inline"},
		"dot segment":        {s3(", prefix: 'a/../b'"), "spec.backup.s3.prefix", "not a key prefix"},
		"bad restore":        {"backup: {enabled: true, volume: {claimName: b}, restore: {from: yesterday}}", "spec.backup.restore.from", "not an archive"},
		"snappy snapshots":   {"zookeeper: {config: {snapshot.compression.method: snappy}}\n  backup: {enabled: true, volume: {claimName: b}}", "spec.zookeeper.config[snapshot.compression.method]", "cannot verify"},
		"inline credential":  {"backup: {enabled: true, s3: {accessKey: AKIA}}", "spec.backup.s3.accessKey", "unknown field"},
	}
	requireSpecErrors(t, cases)
}

func TestBackupWarnings(t *testing.T) {
	z, ps := decodeValid(t, header+"spec: {backup: {enabled: true, volume: {claimName: b}, restore: {from: latest}}}\n")
	assert.Equal(t, "latest", z.Spec.Backup.Restore.From)
	assert.True(t, hasWarning(ps, "spec.backup.restore", ""), "a restore left in the spec is worth a warning: %v", ps)

	decodeValid(t, header+"spec: {backup: {enabled: true, volume: {claimName: b}, restore: {from: zk-1/20260101T000000Z-0000000100000002.tar.gz}}}\n")
}
