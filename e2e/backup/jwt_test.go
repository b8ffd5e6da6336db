//go:build e2e

package backup

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"
)

// jwks is a JSON Web Key Set, as an OIDC issuer publishes it
// (kube-apiserver: /openid/v1/jwks): RSA and P-256 keys by kid.
type jwks struct {
	Keys []struct {
		Kty, Kid, Alg, Use, N, E, Crv, X, Y string
	} `json:"keys"`
}

func (k jwks) key(kid string) (crypto.PublicKey, error) {
	for _, j := range k.Keys {
		if j.Kid != kid && !(kid == "" && len(k.Keys) == 1) {
			continue
		}
		b := func(s string) *big.Int {
			d, _ := base64.RawURLEncoding.DecodeString(s)
			return new(big.Int).SetBytes(d)
		}
		switch j.Kty {
		case "RSA":
			return &rsa.PublicKey{N: b(j.N), E: int(b(j.E).Int64())}, nil
		case "EC":
			if j.Crv != "P-256" {
				return nil, fmt.Errorf("curve %s", j.Crv)
			}
			return &ecdsa.PublicKey{Curve: elliptic.P256(), X: b(j.X), Y: b(j.Y)}, nil
		}
		return nil, fmt.Errorf("key type %s", j.Kty)
	}
	return nil, fmt.Errorf("no key %q in the issuer's JWKS", kid)
}

// claims are the JWT claims STS checks.
type claims struct {
	Iss string          `json:"iss"`
	Sub string          `json:"sub"`
	Aud json.RawMessage `json:"aud"` // a string or a list
	Exp int64           `json:"exp"`
	Nbf int64           `json:"nbf"`
	Iat int64           `json:"iat"`
	Jti string          `json:"jti"`
}

func (c claims) audiences() []string {
	var one string
	if json.Unmarshal(c.Aud, &one) == nil {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(c.Aud, &many)
	return many
}

// verifyJWT checks a compact JWS's signature (RS256 or ES256) against the
// key set and returns its claims; the caller checks them.
func verifyJWT(token string, keys jwks) (claims, error) {
	var c claims
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return c, fmt.Errorf("not a JWT")
	}
	var hdr struct{ Alg, Kid string }
	if err := decodeSegment(parts[0], &hdr); err != nil {
		return c, fmt.Errorf("header: %v", err)
	}
	pub, err := keys.key(hdr.Kid)
	if err != nil {
		return c, err
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return c, fmt.Errorf("signature encoding: %v", err)
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if hdr.Alg != "RS256" || rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], sig) != nil {
			return c, fmt.Errorf("signature does not verify (%s)", hdr.Alg)
		}
	case *ecdsa.PublicKey:
		r, s := new(big.Int).SetBytes(sig[:len(sig)/2]), new(big.Int).SetBytes(sig[len(sig)/2:])
		if hdr.Alg != "ES256" || len(sig) != 64 || !ecdsa.Verify(k, sum[:], r, s) {
			return c, fmt.Errorf("signature does not verify (%s)", hdr.Alg)
		}
	}
	return c, decodeSegment(parts[1], &c)
}

func decodeSegment(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// testIssuer mints ServiceAccount tokens the way kube-apiserver does
// (ES256, kid, iss, sub system:serviceaccount:<ns>:<name>, aud, exp, nbf,
// iat, jti), for runs without an API server.
type testIssuer struct {
	url string
	key *ecdsa.PrivateKey
	n   int
}

func newTestIssuer(t *testing.T, url string) *testIssuer {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	return &testIssuer{url: url, key: k}
}

func (i *testIssuer) jwks() jwks {
	var k jwks
	k.Keys = append(k.Keys, struct{ Kty, Kid, Alg, Use, N, E, Crv, X, Y string }{
		Kty: "EC", Kid: "test-key", Alg: "ES256", Use: "sig", Crv: "P-256",
		X: base64.RawURLEncoding.EncodeToString(i.key.X.FillBytes(make([]byte, 32))),
		Y: base64.RawURLEncoding.EncodeToString(i.key.Y.FillBytes(make([]byte, 32))),
	})
	return k
}

func (i *testIssuer) mint(t *testing.T, sub, aud string, life time.Duration) string {
	i.n++
	now := time.Now()
	seg := func(v any) string {
		b, err := json.Marshal(v)
		must(t, err)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	aj, _ := json.Marshal([]string{aud})
	in := seg(map[string]string{"alg": "ES256", "kid": "test-key", "typ": "JWT"}) + "." +
		seg(claims{Iss: i.url, Sub: sub, Aud: aj, Exp: now.Add(life).Unix(), Nbf: now.Unix(), Iat: now.Unix(), Jti: fmt.Sprintf("jti-%d", i.n)})
	sum := sha256.Sum256([]byte(in))
	r, s, err := ecdsa.Sign(rand.Reader, i.key, sum[:])
	must(t, err)
	sig := append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
	return in + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// The suite's STS must refuse what AWS STS refuses before its grants on
// the sidecar's exchanges mean anything.
func TestFakeSTSChecksTheTrustPolicy(t *testing.T) {
	const role, sub, aud = "arn:aws:iam::123456789012:role/zk-backup", "system:serviceaccount:backup-e2e:zk", "sts.amazonaws.com"
	iss := newTestIssuer(t, "https://issuer.test")
	other := newTestIssuer(t, "https://issuer.test")
	s := &fakeSTS{issuer: iss.url, keys: iss.jwks(), roles: map[string]trust{role: {aud: aud, sub: sub}}}
	hour := time.Hour
	cases := map[string]struct{ role, token, code string }{
		"granted":          {role, iss.mint(t, sub, aud, hour), ""},
		"wrong audience":   {role, iss.mint(t, sub, "kubernetes.default.svc", hour), "InvalidIdentityToken"},
		"expired":          {role, iss.mint(t, sub, aud, -time.Minute), "ExpiredTokenException"},
		"other subject":    {role, iss.mint(t, "system:serviceaccount:other:zk", aud, hour), "AccessDenied"},
		"unknown role":     {"arn:aws:iam::123456789012:role/other", iss.mint(t, sub, aud, hour), "AccessDenied"},
		"other signer":     {role, other.mint(t, sub, aud, hour), "InvalidIdentityToken"},
		"tampered payload": {role, tamper(iss.mint(t, sub, aud, hour)), "InvalidIdentityToken"},
		"not a JWT":        {role, "token", "InvalidIdentityToken"},
	}
	for name, tc := range cases {
		_, code, _, why := s.check(tc.role, tc.token)
		if code != tc.code {
			t.Errorf("%s: got %q (%s), want %q", name, code, why, tc.code)
		}
	}
}

// tamper swaps the payload for one with another subject, keeping the signature.
func tamper(tok string) string {
	p := strings.Split(tok, ".")
	b, _ := base64.RawURLEncoding.DecodeString(p[1])
	p[1] = base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(b), "backup-e2e", "backup-e2f", 1)))
	return strings.Join(p, ".")
}
