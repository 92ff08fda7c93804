package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/certtest"
	"github.com/portico-dev/portico/gateway/gatewaytest"
)

// A node given --tls-cert and --tls-key serves its data plane over TLS
// (the admin address stays plain), tells the upstream the client came over
// https, and serves a certificate renewed on disk without a restart.
func TestNodeServesTLSAndReloadsARenewedCertificate(t *testing.T) {
	var (
		mu    sync.Mutex
		proto string
	)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		proto = r.Header.Get("X-Forwarded-Proto")
		mu.Unlock()
		io.WriteString(w, "ok")
	}))
	t.Cleanup(upstream.Close)
	portal := newTestPortal(t, testState(t, upstream.URL))
	certDir := t.TempDir()
	a, b := certtest.New(t, "node-a"), certtest.New(t, "node-b")
	certFile, keyFile := a.Write(t, certDir)
	n := startProc(t, portal.url(), "tok-a", t.TempDir(), "--tls-cert", certFile, "--tls-key", keyFile)

	get := func(client *http.Client) (*http.Response, error) {
		req, _ := http.NewRequest(http.MethodGet, "https://"+n.addr+"/ledger/v1/x", nil)
		req.Header.Set("X-API-Key", "ptk_ka_secret")
		res, err := client.Do(req)
		if err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
		client.CloseIdleConnections()
		return res, err
	}
	var res *http.Response
	if !gatewaytest.Eventually(5*time.Second, func() bool {
		var err error
		res, err = get(certtest.Client(a.Cert))
		return err == nil && res.StatusCode == http.StatusOK
	}) {
		t.Fatalf("no 200 over TLS from the node (%v):\n%s", res, n.out)
	}
	if got := res.TLS.PeerCertificates[0].Subject.CommonName; got != "node-a" {
		t.Errorf("served certificate %q, want node-a", got)
	}
	if res.Proto != "HTTP/1.1" {
		t.Errorf("protocol %s, want HTTP/1.1", res.Proto)
	}
	mu.Lock()
	if proto != "https" {
		t.Errorf("the upstream got X-Forwarded-Proto %q, want https", proto)
	}
	mu.Unlock()
	// Plain HTTP on the TLS address is told to use https.
	if got, _ := n.status(t, "/ledger/v1/x", "ptk_ka_secret"); got != http.StatusBadRequest {
		t.Errorf("plain HTTP on the TLS address answered %d, want 400", got)
	}

	// Renewed on disk: served within seconds, without a restart.
	renewed := t.TempDir()
	bc, bk := b.Write(t, renewed)
	for _, f := range [][2]string{{bc, certFile}, {bk, keyFile}} {
		if err := os.Rename(f[0], f[1]); err != nil {
			t.Fatal(err)
		}
	}
	if !gatewaytest.Eventually(10*time.Second, func() bool {
		res, err := get(certtest.Client(a.Cert, b.Cert))
		return err == nil && res.TLS.PeerCertificates[0].Subject.CommonName == "node-b"
	}) {
		t.Fatalf("the renewed certificate is not served:\n%s", n.out)
	}
	logs := n.out.String()
	if !strings.Contains(logs, "TLS certificate reloaded") || !strings.Contains(logs, `"tls":true`) {
		t.Errorf("the log does not say the node serves TLS and reloaded its certificate:\n%s", logs)
	}
	for _, k := range [][]byte{a.KeyPEM, b.KeyPEM} {
		if strings.Contains(logs, strings.Split(string(k), "\n")[1]) {
			t.Error("key material was logged")
		}
	}
}

func TestNodeRefusesABadCertificatePair(t *testing.T) {
	dir := t.TempDir()
	a, b := certtest.New(t, "a"), certtest.New(t, "b")
	certFile, _ := a.Write(t, dir)
	otherKey := filepath.Join(dir, "other.key")
	if err := os.WriteFile(otherKey, b.KeyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--tls-cert", certFile}, nil, "--tls-cert is set without --tls-key"},
		{[]string{"--tls-key", otherKey}, nil, "--tls-key is set without --tls-cert"},
		{[]string{"--tls-cert", certFile, "--tls-key", otherKey}, nil, `invalid --tls-key "` + otherKey + `" for --tls-cert "` + certFile + `": private key does not match public key`},
		{[]string{"--tls-cert", filepath.Join(dir, "none.pem"), "--tls-key", otherKey}, nil, `--tls-cert "` + filepath.Join(dir, "none.pem") + `" cannot be read`},
		// From the environment, the variable is named.
		{nil, map[string]string{"PORTICO_GATEWAY_TLS_CERT": certFile}, "PORTICO_GATEWAY_TLS_CERT is set without --tls-key"},
		{nil, map[string]string{"PORTICO_GATEWAY_TLS_CERT": certFile, "PORTICO_GATEWAY_TLS_KEY": otherKey}, `invalid PORTICO_GATEWAY_TLS_KEY "` + otherKey + `" for --tls-cert "` + certFile + `": private key does not match public key`},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		args := append([]string{"--portal", "http://127.0.0.1:1", "--addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0", "--data", t.TempDir()}, tt.args...)
		err := run(ctx, args, func(k string) string {
			if k == "PORTICO_GATEWAY_TOKEN" {
				return "t"
			}
			return tt.env[k]
		}, &out, &out)
		cancel()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v %v: got %v, want an error containing %q", tt.args, tt.env, err, tt.want)
		}
		if strings.Contains(out.String(), "portico-gateway started") {
			t.Errorf("%v: the node started:\n%s", tt.args, out.String())
		}
	}
}
