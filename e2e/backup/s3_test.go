//go:build e2e

package backup

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"
)

// s3Client is the suite's own S3 client: it looks at what the sidecars
// stored (and puts objects of its own) with a key of its own, signing
// with AWS signature version 4 exactly as Amazon documents it, so the
// real server judges the suite's requests as it judges the sidecar's.
type s3Client struct {
	endpoint, bucket, region string
	key                      credential
}

// credential is a static key (no token) or temporary credentials.
type credential struct {
	id, secret, token string
}

// s3Answer is the server's answer: its status and body, and for an
// error its S3 code and message.
type s3Answer struct {
	status        int
	body          []byte
	code, message string
}

func (a s3Answer) ok() bool { return a.status/100 == 2 }

func (a s3Answer) String() string {
	return fmt.Sprintf("HTTP %d %s: %s", a.status, a.code, a.message)
}

// do sends one signed request; path is /<bucket>[/<key>], query is
// already canonical (sorted, encoded).
func (c s3Client) do(t *testing.T, method, path, query string, body []byte) s3Answer {
	t.Helper()
	a, err := c.send(method, path, query, body)
	if err != nil {
		t.Fatalf("S3 %s %s: %v", method, path, err)
	}
	return a
}

// send is do for a server that may not answer yet.
func (c s3Client) send(method, path, query string, body []byte) (s3Answer, error) {
	u := strings.TrimSuffix(c.endpoint, "/") + path
	if query != "" {
		u += "?" + query
	}
	r, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		return s3Answer{}, err
	}
	c.sign(r, body, time.Now())
	resp, err := (&http.Client{Timeout: time.Minute}).Do(r)
	if err != nil {
		return s3Answer{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return s3Answer{}, err
	}
	a := s3Answer{status: resp.StatusCode, body: b}
	if !a.ok() {
		var e struct{ Code, Message string }
		_ = xml.Unmarshal(b, &e)
		a.code, a.message = e.Code, e.Message
	}
	return a, nil
}

// sign adds x-amz-date, x-amz-content-sha256, the session token if any
// and the Authorization header, over the same headers the sidecar signs.
func (c s3Client) sign(r *http.Request, body []byte, now time.Time) {
	amz := now.UTC().Format("20060102T150405Z")
	sum := sha256.Sum256(body)
	payload := hex.EncodeToString(sum[:])
	r.Header.Set("X-Amz-Date", amz)
	r.Header.Set("X-Amz-Content-Sha256", payload)
	headers := "host:" + r.URL.Host + "\nx-amz-content-sha256:" + payload + "\nx-amz-date:" + amz
	signed := "host;x-amz-content-sha256;x-amz-date"
	if c.key.token != "" {
		r.Header.Set("X-Amz-Security-Token", c.key.token)
		headers += "\nx-amz-security-token:" + c.key.token
		signed += ";x-amz-security-token"
	}
	sig := sigV4(c.key.secret, c.region, r.Method, r.URL.EscapedPath(), canonicalQuery(r.URL.Query()), headers, signed, payload, amz)
	r.Header.Set("Authorization", fmt.Sprintf("AWS4-HMAC-SHA256 Credential=%s/%s/%s/s3/aws4_request,SignedHeaders=%s,Signature=%s",
		c.key.id, amz[:8], c.region, signed, sig))
}

// list is every key under prefix: ListObjectsV2, following continuation
// tokens.
func (c s3Client) list(t *testing.T, prefix string) []string {
	t.Helper()
	var keys []string
	token := ""
	for {
		q := url.Values{"list-type": {"2"}, "prefix": {prefix}}
		if token != "" {
			q.Set("continuation-token", token)
		}
		a := c.do(t, http.MethodGet, "/"+c.bucket, canonicalQuery(q), nil)
		if !a.ok() {
			t.Fatalf("S3 ListObjectsV2 %s: %s", prefix, a)
		}
		var page struct {
			Contents              []struct{ Key string }
			IsTruncated           bool
			NextContinuationToken string
		}
		must(t, xml.Unmarshal(a.body, &page))
		for _, o := range page.Contents {
			keys = append(keys, o.Key)
		}
		if !page.IsTruncated {
			return keys
		}
		token = page.NextContinuationToken
	}
}

func (c s3Client) get(t *testing.T, key string) []byte {
	t.Helper()
	a := c.do(t, http.MethodGet, "/"+c.bucket+"/"+awsPath(key), "", nil)
	if !a.ok() {
		t.Fatalf("S3 GET %s: %s", key, a)
	}
	return a.body
}

func (c s3Client) put(t *testing.T, key string, body []byte) {
	t.Helper()
	if a := c.do(t, http.MethodPut, "/"+c.bucket+"/"+awsPath(key), "", body); !a.ok() {
		t.Fatalf("S3 PUT %s: %s", key, a)
	}
}

// sigV4 is Amazon's signature version 4 for S3, from its documentation.
func sigV4(secret, region, method, path, query, headers, signed, payload, amzDate string) string {
	creq := strings.Join([]string{method, path, query, headers, "", signed, payload}, "\n")
	sum := sha256.Sum256([]byte(creq))
	day := amzDate[:8]
	scope := day + "/" + region + "/s3/aws4_request"
	sts := strings.Join([]string{"AWS4-HMAC-SHA256", amzDate, scope, hex.EncodeToString(sum[:])}, "\n")
	k := mac([]byte("AWS4"+secret), day)
	k = mac(k, region)
	k = mac(k, "s3")
	k = mac(k, "aws4_request")
	return hex.EncodeToString(mac(k, sts))
}

func mac(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// canonicalQuery: sorted by name, names and values encoded except the
// unreserved characters.
func canonicalQuery(q url.Values) string {
	var parts []string
	for k, vs := range q {
		for _, v := range vs {
			parts = append(parts, awsEscape(k)+"="+awsEscape(v))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, "&")
}

// awsPath encodes an object key for the path: each segment, keeping '/'.
func awsPath(key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = awsEscape(s)
	}
	return strings.Join(segs, "/")
}

func awsEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-_.~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// The suite's signer must agree with Amazon's published example before
// the real server's verdicts on the suite's own requests mean anything.
func TestSigV4MatchesAWSExample(t *testing.T) {
	got := sigV4("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", "GET", "/test.txt", "",
		"host:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\nx-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-amz-date:20130524T000000Z",
		"host;range;x-amz-content-sha256;x-amz-date", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "20130524T000000Z")
	if want := "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"; got != want {
		t.Fatalf("sigV4 = %s, want AWS's %s", got, want)
	}
}
