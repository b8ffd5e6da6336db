//go:build e2e

package tls

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zookeeper-fn/zookeeper-fn/e2e/zkrun"
)

// PKI is what openssl made for one run: two unrelated CAs, the members'
// certificate (every member FQDN, signed by CA) and client certificates
// from each CA. Files are PEM text; keys are PKCS#8 EC P-256, as
// cert-manager writes them with privateKey.encoding PKCS8.
type PKI struct {
	CA, OtherCA               string
	MemberCert, MemberKey     string
	RotatedCert, RotatedKey   string // the members' next certificate: same names and CA, new key and serial
	ClientCert, ClientKey     string // signed by CA
	StrangerCert, StrangerKey string // signed by OtherCA
}

// newPKI runs openssl in a scratch directory. dnsNames go into the
// members' subjectAltName.
func newPKI(t *testing.T, dnsNames []string) PKI {
	t.Helper()
	dir := t.TempDir()
	ossl := func(args ...string) {
		t.Helper()
		if out, _, err := zkrun.Run(time.Minute, nil, nil, "openssl", args...); err != nil {
			t.Fatalf("openssl %s: %v\n%s (install Debian's openssl)", strings.Join(args, " "), err, out)
		}
	}
	f := func(name string) string { return filepath.Join(dir, name) }
	ca := func(name string) {
		ossl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
			"-keyout", f(name+".key"), "-out", f(name+".crt"), "-days", "2", "-subj", "/CN=zookeeper-fn e2e "+name)
	}
	leaf := func(name, caName, cn string, sans []string) {
		ossl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
			"-keyout", f(name+".key"), "-out", f(name+".csr"), "-subj", "/CN="+cn)
		ext := "extendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n"
		if len(sans) > 0 {
			ext += "subjectAltName=DNS:" + strings.Join(sans, ",DNS:") + "\n"
		}
		if err := os.WriteFile(f(name+".ext"), []byte(ext), 0o600); err != nil {
			t.Fatal(err)
		}
		ossl("x509", "-req", "-in", f(name+".csr"), "-CA", f(caName+".crt"), "-CAkey", f(caName+".key"),
			"-CAcreateserial", "-out", f(name+".crt"), "-days", "2", "-extfile", f(name+".ext"))
	}
	ca("ca")
	ca("other-ca")
	leaf("member", "ca", "zookeeper", dnsNames)
	leaf("rotated", "ca", "zookeeper", dnsNames)
	leaf("client", "ca", "client", nil)
	leaf("stranger", "other-ca", "stranger", nil)
	read := func(name string) string {
		b, err := os.ReadFile(f(name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	return PKI{
		CA: read("ca.crt"), OtherCA: read("other-ca.crt"),
		MemberCert: read("member.crt"), MemberKey: read("member.key"),
		RotatedCert: read("rotated.crt"), RotatedKey: read("rotated.key"),
		ClientCert: read("client.crt"), ClientKey: read("client.key"),
		StrangerCert: read("stranger.crt"), StrangerKey: read("stranger.key"),
	}
}

func writeFileErr(path, body string) error { return os.WriteFile(path, []byte(body), 0o644) }

func containsLine(log, line string) bool { return strings.Contains(log, line) }
