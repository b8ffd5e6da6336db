//go:build e2e

package backup

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// keylessInput is what the keyless run needs besides the S3 server: the
// suite's STS, the role it lets the pods assume and that role's trust
// policy (the subject and audience an IRSA trust policy names), how long
// its credentials last (short, so the run sees them expire), and from
// the API server its issuer, JWKS and the pods' tokens.
type keylessInput struct {
	STSAddr, Role, Audience, Subject string
	Lifetime                         time.Duration
	Issuer                           string
	JWKS                             json.RawMessage
	Tokens                           map[string][]string // pod -> tokens, in the order the kubelet would use them
}

func newKeylessInput(t *testing.T, rendered string) *keylessInput {
	in := &keylessInput{
		STSAddr: zkrun.TestAddr + ":9001", Role: "arn:aws:iam::123456789012:role/zk-backup",
		Audience: "sts.amazonaws.com", Subject: "system:serviceaccount:backup-e2e:zk",
		Lifetime: 45 * time.Second,
	}
	apiServerTokens(t, in, rendered)
	return in
}

// keyless is the running STS and the pods' tokens.
type keyless struct {
	in       *keylessInput
	sts      *fakeSTS
	s3       *fakeS3
	audience string // of the rendered projected token
	restored int    // exchanges before the restore
	t        *testing.T
}

func startKeyless(t *testing.T, in *keylessInput, s3 *fakeS3, r *zkrun.Rendered) *keyless {
	var keys jwks
	must(t, json.Unmarshal(in.JWKS, &keys))
	sts := startFakeSTS(t, in.STSAddr, &fakeSTS{issuer: in.Issuer, keys: keys, lifetime: in.Lifetime, s3: s3,
		roles: map[string]trust{in.Role: {aud: in.Audience, sub: in.Subject}}})
	aud, _ := projectedToken(t, r.StatefulSet.Spec.Template.Spec)
	k := &keyless{in: in, sts: sts, s3: s3, audience: aud, t: t}
	t.Cleanup(func() {
		for _, r := range sts.refused {
			t.Errorf("the STS refused: %s", r)
		}
	})
	return k
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
// expire, the sidecar trades the new token for new credentials, which S3
// accepts where it refuses the expired ones.
func (k *keyless) checkRefresh(t *testing.T, a *zkrun.Ensemble) {
	for _, m := range a.Members {
		if len(k.sts.callsFor(m.Pod)) == 0 {
			t.Fatalf("%s stored archives without assuming the role", m.Pod)
		}
	}
	if n := len(k.sts.callsFor(a.Members[1].Pod)); n != 1 {
		t.Errorf("%s made %d exchanges for one round (a PUT, a listing and more); want 1: the credentials are cached", a.Members[1].Pod, n)
	}
	m0 := a.Members[0]
	before := k.sts.callsFor(m0.Pod)
	last := before[len(before)-1]
	if why := k.s3.probe(last.AccessKey); why != "" {
		t.Fatalf("a request with %s's fresh credentials was refused: %s", m0.Pod, why)
	}
	m0.RotateTokens(t)
	wait := time.Until(last.Expires) + time.Second
	t.Logf("%s: %d exchange(s) so far; token rotated; waiting %s for %s to expire", m0.Pod, len(before), wait.Round(time.Second), last.AccessKey)
	time.Sleep(wait)
	if why := k.s3.probe(last.AccessKey); !strings.Contains(why, "ExpiredToken") {
		t.Fatalf("S3 took %s's credentials after they expired: %q", m0.Pod, why)
	}
	runSidecar(t, m0)
	after := k.sts.callsFor(m0.Pod)
	if len(after) <= len(before) {
		t.Fatalf("%s backed up after its credentials expired without a new exchange", m0.Pod)
	}
	renewed := after[len(before)]
	seen := map[string]bool{}
	for _, c := range before {
		seen[c.Token] = true
	}
	if seen[renewed.Token] {
		t.Errorf("%s renewed with an old token (%s): the token file is not read again", m0.Pod, renewed.Token)
	}
	t.Logf("%s renewed after expiry: %s -> %s (token %s, until %s)", m0.Pod, last.AccessKey, renewed.AccessKey, renewed.Token, renewed.Expires.Format(time.TimeOnly))
	k.restored = len(k.sts.granted())
}

// checkRestored: each restore init container assumed the role itself.
func (k *keyless) checkRestored(t *testing.T, b *zkrun.Ensemble) {
	if n := len(k.sts.granted()) - k.restored; n < len(b.Members) {
		t.Errorf("the restore made %d exchanges for %d members", n, len(b.Members))
	}
	t.Logf("STS: %d exchanges granted, none refused; S3 refused nothing", len(k.sts.granted()))
}

// probe is a ListObjectsV2 request signed with key's credentials, as the
// sidecar signs it: why S3 would refuse it, or "".
func (s *fakeS3) probe(key string) string {
	s.mu.Lock()
	c := s.creds[key]
	s.mu.Unlock()
	r := httptest.NewRequest("GET", "http://s3.test/"+s.bucket+"?list-type=2&prefix=probe", nil)
	amz := time.Now().UTC().Format("20060102T150405Z")
	sum := sha256.Sum256(nil)
	payload := hex.EncodeToString(sum[:])
	r.Header.Set("X-Amz-Date", amz)
	r.Header.Set("X-Amz-Content-Sha256", payload)
	r.Header.Set("X-Amz-Security-Token", c.token)
	const signed = "host;x-amz-content-sha256;x-amz-date;x-amz-security-token"
	headers := "host:" + r.Host + "\nx-amz-content-sha256:" + payload + "\nx-amz-date:" + amz + "\nx-amz-security-token:" + c.token
	sig := sigV4(c.secret, s.region, "GET", "/"+s.bucket, canonicalQuery(r.URL.Query()), headers, signed, payload, amz)
	r.Header.Set("Authorization", fmt.Sprintf("AWS4-HMAC-SHA256 Credential=%s/%s/%s/s3/aws4_request,SignedHeaders=%s,Signature=%s", key, amz[:8], s.region, signed, sig))
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.verify(r, nil)
}
