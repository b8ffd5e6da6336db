package api

import (
	"net/url"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// WebIdentity is keyless access to the bucket: the backup sidecar trades
// a Kubernetes ServiceAccount token (projected into the sidecar alone,
// audience Audience) for temporary credentials with STS
// AssumeRoleWithWebIdentity, the exchange EKS's IAM Roles for Service
// Accounts makes. The function renders the token volume and the
// environment the EKS pod identity webhook would inject, so it works
// with or without the webhook.
type WebIdentity struct {
	// RoleARN is the IAM role to assume, e.g.
	// arn:aws:iam::123456789012:role/zk-backup. Its trust policy must
	// trust the cluster's OIDC issuer for the subject
	// system:serviceaccount:<namespace>:<name> and the audience.
	RoleARN string `json:"roleArn,omitempty"`
	// STSEndpoint is the STS base URL (default the region's,
	// https://sts.<region>.amazonaws.com, .amazonaws.com.cn in cn-*);
	// set it for an S3-compatible store with its own STS (MinIO).
	STSEndpoint string `json:"stsEndpoint,omitempty"`
	// Audience of the ServiceAccount token (default sts.amazonaws.com);
	// the identity provider registered in IAM must accept it.
	Audience string `json:"audience,omitempty"`
	// TokenExpirationSeconds is the token's lifetime, from 600 to 86400
	// (default 3600); the kubelet renews it after 80% of that.
	TokenExpirationSeconds *int64 `json:"tokenExpirationSeconds,omitempty"`
}

// Web identity defaults and bounds.
const (
	DefaultSTSAudience         = "sts.amazonaws.com"
	DefaultTokenExpiration     = 3600
	MinTokenExpiration         = 600 // the API server's floor for TokenRequest
	MaxTokenExpiration         = 86400
	maxRoleARN                 = 2048 // STS's limit for RoleArn
	exampleRoleARN             = "arn:aws:iam::123456789012:role/zk-backup"
	roleARNPattern             = `^arn:[a-z][a-z0-9-]{0,31}:iam::[0-9]{0,12}:role/[A-Za-z0-9+=,.@_/-]+$`
	webIdentityAndSecretFixMsg = "choose one: webIdentity (keyless, a role to assume) or credentialsSecret (static keys)"
)

var roleARN = lazyRegexp(roleARNPattern)

func (w *WebIdentity) defaults(region string) {
	setString(&w.Audience, DefaultSTSAudience)
	setString(&w.STSEndpoint, RegionalSTSEndpoint(region))
	if w.TokenExpirationSeconds == nil {
		v := int64(DefaultTokenExpiration)
		w.TokenExpirationSeconds = &v
	}
}

// RegionalSTSEndpoint is AWS STS's endpoint in region: regional endpoints
// are the ones in the region's own partition and keep working when the
// global endpoint (us-east-1) does not.
func RegionalSTSEndpoint(region string) string {
	if strings.HasPrefix(region, "cn-") {
		return "https://sts." + region + ".amazonaws.com.cn"
	}
	return "https://sts." + region + ".amazonaws.com"
}

// checkCredentials: exactly one of webIdentity and credentialsSecret.
func (t *S3Target) checkCredentials(ps *Problems, p string) {
	w := t.WebIdentity
	if w == nil {
		t.CredentialsSecret.check(ps, p+".credentialsSecret")
		return
	}
	if t.CredentialsSecret != (SecretRef{}) {
		ps.errorf(p+".credentialsSecret", "is set together with %s.webIdentity; %s", p, webIdentityAndSecretFixMsg)
	}
	w.check(ps, p+".webIdentity")
	t.checkKeylessStore(ps, p)
}

// checkKeylessStore refuses stores that take no STS credentials and warns
// when AWS STS is the default for a store that is not AWS S3.
func (t *S3Target) checkKeylessStore(ps *Problems, p string) {
	u, err := url.Parse(t.Endpoint)
	if err != nil {
		return
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case host == "storage.googleapis.com" || strings.HasSuffix(host, ".storage.googleapis.com"):
		ps.errorf(p+".webIdentity", "cannot work with Google Cloud Storage: its S3-compatible XML API signs with HMAC keys only and takes no AWS STS credentials, and GKE Workload Identity yields Google OAuth tokens, not keys; use credentialsSecret with an HMAC key of a Google service account, or a volume target (docs/backup.md)")
	case host != "" && !strings.HasSuffix(host, ".amazonaws.com") && !strings.HasSuffix(host, ".amazonaws.com.cn") &&
		t.WebIdentity.STSEndpoint == RegionalSTSEndpoint(t.Region):
		ps.warnf(p+".webIdentity.stsEndpoint", "defaults to AWS STS (%s), but %q is not Amazon S3, which alone accepts AWS's temporary credentials; set stsEndpoint to the store's own STS (MinIO: its endpoint)", t.WebIdentity.STSEndpoint, clip(t.Endpoint))
	}
}

func (c SecretRef) check(ps *Problems, p string) {
	if c.Name == "" {
		ps.errorf(p+".name", "is required: the Secret holding the access key (keys %s and %s); credentials are never taken inline. Without static keys, set the sibling webIdentity.roleArn instead", c.AccessKeyIDKey, c.SecretAccessKeyKey)
	} else if errs := validation.IsDNS1123Subdomain(c.Name); len(errs) > 0 {
		ps.errorf(p+".name", "%q is not a Secret name (%s)", clip(c.Name), errs[0])
	}
	for _, k := range [][2]string{{"accessKeyIDKey", c.AccessKeyIDKey}, {"secretAccessKeyKey", c.SecretAccessKeyKey}} {
		if errs := validation.IsConfigMapKey(k[1]); len(errs) > 0 {
			ps.errorf(p+"."+k[0], "%q is not a Secret key (%s)", clip(k[1]), errs[0])
		}
	}
}

func (w *WebIdentity) check(ps *Problems, p string) {
	switch {
	case w.RoleARN == "":
		ps.errorf(p+".roleArn", "is required: the IAM role the sidecar assumes, e.g. %s", exampleRoleARN)
	case len(w.RoleARN) > maxRoleARN || !roleARN().MatchString(w.RoleARN):
		ps.errorf(p+".roleArn", "%q is not an IAM role ARN (arn:<partition>:iam::<account>:role/<path and name>, letters, digits and +=,.@_/- only, at most %d characters); use e.g. %s", clip(w.RoleARN), maxRoleARN, exampleRoleARN)
	}
	checkBaseURL(ps, p+".stsEndpoint", w.STSEndpoint, "https://sts.eu-west-1.amazonaws.com")
	if a := w.Audience; a == "" || len(a) > 256 || strings.ContainsAny(a, " \t\r\n\"'\\,") {
		ps.errorf(p+".audience", "%q is not a token audience: 1 to 256 characters without spaces, quotes, backslashes or commas; use %s for AWS", clip(a), DefaultSTSAudience)
	}
	if e := *w.TokenExpirationSeconds; e < MinTokenExpiration || e > MaxTokenExpiration {
		ps.errorf(p+".tokenExpirationSeconds", "is %d; use %d to %d seconds (the API server refuses shorter tokens), e.g. %d", e, MinTokenExpiration, MaxTokenExpiration, DefaultTokenExpiration)
	}
}

// checkBaseURL: an http(s) base URL, nothing after the host and port.
func checkBaseURL(ps *Problems, p, v, example string) {
	u, err := url.Parse(v)
	switch {
	case v == "":
		ps.errorf(p, "is required: a base URL, e.g. %s", example)
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(v, "#") || (u.Path != "" && u.Path != "/"):
		ps.errorf(p, "%q is not an http(s) base URL without credentials, path, query or #fragment; use e.g. %s", clip(v), example)
	default:
		checkEndpointHost(ps, p, u)
		if u.Scheme == "http" {
			ps.warnf(p, "%q is plain http: requests and credentials cross the network unencrypted; use https outside a trusted network", clip(v))
		}
	}
}

// IRSAAnnotation is the ServiceAccount annotation of EKS's pod identity
// webhook.
const IRSAAnnotation = "eks.amazonaws.com/role-arn"

// checkIRSAAnnotation warns when the ServiceAccount is annotated for the
// EKS webhook while the backups use static keys: the annotation reads as
// "keyless", but the sidecar keeps signing with the Secret's keys.
func (s *Spec) checkIRSAAnnotation(ps *Problems) {
	t := s.Backup.S3
	if _, ok := s.ServiceAccount.Annotations[IRSAAnnotation]; !ok || t == nil || t.WebIdentity != nil {
		return
	}
	ps.warnf("spec.serviceAccount.annotations["+IRSAAnnotation+"]", "makes the EKS webhook hand this role to every container, but the backup sidecar signs with the static keys of spec.backup.s3.credentialsSecret; to back up without keys, set spec.backup.s3.webIdentity.roleArn instead (it needs no annotation)")
}
