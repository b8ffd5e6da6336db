package render

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/zookeeper-fn/zookeeper-fn/internal/objcheck"
)

const keyless = "  backup:\n    enabled: true\n    s3: {endpoint: 'https://s3.eu-west-1.amazonaws.com', bucket: zk-backups, region: eu-west-1, webIdentity: {roleArn: 'arn:aws:iam::123456789012:role/zk-backup', tokenExpirationSeconds: 7200}}\n    restore: {from: latest}\n"

func TestBackupKeylessToS3(t *testing.T) {
	objs := renderAll(spec(t, keyless))
	pod := statefulSet(t, objs).Spec.Template
	for _, c := range backupContainers(t, pod) {
		for _, ev := range c.Env {
			assert.Nil(t, ev.ValueFrom, "%s: %s: no Secret in keyless mode", c.Name, ev.Name)
		}
		env := envValues(c)
		assert.Equal(t, "arn:aws:iam::123456789012:role/zk-backup", env["AWS_ROLE_ARN"], c.Name)
		assert.Equal(t, "/zkfn-aws-token/token", env["AWS_WEB_IDENTITY_TOKEN_FILE"], c.Name)
		assert.Equal(t, "https://sts.eu-west-1.amazonaws.com", env["STS_ENDPOINT"], c.Name)
		assert.Equal(t, "eu-west-1", env["AWS_REGION"], c.Name)
		assert.Equal(t, "regional", env["AWS_STS_REGIONAL_ENDPOINTS"], c.Name)
		assert.NotContains(t, env, "AWS_ACCESS_KEY_ID")
		m := mountsByName(c)[volumeAWSToken]
		assert.Equal(t, AWSTokenDir, m.MountPath, c.Name)
		assert.True(t, m.ReadOnly, c.Name)
	}
	zk := pod.Spec.Containers[0]
	assert.NotContains(t, mountsByName(zk), volumeAWSToken, "the ZooKeeper container never sees the token")
	assert.False(t, *pod.Spec.AutomountServiceAccountToken, "no API token: the projected one is for STS only")

	var vol *corev1.Volume
	for i, v := range pod.Spec.Volumes {
		if v.Name == volumeAWSToken {
			vol = &pod.Spec.Volumes[i]
		}
	}
	require.NotNil(t, vol, "the projected token volume")
	require.Len(t, vol.Projected.Sources, 1)
	tok := vol.Projected.Sources[0].ServiceAccountToken
	require.NotNil(t, tok)
	assert.Equal(t, "sts.amazonaws.com", tok.Audience)
	assert.EqualValues(t, 7200, *tok.ExpirationSeconds)
	assert.Equal(t, "token", tok.Path)

	assert.Empty(t, ofType[*corev1.Secret](objs), "a Secret rendered in keyless mode")
	assert.Empty(t, objcheck.Check(objs))
	res := restrictedResult(t, keyless)
	assert.True(t, res.Allowed, "%s: %s", res.ForbiddenReasons, res.ForbiddenDetails)
}

func TestBackupKeylessEgressToSTS(t *testing.T) {
	ports := func(body string) []int32 {
		nps := ofType[*networkingv1.NetworkPolicy](renderAll(spec(t, body)))
		require.NotEmpty(t, nps)
		eg := nps[0].Spec.Egress[len(nps[0].Spec.Egress)-1]
		var out []int32
		for _, p := range eg.Ports {
			out = append(out, p.Port.IntVal)
		}
		return out
	}
	assert.Equal(t, []int32{443}, ports(keyless), "S3 and STS share 443")
	assert.Equal(t, []int32{9000, 9001}, ports("  backup: {enabled: true, s3: {endpoint: 'http://minio:9000', bucket: zk-backups, webIdentity: {roleArn: 'arn:minio:iam:::role/zk', stsEndpoint: 'http://minio-sts:9001'}}}\n"))
}
