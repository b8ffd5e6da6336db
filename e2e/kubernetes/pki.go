//go:build e2e

package kubernetes

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// pki holds the files of a throwaway certificate authority: the API
// server's serving certificate, an admin client certificate in
// system:masters, and the service-account signing key pair.
type pki struct {
	CACert, ServingCert, ServingKey string
	AdminCert, AdminKey             string
	SAKey, SAPub                    string
}

// newPKI writes a fresh PKI under dir. ECDSA P-256 keeps it fast.
func newPKI(t testing.TB, dir string) pki {
	t.Helper()
	p := pki{
		CACert:      filepath.Join(dir, "ca.crt"),
		ServingCert: filepath.Join(dir, "apiserver.crt"),
		ServingKey:  filepath.Join(dir, "apiserver.key"),
		AdminCert:   filepath.Join(dir, "admin.crt"),
		AdminKey:    filepath.Join(dir, "admin.key"),
		SAKey:       filepath.Join(dir, "sa.key"),
		SAPub:       filepath.Join(dir, "sa.pub"),
	}
	now := time.Now().Add(-time.Hour)
	caKey := newKey(t)
	ca := certTemplate(1, pkix.Name{CommonName: "zookeeper-fn-e2e-ca"}, now)
	ca.KeyUsage |= x509.KeyUsageCertSign
	ca.BasicConstraintsValid, ca.IsCA = true, true
	caDER := sign(t, ca, ca, caKey.Public(), caKey)
	writePEM(t, p.CACert, "CERTIFICATE", caDER)
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}

	serving := certTemplate(2, pkix.Name{CommonName: "kube-apiserver"}, now)
	serving.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	serving.IPAddresses = []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP(serviceIP)}
	serving.DNSNames = []string{"localhost", "kubernetes", "kubernetes.default",
		"kubernetes.default.svc", "kubernetes.default.svc.cluster.local"}
	issue(t, serving, caCert, caKey, p.ServingCert, p.ServingKey)

	admin := certTemplate(3, pkix.Name{CommonName: "zookeeper-fn-e2e-admin", Organization: []string{"system:masters"}}, now)
	admin.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	issue(t, admin, caCert, caKey, p.AdminCert, p.AdminKey)

	saKey := newKey(t)
	writeKey(t, p.SAKey, saKey)
	pub, err := x509.MarshalPKIXPublicKey(saKey.Public())
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, p.SAPub, "PUBLIC KEY", pub)
	return p
}

// certTemplate is a certificate valid for 48 hours from notBefore, for
// digital signatures; callers add what their role needs.
func certTemplate(serial int64, subject pkix.Name, notBefore time.Time) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      subject,
		NotBefore:    notBefore,
		NotAfter:     notBefore.Add(48 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
}

// issue writes a new key to keyPath and leaf, signed by the CA for it,
// to certPath.
func issue(t testing.TB, leaf, ca *x509.Certificate, caKey *ecdsa.PrivateKey, certPath, keyPath string) {
	t.Helper()
	key := newKey(t)
	writePEM(t, certPath, "CERTIFICATE", sign(t, leaf, ca, key.Public(), caKey))
	writeKey(t, keyPath, key)
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func sign(t testing.TB, tmpl, parent *x509.Certificate, pub crypto.PublicKey, key crypto.Signer) []byte {
	t.Helper()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func writeKey(t testing.TB, path string, k *ecdsa.PrivateKey) {
	t.Helper()
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, path, "EC PRIVATE KEY", der)
}

func writePEM(t testing.TB, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}
