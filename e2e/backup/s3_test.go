//go:build e2e

package backup

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeS3 is the suite's S3-compatible server: path-style PUT, GET, DELETE
// of objects and ListObjectsV2 (two keys a page, so the sidecar has to
// follow continuation tokens). Every request must carry a valid AWS
// signature version 4 for a known access key, signed over host,
// x-amz-content-sha256 and x-amz-date, and a PUT's body must match its
// x-amz-content-sha256: what Amazon S3 requires. Temporary credentials
// (from the suite's STS) also need their session token in a signed
// x-amz-security-token header, and are refused once expired.
type fakeS3 struct {
	bucket, region string

	mu       sync.Mutex
	creds    map[string]credential // access key id -> its secret
	objects  map[string][]byte
	requests map[string]int // method -> count
	rejected []string
}

// credential is a static key (no token) or a temporary one.
type credential struct {
	secret, token string
	expires       time.Time
}

func startFakeS3(t *testing.T, addr, bucket, region string) *fakeS3 {
	t.Helper()
	s := &fakeS3{bucket: bucket, region: region, creds: map[string]credential{},
		objects: map[string][]byte{}, requests: map[string]int{}}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: s}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

func (s *fakeS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if why := s.verify(r, body); why != "" {
		s.rejected = append(s.rejected, r.Method+" "+r.URL.String()+": "+why)
		s3Error(w, why)
		return
	}
	s.requests[r.Method]++
	p := strings.TrimPrefix(r.URL.Path, "/")
	bucket, key, _ := strings.Cut(p, "/")
	if bucket != s.bucket {
		http.Error(w, "NoSuchBucket", http.StatusNotFound)
		return
	}
	switch {
	case r.Method == http.MethodPut && key != "":
		s.objects[key] = body
	case r.Method == http.MethodGet && key != "":
		b, ok := s.objects[key]
		if !ok {
			http.Error(w, "NoSuchKey", http.StatusNotFound)
			return
		}
		_, _ = w.Write(b)
	case r.Method == http.MethodDelete && key != "":
		delete(s.objects, key)
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodGet && r.URL.Query().Get("list-type") == "2":
		s.list(w, r.URL.Query())
	default:
		http.Error(w, "NotImplemented", http.StatusNotImplemented)
	}
}

// s3Error answers as S3 does: an Error document with S3's code.
func s3Error(w http.ResponseWriter, why string) {
	code, status := "SignatureDoesNotMatch", http.StatusForbidden
	for _, c := range []string{"InvalidAccessKeyId", "InvalidToken", "ExpiredToken"} {
		if strings.HasPrefix(why, c+": ") {
			code, why = c, strings.TrimPrefix(why, c+": ")
		}
	}
	if code == "InvalidToken" || code == "ExpiredToken" {
		status = http.StatusBadRequest
	}
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code><Message>%s</Message><RequestId>%s</RequestId></Error>", code, esc(why), randHex(8))
}

func (s *fakeS3) list(w http.ResponseWriter, q url.Values) {
	prefix, after := q.Get("prefix"), strings.TrimPrefix(q.Get("continuation-token"), "after:")
	var keys []string
	for k := range s.objects {
		if strings.HasPrefix(k, prefix) && k > after {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
	fmt.Fprintf(&b, "<Name>%s</Name><Prefix>%s</Prefix>", s.bucket, prefix)
	page := keys
	if len(page) > 2 {
		page = keys[:2]
	}
	for _, k := range page {
		fmt.Fprintf(&b, "<Contents><Key>%s</Key><Size>%d</Size></Contents>", k, len(s.objects[k]))
	}
	fmt.Fprintf(&b, "<KeyCount>%d</KeyCount><IsTruncated>%v</IsTruncated>", len(page), len(keys) > len(page))
	if len(keys) > len(page) {
		fmt.Fprintf(&b, "<NextContinuationToken>after:%s</NextContinuationToken>", page[len(page)-1])
	}
	b.WriteString("</ListBucketResult>")
	w.Header().Set("Content-Type", "application/xml")
	_, _ = io.WriteString(w, b.String())
}

// verify returns why the request's signature is not valid, or "".
func (s *fakeS3) verify(r *http.Request, body []byte) string {
	auth := r.Header.Get("Authorization")
	rest, ok := strings.CutPrefix(auth, "AWS4-HMAC-SHA256 ")
	if !ok {
		return "no AWS4-HMAC-SHA256 Authorization"
	}
	fields := map[string]string{}
	for _, f := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(f), "=")
		fields[k] = v
	}
	cred := strings.Split(fields["Credential"], "/")
	if len(cred) != 5 || cred[2] != s.region || cred[3] != "s3" || cred[4] != "aws4_request" {
		return fmt.Sprintf("credential %q is not <key>/<date>/%s/s3/aws4_request", fields["Credential"], s.region)
	}
	c, ok := s.creds[cred[0]]
	if !ok {
		return "InvalidAccessKeyId: the access key id " + cred[0] + " does not exist"
	}
	signed := strings.Split(fields["SignedHeaders"], ";")
	required := []string{"host", "x-amz-content-sha256", "x-amz-date"}
	if c.token != "" {
		switch {
		case r.Header.Get("X-Amz-Security-Token") != c.token:
			return "InvalidToken: the x-amz-security-token header is missing or not the key's session token"
		case time.Now().After(c.expires):
			return "ExpiredToken: the provided token has expired at " + c.expires.Format(time.RFC3339)
		}
		required = append(required, "x-amz-security-token")
	}
	for _, h := range required {
		if !contains(signed, h) {
			return "header " + h + " is not signed"
		}
	}
	payload := r.Header.Get("X-Amz-Content-Sha256")
	if sum := sha256.Sum256(body); payload != hex.EncodeToString(sum[:]) {
		return "x-amz-content-sha256 does not match the body"
	}
	amzDate := r.Header.Get("X-Amz-Date")
	if !strings.HasPrefix(amzDate, cred[1]) {
		return "x-amz-date is not the credential's day"
	}
	var headers []string
	for _, h := range signed {
		v := r.Header.Get(h)
		if h == "host" {
			v = r.Host
		}
		headers = append(headers, h+":"+strings.TrimSpace(v))
	}
	want := sigV4(c.secret, s.region, r.Method, r.URL.EscapedPath(), canonicalQuery(r.URL.Query()),
		strings.Join(headers, "\n"), fields["SignedHeaders"], payload, amzDate)
	if !hmac.Equal([]byte(want), []byte(fields["Signature"])) {
		return "signature mismatch"
	}
	return ""
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

func contains(l []string, s string) bool {
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}

// The fake's verifier must agree with Amazon's published example before
// its verdicts on the sidecar mean anything.
func TestFakeS3VerifierMatchesAWSExample(t *testing.T) {
	got := sigV4("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", "GET", "/test.txt", "",
		"host:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\nx-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-amz-date:20130524T000000Z",
		"host;range;x-amz-content-sha256;x-amz-date", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "20130524T000000Z")
	if want := "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"; got != want {
		t.Fatalf("sigV4 = %s, want AWS's %s", got, want)
	}
}

// addCredential makes an access key known.
func (s *fakeS3) addCredential(key string, c credential) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.creds[key] = c
}

// s3Archives lists the archives under prefix as <pod>/<name>.
func (s *fakeS3) archives(prefix string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range s.objects {
		if rest, ok := strings.CutPrefix(k, prefix+"/"); ok && strings.HasSuffix(rest, ".tar.gz") {
			out = append(out, rest)
		}
	}
	sort.Strings(out)
	return out
}

func (s *fakeS3) object(key string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.objects[key]
}
