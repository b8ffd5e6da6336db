//go:build e2e

package backup

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// keylessInput is what the keyless run needs besides the S3 server: the
// role the pods assume at the server's STS and that role's trust policy
// (the subject an IRSA trust policy names; the audience the server's
// OIDC provider accepts), how long its credentials last (short, so the
// run sees them expire), and from the API server its issuer, JWKS and
// the pods' tokens.
type keylessInput struct {
	JWKSAddr, Role, Audience, Subject string
	Lifetime                          time.Duration
	Issuer                            string
	JWKS                              json.RawMessage
	Tokens                            map[string][]string // pod -> tokens, in the order the kubelet would use them
	// Tokens the trust policy refuses: zk-0's for another audience (the
	// API server's default), the namespace's default ServiceAccount's.
	WrongAudience, OtherSubject string
}

func newKeylessInput(t *testing.T, rendered string) *keylessInput {
	in := &keylessInput{
		JWKSAddr: zkrun.TestAddr + ":9002", Role: "arn:aws:iam::123456789012:role/zk-backup",
		Audience: "sts.amazonaws.com", Subject: "system:serviceaccount:backup-e2e:zk",
		Lifetime: 45 * time.Second,
	}
	apiServerTokens(t, in, rendered)
	return in
}

// keyless is the server with its STS, and the pods' tokens.
type keyless struct {
	in       *keylessInput
	s3       *seaweed
	prefix   string
	audience string   // of the rendered projected token
	refusals []string // log lines of refusals the test provoked
	t        *testing.T
}

// startKeyless publishes the API server's JWKS on the bridge (where
// the S3 server's OIDC provider reads it, as IAM reads a cluster's) and
// starts the S3 server with its STS: the cluster's issuer as the OIDC
// provider "kubernetes", trusted for the audience sts.amazonaws.com, and
// the role of docs/backup.md: assumable by the ensemble's ServiceAccount
// only, allowed the sidecar's S3 actions under the prefix only.
func startKeyless(t *testing.T, work string, in *s3Input, r *zkrun.Rendered) *keyless {
	kin := in.Keyless
	publishJWKS(t, kin.JWKSAddr, kin.JWKS)
	aud, _ := projectedToken(t, r.StatefulSet.Spec.Template.Spec)
	s3 := startSeaweed(t, filepath.Join(work, "s3"), in, nil, iamConfig(kin, in.Bucket, in.Prefix))
	k := &keyless{in: kin, s3: s3, prefix: in.Prefix, audience: aud, t: t}
	k.checkTrust(t)
	return k
}

// iamConfig is SeaweedFS's advanced IAM config (-s3.iam.config).
func iamConfig(in *keylessInput, bucket, prefix string) map[string]any {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return map[string]any{
		"sts": map[string]any{"tokenDuration": in.Lifetime.String(), "maxSessionLength": "1h",
			"issuer": "seaweedfs-sts", "signingKey": base64.StdEncoding.EncodeToString(key)},
		"policy": map[string]any{"defaultEffect": "Deny"},
		"providers": []any{map[string]any{"name": "kubernetes", "type": "oidc", "enabled": true,
			"config": map[string]any{"issuer": in.Issuer, "clientIds": []string{in.Audience},
				"jwksUri": "http://" + in.JWKSAddr + "/openid/v1/jwks"}}},
		"policies": []any{map[string]any{"name": "zk-backup", "document": map[string]any{
			"Version": "2012-10-17",
			"Statement": []any{
				map[string]any{"Effect": "Allow", "Action": []string{"s3:PutObject", "s3:GetObject", "s3:DeleteObject"},
					"Resource": "arn:aws:s3:::" + bucket + "/" + prefix + "/*"},
				map[string]any{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::" + bucket,
					"Condition": map[string]any{"StringLike": map[string]any{"s3:prefix": prefix + "/*"}}},
			}}}},
		"roles": []any{map[string]any{"roleName": in.Role[strings.LastIndex(in.Role, "/")+1:], "roleArn": in.Role,
			"attachedPolicies": []string{"zk-backup"},
			"trustPolicy": map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
				"Effect": "Allow", "Principal": map[string]any{"Federated": "kubernetes"},
				"Action":    "sts:AssumeRoleWithWebIdentity",
				"Condition": map[string]any{"StringEquals": map[string]any{"oidc:sub": in.Subject}}}}}}},
	}
}

// publishJWKS serves the API server's JWKS, byte for byte, as a
// cluster whose issuer is not reachable publishes it (kOps: a bucket).
// The API server itself has stopped by now, outside the sandbox.
func publishJWKS(t *testing.T, addr string, doc []byte) {
	l, err := net.Listen("tcp", addr)
	must(t, err)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /openid/v1/jwks", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/jwk-set+json")
		_, _ = w.Write(doc)
	})
	srv := &http.Server{Handler: mux}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
}

// token is the pod's next token from the API server, which issued them
// for the rendered ServiceAccount, audience and lifetime.
func (k *keyless) token(pod, audience string, exp int64) string {
	q := k.in.Tokens[pod]
	if len(q) == 0 || audience != k.audience {
		k.t.Fatalf("no API server token left for %s (audience %s)", pod, audience)
	}
	tok := q[0]
	k.in.Tokens[pod] = q[1:]
	k.t.Logf("token for %s: audience %s, %ds, %s", pod, audience, exp, tokenID(tok))
	return tok
}

// checkRefresh: every member assumed the role; one exchange served a
// whole round; and after the kubelet rotates a token and the credentials
// expire, S3 refuses them and the sidecar trades the token it finds in
// the file now: first one STS refuses (another audience), so a sidecar
// that kept the old token would go on unnoticed, then a valid one.
func (k *keyless) checkRefresh(t *testing.T, a *zkrun.Ensemble) {
	for _, m := range a.Members {
		if len(exchanges(m, "backup")) == 0 {
			t.Fatalf("%s stored archives without assuming the role", m.Pod)
		}
	}
	if n := len(exchanges(a.Members[1], "backup")); n != 1 {
		t.Errorf("%s made %d exchanges for one round (a PUT, a listing and more); want 1: the credentials are cached", a.Members[1].Pod, n)
	}
	m0 := a.Members[0]
	before := exchanges(m0, "backup")
	cred, expires := cached(t, a, m0)
	if last := before[len(before)-1]; cred.id != last.key {
		t.Fatalf("%s's cache holds %s, its last exchange logged %s", m0.Pod, cred.id, last.key)
	}
	// (Unless a slow machine let them age to their last seconds.)
	if p := k.probe(t, cred, k.prefix+"/"); !p.ok() && time.Until(expires) > 5*time.Second {
		t.Fatalf("a request with %s's fresh credentials was refused: %s", m0.Pod, p)
	}
	k.checkRotation(t, m0, cred, expires)
}

// checkRotation: the token file changes (first to one STS refuses) and
// the credentials expire; the sidecar must trade what the file holds now.
func (k *keyless) checkRotation(t *testing.T, m0 *zkrun.Member, cred credential, expires time.Time) {
	before := exchanges(m0, "backup")
	m0.RotateTokens(t) // the one for another audience
	wait := time.Until(expires) + time.Second
	t.Logf("%s: %d exchange(s) so far; token rotated; waiting %s for %s to expire", m0.Pod, len(before), wait.Round(time.Second), cred.id)
	time.Sleep(wait)
	p := k.probe(t, cred, k.prefix+"/")
	if p.ok() {
		t.Fatalf("S3 took %s's credentials after they expired", m0.Pod)
	}
	t.Logf("S3 refuses the expired credentials: %s", p)
	round := runRound(t, m0)
	if strings.Contains(round, "stored ") || !strings.Contains(round, "STS AssumeRoleWithWebIdentity for "+k.in.Role) {
		t.Fatalf("%s did not trade the rotated token (one for another audience, which STS refuses):\n%s", m0.Pod, round)
	}
	k.refusals = append(k.refusals, refusalLines(round)...)
	t.Logf("%s traded the rotated token: %s", m0.Pod, strings.Join(refusalLines(round), " | "))
	m0.RotateTokens(t) // a valid one again
	runSidecar(t, m0)
	after := exchanges(m0, "backup")
	if len(after) != len(before)+1 {
		t.Fatalf("%s made %d exchange(s) after its credentials expired, want 1", m0.Pod, len(after)-len(before))
	}
	t.Logf("%s renewed after expiry: %s -> %s (until %s)", m0.Pod, cred.id, after[len(after)-1].key, after[len(after)-1].until)
}

// checkRestored: each restore init container assumed the role itself.
func (k *keyless) checkRestored(t *testing.T, b *zkrun.Ensemble) {
	n := 0
	for _, m := range b.Members {
		e := exchanges(m, "restore")
		if len(e) == 0 {
			t.Errorf("%s restored without assuming the role", m.Pod)
		}
		n += len(e)
	}
	t.Logf("the restore init containers made %d exchange(s) for %d members", n, len(b.Members))
}
