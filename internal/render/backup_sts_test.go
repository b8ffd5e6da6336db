package render

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These pin the sidecar's side of AssumeRoleWithWebIdentity against a
// small STS: the request's form, the response's parsing, the cache and
// the error log. The e2e-backup suite proves the whole exchange, JWT
// verification and temporary-credential signing included.

const stsToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ6ayJ9.c2lnbmF0dXJl-_"

type stubSTS struct {
	mu    sync.Mutex
	forms []map[string]string
	reply func(w http.ResponseWriter)
}

func (s *stubSTS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost || len(r.URL.RawQuery) > 0 {
		http.Error(w, "want a POST form", http.StatusBadRequest)
		return
	}
	f := map[string]string{}
	for k := range r.PostForm {
		f[k] = r.PostForm.Get(k)
	}
	s.mu.Lock()
	s.forms = append(s.forms, f)
	s.mu.Unlock()
	s.reply(w)
}

// granted answers with credentials that expire life after the request.
func granted(life time.Duration) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		exp := time.Now().Add(life)
		fmt.Fprintf(w, `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Credentials>
      <AccessKeyId>ASIAEXAMPLE</AccessKeyId>
      <SecretAccessKey>se/cr+et&amp;key</SecretAccessKey>
      <SessionToken>FwoG/session+token==</SessionToken>
      <Expiration>%s</Expiration>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
</AssumeRoleWithWebIdentityResponse>`, exp.UTC().Format(time.RFC3339))
	}
}

// runSTS runs script after sourcing the library with the token file and
// STS_ENDPOINT set.
func runSTS(t *testing.T, d zkDirs, url, script string) (string, error) {
	t.Helper()
	tok := filepath.Join(d.scratch, "token")
	require.NoError(t, os.WriteFile(tok, []byte(stsToken+"\n"), 0o600))
	// The scripts' own shell options.
	cmd := exec.Command("bash", "-c", `set -euo pipefail; . "$ZOOCFGDIR/`+KeyBackupLib+`"; `+script)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "ZOOCFGDIR=" + d.conf, "BACKUP_SCRATCH=" + d.scratch, "HOSTNAME=zk-0",
		"AWS_ROLE_ARN=arn:aws:iam::123456789012:role/zk-backup", "AWS_WEB_IDENTITY_TOKEN_FILE=" + tok, "STS_ENDPOINT=" + url}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestSTSCredentialsParsedAndCached(t *testing.T) {
	d := newZKDirs(t)
	sts := &stubSTS{reply: granted(time.Hour)}
	srv := httptest.NewServer(sts)
	defer srv.Close()
	out, err := runSTS(t, d, srv.URL, `s3_credentials; printf '%s|%s|%s\n' "$access_key" "$secret_key" "$session_token"; s3_credentials`)
	require.NoError(t, err, out)
	assert.Contains(t, out, "ASIAEXAMPLE|se/cr+et&key|FwoG/session+token==", "entities decoded, / + = kept")
	require.Len(t, sts.forms, 1, "the second call uses the cache")
	f := sts.forms[0]
	assert.Equal(t, map[string]string{"Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15",
		"RoleArn": "arn:aws:iam::123456789012:role/zk-backup", "RoleSessionName": "zk-0", "WebIdentityToken": stsToken}, f)
	st, err := os.Stat(filepath.Join(d.scratch, ".sts-credentials"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	assert.NotContains(t, out, stsToken)
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "zookeeper-fn:") {
			assert.NotContains(t, l, "se/cr+et", "the log names the key id only")
			assert.NotContains(t, l, "session+token")
		}
	}
}

func TestSTSShortCredentialsRefreshHalfway(t *testing.T) {
	d := newZKDirs(t)
	sts := &stubSTS{reply: granted(6 * time.Second)}
	srv := httptest.NewServer(sts)
	defer srv.Close()
	out, err := runSTS(t, d, srv.URL, `s3_credentials; s3_credentials; sleep 3.5; s3_credentials`)
	require.NoError(t, err, out)
	assert.Len(t, sts.forms, 2, "fresh at once, renewed after half of a 6s lifetime:\n%s", out)
}

func TestSTSErrorsAreLoggedWithoutSecrets(t *testing.T) {
	cases := map[string]struct {
		reply func(w http.ResponseWriter)
		want  string
	}{
		"refused": {func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>Incorrect token audience in %s</Message></Error></ErrorResponse>`, stsToken)
		}, "refused: HTTP 400 InvalidIdentityToken: Incorrect token audience in <token>"},
		"not xml": {func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, "<html>bad gateway</html>")
		}, "HTTP 502 (no error code): <html>bad gateway</html>"},
		"no credentials": {func(w http.ResponseWriter) { fmt.Fprint(w, "<x/>") }, "without AccessKeyId"},
		"expired":        {granted(-time.Minute), "clock"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			d := newZKDirs(t)
			srv := httptest.NewServer(&stubSTS{reply: tc.reply})
			defer srv.Close()
			out, err := runSTS(t, d, srv.URL, `s3_credentials`)
			require.Error(t, err)
			assert.Contains(t, out, tc.want)
			assert.NotContains(t, out, stsToken, "the token is never logged")
			assert.NoFileExists(t, filepath.Join(d.scratch, ".sts-credentials"))
		})
	}
	d := newZKDirs(t)
	out, err := runSTS(t, d, "http://127.0.0.1:1", `AWS_WEB_IDENTITY_TOKEN_FILE=/nonexistent; s3_credentials`)
	require.Error(t, err)
	assert.Contains(t, out, "cannot read the ServiceAccount token /nonexistent")
	assert.Contains(t, out, "aws-iam-token")
}

// S3's refusals reach the log with S3's code and message, also under the
// scripts' errexit and pipefail, and a body that is no XML is quoted.
func TestS3ErrorsAreLogged(t *testing.T) {
	cases := map[string]struct {
		status int
		body   string
		want   string
	}{
		"s3 error": {http.StatusForbidden, `<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`, "refused: HTTP 403 AccessDenied: Access Denied"},
		"not xml":  {http.StatusBadGateway, "<html>bad gateway</html>", "refused: HTTP 502 (no error code): <html>bad gateway</html>"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			d := newZKDirs(t)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			}))
			defer srv.Close()
			cmd := exec.Command("bash", "-c", `set -euo pipefail; . "$ZOOCFGDIR/`+KeyBackupLib+`"; s3_get zk-0/a.tar.gz "$BACKUP_SCRATCH/a"; echo not reached`)
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "ZOOCFGDIR=" + d.conf, "BACKUP_SCRATCH=" + d.scratch, "TMPDIR=" + d.scratch,
				"S3_ENDPOINT=" + srv.URL, "S3_BUCKET=zk-backups", "S3_REGION=us-east-1", "AWS_ACCESS_KEY_ID=AKIA", "AWS_SECRET_ACCESS_KEY=secret"}
			out, err := cmd.CombinedOutput()
			require.Error(t, err)
			assert.Contains(t, string(out), "S3 GET "+srv.URL+"/zk-backups/zk-0/a.tar.gz "+tc.want)
			assert.NotContains(t, string(out), "not reached")
			assert.NoFileExists(t, filepath.Join(d.scratch, "a"), "no partial download")
		})
	}
}

// A ServiceAccount annotated for the EKS webhook gets AWS_ROLE_ARN and a
// token file injected into every container; with static keys the sidecar
// keeps signing with the Secret's keys.
func TestWebhookRoleDoesNotSwitchStaticKeys(t *testing.T) {
	d := newZKDirs(t)
	cmd := exec.Command("bash", "-c", `set -euo pipefail; . "$ZOOCFGDIR/`+KeyBackupLib+`"; s3_credentials; printf '%s|%s|%s' "$access_key" "$secret_key" "$session_token"`)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "ZOOCFGDIR=" + d.conf, "BACKUP_SCRATCH=" + d.scratch,
		"AWS_ACCESS_KEY_ID=AKIASTATIC", "AWS_SECRET_ACCESS_KEY=static-secret",
		"AWS_ROLE_ARN=arn:aws:iam::123456789012:role/injected", "AWS_WEB_IDENTITY_TOKEN_FILE=/var/run/secrets/eks.amazonaws.com/serviceaccount/token"}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Equal(t, "AKIASTATIC|static-secret|", string(out))
}
