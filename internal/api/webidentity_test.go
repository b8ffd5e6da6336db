package api_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// s3Spec is a spec with an S3 target; extra goes inside s3.
func s3Spec(extra string) string { return header + "spec:\n  " + s3Body(extra) + "\n" }

// s3Body is spec.backup with an S3 target, extra added to its s3 fields.
func s3Body(extra string) string {
	return "backup: {enabled: true, s3: {endpoint: 'https://s3.eu-west-1.amazonaws.com', bucket: zk-backups, region: eu-west-1" + extra + "}}"
}

func TestWebIdentityDefaults(t *testing.T) {
	z, _ := decodeValid(t, s3Spec(", webIdentity: {roleArn: 'arn:aws:iam::123456789012:role/zk-backup'}"))
	s3 := z.Spec.Backup.S3
	w := s3.WebIdentity
	assert.Equal(t, "https://sts.eu-west-1.amazonaws.com", w.STSEndpoint, "the regional STS endpoint")
	assert.Equal(t, "sts.amazonaws.com", w.Audience)
	assert.EqualValues(t, 3600, *w.TokenExpirationSeconds)
	assert.Empty(t, s3.CredentialsSecret, "no key defaults without a Secret")

	z, _ = decodeValid(t, header+"spec:\n  backup: {enabled: true, s3: {endpoint: 'https://s3.cn-north-1.amazonaws.com.cn', bucket: zk-backups, region: cn-north-1, webIdentity: {roleArn: 'arn:aws-cn:iam::123456789012:role/zk'}}}\n")
	assert.Equal(t, "https://sts.cn-north-1.amazonaws.com.cn", z.Spec.Backup.S3.WebIdentity.STSEndpoint, "China regions have their own partition")

	// An S3-compatible STS.
	decodeValid(t, s3Spec(", webIdentity: {roleArn: 'arn:minio:iam:::role/zk', stsEndpoint: 'https://minio.backup:9000', audience: minio, tokenExpirationSeconds: 600}"))
}

func TestWebIdentityErrors(t *testing.T) {
	const w = ", webIdentity: {roleArn: 'arn:aws:iam::123456789012:role/zk'"
	cases := map[string]specError{
		"neither":             {s3Body(""), "spec.backup.s3.credentialsSecret.name", "webIdentity.roleArn instead"},
		"both":                {s3Body(", credentialsSecret: {name: s3}" + w + "}"), "spec.backup.s3.credentialsSecret", "choose one"},
		"both, only key set":  {s3Body(", credentialsSecret: {accessKeyIDKey: id}" + w + "}"), "spec.backup.s3.credentialsSecret", "choose one"},
		"no role":             {s3Body(", webIdentity: {}"), "spec.backup.s3.webIdentity.roleArn", "is required"},
		"empty role":          {s3Body(", webIdentity: {roleArn: ''}"), "spec.backup.s3.webIdentity.roleArn", "is required"},
		"quote in role":       {s3Body(`, webIdentity: {roleArn: 'arn:aws:iam::123456789012:role/zk"x'}`), "spec.backup.s3.webIdentity.roleArn", "not an IAM role ARN"},
		"newline in role":     {s3Body(`, webIdentity: {roleArn: "arn:aws:iam::123456789012:role/zk\nx"}`), "spec.backup.s3.webIdentity.roleArn", "not an IAM role ARN"},
		"space in role":       {s3Body(`, webIdentity: {roleArn: 'arn:aws:iam::123456789012:role/zk x'}`), "spec.backup.s3.webIdentity.roleArn", "not an IAM role ARN"},
		"user, not role":      {s3Body(`, webIdentity: {roleArn: 'arn:aws:iam::123456789012:user/zk'}`), "spec.backup.s3.webIdentity.roleArn", "not an IAM role ARN"},
		"huge role":           {s3Body(`, webIdentity: {roleArn: 'arn:aws:iam::123456789012:role/` + strings.Repeat("a", 3000) + `'}`), "spec.backup.s3.webIdentity.roleArn", "at most 2048"},
		"sts with path":       {s3Body(w + ", stsEndpoint: 'https://sts.example.com/x'}"), "spec.backup.s3.webIdentity.stsEndpoint", "not an http(s) base URL"},
		"sts with query":      {s3Body(w + ", stsEndpoint: 'https://sts.example.com?Action=x'}"), "spec.backup.s3.webIdentity.stsEndpoint", "not an http(s) base URL"},
		"sts not a url":       {s3Body(w + ", stsEndpoint: 'sts.example.com'}"), "spec.backup.s3.webIdentity.stsEndpoint", "not an http(s) base URL"},
		"sts bad port":        {s3Body(w + ", stsEndpoint: 'https://sts.example.com:99999'}"), "spec.backup.s3.webIdentity.stsEndpoint", "port"},
		"audience with comma": {s3Body(w + ", audience: 'a,b'}"), "spec.backup.s3.webIdentity.audience", "not a token audience"},
		"short token":         {s3Body(w + ", tokenExpirationSeconds: 60}"), "spec.backup.s3.webIdentity.tokenExpirationSeconds", "is 60"},
		"long token":          {s3Body(w + ", tokenExpirationSeconds: 864000}"), "spec.backup.s3.webIdentity.tokenExpirationSeconds", "is 864000"},
	}
	requireSpecErrors(t, cases)
}

func TestWebIdentityStores(t *testing.T) {
	const role = ", webIdentity: {roleArn: 'arn:aws:iam::123456789012:role/zk'}"
	gcs := header + "spec:\n  backup: {enabled: true, s3: {endpoint: 'https://storage.googleapis.com', bucket: zk-backups" + role + "}}\n"
	_, ps := decode(t, gcs)
	requireProblem(t, ps, "spec.backup.s3.webIdentity", "HMAC keys only")

	minio := header + "spec:\n  backup: {enabled: true, s3: {endpoint: 'https://minio.backup:9000', bucket: zk-backups" + role + "}}\n"
	_, ps = decodeValid(t, minio)
	assert.True(t, hasWarning(ps, "spec.backup.s3.webIdentity.stsEndpoint", ""), "AWS STS by default for a store that is not S3: %v", ps)

	_, ps = decode(t, strings.Replace(minio, "zk'}", "zk', stsEndpoint: 'https://minio.backup:9000'}", 1))
	for _, p := range ps {
		assert.NotEqual(t, "spec.backup.s3.webIdentity.stsEndpoint", p.Path, "an explicit STS: %v", p)
	}
}

func TestIRSAAnnotationWithStaticKeysWarns(t *testing.T) {
	const ann = "  serviceAccount: {annotations: {eks.amazonaws.com/role-arn: 'arn:aws:iam::123456789012:role/zk'}}\n"
	warned := func(body string) bool {
		_, ps := decodeValid(t, body)
		return hasWarning(ps, "spec.serviceAccount.annotations[eks.amazonaws.com/role-arn]", "")
	}
	assert.True(t, warned(s3Spec(", credentialsSecret: {name: s3}")+ann), "static keys and the IRSA annotation")
	assert.False(t, warned(s3Spec(", webIdentity: {roleArn: 'arn:aws:iam::123456789012:role/zk'}")+ann), "keyless")
	assert.False(t, warned(s3Spec(", credentialsSecret: {name: s3}")), "no annotation")
}
