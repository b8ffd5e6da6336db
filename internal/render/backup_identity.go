package render

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/zookeeper-fn/zookeeper-fn/internal/api"
)

// The ServiceAccount token of spec.backup.s3.webIdentity: the volume
// and file name the EKS pod identity webhook uses. The webhook adds
// neither a volume the pod already has nor a mount of it to a container
// that has one (it matches names, not paths), and leaves a container's
// AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE alone, so with or without
// it the backup containers run exactly as rendered. The directory is
// top-level like the scripts' (/zkfn-backup), not the webhook's
// /var/run/secrets/eks.amazonaws.com/serviceaccount, which would sit
// under the image's /var.
const (
	volumeAWSToken   = "aws-iam-token"
	AWSTokenDir      = "/zkfn-aws-token"
	awsTokenFile     = "token"
	AWSTokenFilePath = AWSTokenDir + "/" + awsTokenFile
)

// awsTokenVolume is the projected ServiceAccount token, mounted only by
// the backup sidecar and the restore init container: the pod's
// automountServiceAccountToken stays false, the ZooKeeper container
// never sees a token, and this one is only good for the audience (STS),
// not for the Kubernetes API.
func awsTokenVolume(w *api.WebIdentity) corev1.Volume {
	// No defaultMode: with the pod's fsGroup the kubelet writes the token
	// 0600, owned by the containers' common runAsUser.
	exp := *w.TokenExpirationSeconds
	return corev1.Volume{Name: volumeAWSToken, VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
		Sources: []corev1.VolumeProjection{{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{
			Audience:          w.Audience,
			ExpirationSeconds: &exp,
			Path:              awsTokenFile,
		}}},
	}}}
}

func awsTokenMount() corev1.VolumeMount {
	return corev1.VolumeMount{Name: volumeAWSToken, MountPath: AWSTokenDir, ReadOnly: true}
}

// webIdentityEnv is what the webhook would inject, and what the AWS SDKs
// read, plus STS_ENDPOINT for the scripts. AWS_REGION and
// AWS_STS_REGIONAL_ENDPOINTS keep the webhook from adding its own.
func webIdentityEnv(s3 *api.S3Target) []corev1.EnvVar {
	w := s3.WebIdentity
	return []corev1.EnvVar{
		{Name: "AWS_ROLE_ARN", Value: w.RoleARN},
		{Name: "AWS_WEB_IDENTITY_TOKEN_FILE", Value: AWSTokenFilePath},
		{Name: "AWS_REGION", Value: s3.Region},
		{Name: "AWS_STS_REGIONAL_ENDPOINTS", Value: "regional"},
		{Name: "STS_ENDPOINT", Value: w.STSEndpoint},
	}
}
