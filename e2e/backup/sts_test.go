//go:build e2e

package backup

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// stsAnswer is the server's STS answer to AssumeRoleWithWebIdentity.
type stsAnswer struct {
	status        int
	code, message string
	cred          credential
}

// assume is one AssumeRoleWithWebIdentity call, as the sidecar makes it
// (an unsigned form POST to the STS endpoint, here the S3 endpoint).
func (k *keyless) assume(t *testing.T, role, token string) stsAnswer {
	t.Helper()
	form := url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"},
		"RoleArn": {role}, "RoleSessionName": {"zkfn-e2e-suite"}, "WebIdentityToken": {token}}
	resp, err := (&http.Client{Timeout: time.Minute}).PostForm(k.s3.inspect.endpoint+"/", form)
	must(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	must(t, err)
	var doc struct {
		Result struct {
			Credentials struct{ AccessKeyId, SecretAccessKey, SessionToken string }
		} `xml:"AssumeRoleWithWebIdentityResult"`
		Error struct{ Code, Message string }
	}
	_ = xml.Unmarshal(b, &doc)
	c := doc.Result.Credentials
	return stsAnswer{status: resp.StatusCode, code: doc.Error.Code, message: doc.Error.Message,
		cred: credential{id: c.AccessKeyId, secret: c.SecretAccessKey, token: c.SessionToken}}
}

// checkTrust: the server's STS grants the role for the ensemble's token,
// and the credentials it issues may list the prefix, not the rest of
// the bucket; it refuses a tampered token, one for another audience or
// subject, and an unknown role.
func (k *keyless) checkTrust(t *testing.T) {
	valid := k.in.Tokens["zk-1"][0]
	a := k.assume(t, k.in.Role, valid)
	if a.status != http.StatusOK || a.cred.id == "" || a.cred.secret == "" || a.cred.token == "" {
		t.Fatalf("STS refused the ensemble's own token: HTTP %d %s: %s", a.status, a.code, a.message)
	}
	if p := k.probe(t, a.cred, k.prefix+"/"); !p.ok() {
		t.Fatalf("S3 refused to list %s/ with the role's fresh credentials: %s", k.prefix, p)
	}
	if p := k.probe(t, a.cred, "elsewhere/"); p.ok() {
		t.Fatalf("the role's credentials list elsewhere/ too: its permissions policy is not enforced")
	} else {
		t.Logf("outside the prefix S3 refuses the role: %s", p)
	}
	for name, c := range map[string]struct{ role, token string }{
		"a tampered token":                {k.in.Role, tamper(valid)},
		"a token for another audience":    {k.in.Role, k.in.WrongAudience},
		"another ServiceAccount's token":  {k.in.Role, k.in.OtherSubject},
		"a role the token is not trusted": {"arn:aws:iam::123456789012:role/zk-other", valid},
	} {
		a := k.assume(t, c.role, c.token)
		if a.status == http.StatusOK {
			t.Fatalf("STS granted %s", name)
		}
		t.Logf("STS refuses %s: HTTP %d %s: %s", name, a.status, a.code, a.message)
	}
}

// tamper changes the token's namespace, keeping its signature.
func tamper(tok string) string {
	p := strings.Split(tok, ".")
	b, _ := base64.RawURLEncoding.DecodeString(p[1])
	p[1] = base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(b), "backup-e2e", "backup-e2f", 1)))
	return strings.Join(p, ".")
}

// probe lists prefix with cred, as the sidecar signs: S3's answer.
func (k *keyless) probe(t *testing.T, cred credential, prefix string) s3Answer {
	c := k.s3.inspect
	c.key = cred
	return c.do(t, http.MethodGet, "/"+c.bucket, canonicalQuery(url.Values{"list-type": {"2"}, "prefix": {prefix}}), nil)
}

// exchange is one AssumeRoleWithWebIdentity a container logged.
type exchange struct{ key, until string }

var assumedLine = regexp.MustCompile(`assumed (\S+) with the ServiceAccount token: temporary key (\S+) until (\S+)`)

// exchanges are the member's container's exchanges, from its log (every
// run of the container).
func exchanges(m *zkrun.Member, container string) []exchange {
	var out []exchange
	for _, s := range assumedLine.FindAllStringSubmatch(readFile(m.LogPath(container)), -1) {
		out = append(out, exchange{key: s[2], until: s[3]})
	}
	return out
}

// cached is the sidecar's credential cache in its scratch volume
// (backup-sts.sh: key, secret, session token, expiry, refresh time).
func cached(t *testing.T, e *zkrun.Ensemble, m *zkrun.Member) (credential, time.Time) {
	c := e.R.Container(t, "backup")
	dir := "/scratch"
	for _, ev := range c.Env {
		if ev.Name == "BACKUP_SCRATCH" {
			dir = ev.Value
		}
	}
	for _, vm := range c.VolumeMounts {
		if vm.MountPath == dir {
			b, err := os.ReadFile(filepath.Join(m.VolumeDir(t, vm.Name), ".sts-credentials"))
			must(t, err)
			l := strings.Split(string(b), "\n")
			if len(l) < 4 {
				t.Fatalf("%s's credential cache has %d lines", m.Pod, len(l))
			}
			exp, err := strconv.ParseInt(l[3], 10, 64)
			must(t, err)
			return credential{id: l[0], secret: l[1], token: l[2]}, time.Unix(exp, 0)
		}
	}
	t.Fatalf("the backup container mounts nothing at its scratch directory %s", dir)
	return credential{}, time.Time{}
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// tokenID names a token in logs without printing it.
func tokenID(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return "sha256:" + hex.EncodeToString(sum[:4]) + " (" + strconv.Itoa(len(tok)) + " bytes)"
}
