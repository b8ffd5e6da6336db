//go:build e2e

package kubernetes

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Client is a small JSON client for the API server, authenticated with the
// admin certificate. The suite reads and writes typed k8s.io/api objects
// through it; everything a user would do goes through kubectl instead.
type Client struct {
	base string
	http *http.Client
}

// APIError is a non-2xx answer, with the Status the server sent.
type APIError struct {
	Method, Path string
	Code         int
	Status       metav1.Status
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s %s: %d %s: %s", e.Method, e.Path, e.Code, e.Status.Reason, e.Status.Message)
}

// IsStatus reports whether err is an APIError with the given HTTP code.
func IsStatus(err error, code int) bool {
	var e *APIError
	return errors.As(err, &e) && e.Code == code
}

func newClient(server string, p pki) (*Client, error) {
	caPEM, err := os.ReadFile(p.CACert)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, errors.New("no CA certificate in " + p.CACert)
	}
	cert, err := tls.LoadX509KeyPair(p.AdminCert, p.AdminKey)
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}
	return &Client{base: server, http: &http.Client{Transport: tr, Timeout: 30 * time.Second}}, nil
}

// Do sends in (JSON, unless it is a []byte) to path and decodes the
// answer into out when out is not nil.
func (c *Client) Do(method, path, contentType string, in, out any) error {
	var body io.Reader
	switch v := in.(type) {
	case nil:
	case []byte:
		body = bytes.NewReader(v)
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		e := &APIError{Method: method, Path: path, Code: resp.StatusCode}
		if json.Unmarshal(b, &e.Status) != nil || e.Status.Message == "" {
			e.Status.Message = string(b)
		}
		return e
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s %s: decoding answer: %w", method, path, err)
		}
	}
	return nil
}

// Get reads path into out.
func (c *Client) Get(path string, out any) error { return c.Do(http.MethodGet, path, "", nil, out) }

// Create POSTs obj to the collection at path.
func (c *Client) Create(path string, obj, out any) error {
	return c.Do(http.MethodPost, path, "application/json", obj, out)
}

// MergePatch applies a JSON merge patch to the object at path.
func (c *Client) MergePatch(path string, patch any) error {
	return c.Do(http.MethodPatch, path, "application/merge-patch+json", patch, nil)
}

// Delete deletes the object at path.
func (c *Client) Delete(path string) error { return c.Do(http.MethodDelete, path, "", nil, nil) }
