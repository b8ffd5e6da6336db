//go:build e2e

package backup

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeSTS is the suite's AWS STS: AssumeRoleWithWebIdentity as Amazon
// documents it. The token must be a JWT signed by a key of the issuer's
// JWKS, from that issuer, for the role's trusted audience and subject
// (an IAM role trust policy's conditions on <issuer>:aud and :sub), not
// expired. It answers with temporary credentials (an ASIA key id, a
// secret, a session token, an Expiration) that the S3 server then
// accepts until they expire, and only with the session token signed.
type fakeSTS struct {
	issuer   string
	keys     jwks
	roles    map[string]trust // role ARN -> its trust policy
	lifetime time.Duration    // of the credentials it issues
	s3       *fakeS3

	mu      sync.Mutex
	calls   []stsCall
	refused []string
}

// trust is the condition of a role's trust policy for the issuer.
type trust struct{ aud, sub string }

// stsCall is one granted exchange; Token names the token (tokenID).
type stsCall struct {
	Session, Token, AccessKey string
	Expires                   time.Time
}

var sessionName = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

func startFakeSTS(t *testing.T, addr string, s *fakeSTS) *fakeSTS {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	must(t, err)
	srv := &http.Server{Handler: s}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

func (s *fakeSTS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, http.StatusBadRequest, "MalformedInput", err.Error())
		return
	}
	f := r.Form
	switch {
	case f.Get("Action") != "AssumeRoleWithWebIdentity":
		s.fail(w, http.StatusBadRequest, "InvalidAction", "Could not find operation "+f.Get("Action"))
		return
	case f.Get("Version") != "2011-06-15":
		s.fail(w, http.StatusBadRequest, "InvalidParameterValue", "Version must be 2011-06-15")
		return
	case !sessionName.MatchString(f.Get("RoleSessionName")):
		s.fail(w, http.StatusBadRequest, "ValidationError", "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint")
		return
	}
	c, code, status, why := s.check(f.Get("RoleArn"), f.Get("WebIdentityToken"))
	if why != "" {
		s.fail(w, status, code, why)
		return
	}
	s.grant(w, f.Get("RoleArn"), f.Get("RoleSessionName"), c, tokenID(f.Get("WebIdentityToken")))
}

// check applies the role's trust policy to the token: the AWS error code,
// HTTP status and message when it does not pass.
func (s *fakeSTS) check(role, token string) (claims, string, int, string) {
	tr, ok := s.roles[role]
	if !ok {
		return claims{}, "AccessDenied", http.StatusForbidden, "Not authorized to perform sts:AssumeRoleWithWebIdentity"
	}
	c, err := verifyJWT(token, s.keys)
	switch {
	case err != nil:
		return c, "InvalidIdentityToken", http.StatusBadRequest, "Couldn't verify the token: " + err.Error()
	case c.Iss != s.issuer:
		return c, "InvalidIdentityToken", http.StatusBadRequest, "No OpenIDConnect provider found in your account for " + c.Iss
	case !contains(c.audiences(), tr.aud):
		return c, "InvalidIdentityToken", http.StatusBadRequest, "Incorrect token audience"
	case time.Now().Unix() >= c.Exp:
		return c, "ExpiredTokenException", http.StatusBadRequest, fmt.Sprintf("Token expired: current date/time %s must be before the expiration date/time %s",
			time.Now().UTC().Format(time.RFC3339), time.Unix(c.Exp, 0).UTC().Format(time.RFC3339))
	case c.Nbf > time.Now().Add(5*time.Second).Unix():
		return c, "InvalidIdentityToken", http.StatusBadRequest, "Token is not valid yet"
	case c.Sub != tr.sub:
		return c, "AccessDenied", http.StatusForbidden, "Not authorized to perform sts:AssumeRoleWithWebIdentity"
	}
	return c, "", 0, ""
}

func (s *fakeSTS) grant(w http.ResponseWriter, role, session string, c claims, tok string) {
	key := "ASIA" + strings.ToUpper(randHex(8))
	secret := randB64(30)
	token := "FwoGZXIvYXdzE" + randB64(180) // has / + =, like AWS's
	exp := time.Now().Add(s.lifetime).UTC().Truncate(time.Second)
	s.s3.addCredential(key, credential{secret: secret, token: token, expires: exp})
	s.mu.Lock()
	s.calls = append(s.calls, stsCall{Session: session, Token: tok, AccessKey: key, Expires: exp})
	s.mu.Unlock()
	account := strings.Split(role, ":")[4]
	name := role[strings.LastIndex(role, "/")+1:]
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>%s</SubjectFromWebIdentityToken>
    <Audience>%s</Audience>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::%s:assumed-role/%s/%s</Arn>
      <AssumedRoleId>AROA%s:%s</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>%s</SessionToken>
      <SecretAccessKey>%s</SecretAccessKey>
      <Expiration>%s</Expiration>
      <AccessKeyId>%s</AccessKeyId>
    </Credentials>
    <Provider>%s</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>
`, esc(c.Sub), esc(strings.Join(c.audiences(), ",")), account, esc(name), esc(session), strings.ToUpper(randHex(8)), esc(session),
		esc(token), esc(secret), exp.Format("2006-01-02T15:04:05Z"), key, esc(c.Iss), randHex(16))
}

// fail answers as STS does: an ErrorResponse document.
func (s *fakeSTS) fail(w http.ResponseWriter, status int, code, msg string) {
	s.mu.Lock()
	s.refused = append(s.refused, code+": "+msg)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	typ := "Sender"
	fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error>
  <RequestId>%s</RequestId>
</ErrorResponse>
`, typ, code, esc(msg), randHex(16))
}

// granted is a copy of the exchanges so far.
func (s *fakeSTS) granted() []stsCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]stsCall(nil), s.calls...)
}

func (s *fakeSTS) callsFor(session string) []stsCall {
	var out []stsCall
	for _, c := range s.granted() {
		if c.Session == session {
			out = append(out, c)
		}
	}
	return out
}

func esc(s string) string { return html.EscapeString(s) }

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func randB64(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// tokenID names a token in logs without printing it.
func tokenID(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return "sha256:" + hex.EncodeToString(sum[:4]) + " (" + strconv.Itoa(len(tok)) + " bytes)"
}
