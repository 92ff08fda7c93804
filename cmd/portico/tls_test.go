package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/bintest"
	"github.com/portico-dev/portico/certtest"
)

// Served over TLS directly (--tls-cert, --tls-key), the portal knows it:
// its cookies are __Host- and Secure, it sends HSTS, a login works over
// it, and it says where to log in with https.
func TestServeOverTLS(t *testing.T) {
	a := certtest.New(t, "portal")
	certFile, keyFile := a.Write(t, t.TempDir())
	e, stdout, stderr := testEnv(map[string]string{"PORTICO_DATA_DIR": t.TempDir(), "PORTICO_ADDR": "127.0.0.1:0",
		"PORTICO_TLS_CERT": certFile, "PORTICO_TLS_KEY": keyFile}, "")
	srv := startServing(t, e)
	addr := srv.addr
	out := stdout.String()
	if !strings.Contains(out, "log in at https://") {
		t.Errorf("serve does not say to log in with https:\n%s", out)
	}
	m := regexp.MustCompile(`user name: admin\s+password:\s+(\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("first start did not print the admin login:\n%s", out)
	}

	client := certtest.Client(a.Cert)
	client.Jar, _ = cookiejar.New(nil)
	base := "https://" + addr
	res, err := client.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Proto != "HTTP/1.1" {
		t.Fatalf("GET /login over TLS: %d %s", res.StatusCode, res.Proto)
	}
	if got := res.Header.Get("Strict-Transport-Security"); got != "max-age=31536000" {
		t.Errorf("Strict-Transport-Security %q, want max-age=31536000", got)
	}
	var csrf *http.Cookie
	for _, c := range res.Cookies() {
		if strings.HasSuffix(c.Name, "portico_csrf") {
			csrf = c
		}
	}
	if csrf == nil || csrf.Name != "__Host-portico_csrf" || !csrf.Secure {
		t.Errorf("CSRF cookie over TLS: %+v, want __Host-portico_csrf, Secure", csrf)
	}
	token := bintest.PageCSRF(t, client, base+"/login")
	res, err = client.PostForm(base+"/login", url.Values{"_csrf": {token}, "username": {"admin"}, "password": {m[1]}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("login over TLS: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	session := false
	for _, c := range res.Cookies() {
		session = session || (c.Name == "__Host-portico_session" && c.Secure && c.HttpOnly)
	}
	if !session {
		t.Errorf("no __Host-portico_session cookie, Secure and HttpOnly, at the login over TLS: %v", res.Header.Values("Set-Cookie"))
	}
	// Plain HTTP on the TLS address is told to use https.
	res, err = http.Get("http://" + addr + "/login")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "use https://") {
		t.Errorf("plain HTTP on the TLS address: %d %q, want 400 saying to use https", res.StatusCode, b)
	}
	if err := srv.stop(); err != nil {
		t.Fatalf("serve returned %v", err)
	}
	logs := stderr.String()
	if !strings.Contains(logs, "TLS certificate loaded") || strings.Contains(logs, strings.Split(string(a.KeyPEM), "\n")[1]) {
		t.Errorf("the log does not say which certificate is served, or quotes its key:\n%s", logs)
	}
}

// Without TLS there is no HSTS: a browser told so over plain HTTP would
// ignore it, and one behind a proxy is the proxy's to send.
func TestServePlainSendsNoHSTS(t *testing.T) {
	e, _, _ := testEnv(map[string]string{"PORTICO_DATA_DIR": t.TempDir(), "PORTICO_ADDR": "127.0.0.1:0"}, "")
	addr := startServing(t, e).addr
	res, err := http.Get("http://" + addr + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := res.Header.Get("Strict-Transport-Security"); got != "" {
		t.Errorf("Strict-Transport-Security %q over plain HTTP, want none", got)
	}
}

func TestServeRefusesABadCertificatePairBeforeAnything(t *testing.T) {
	dir := t.TempDir()
	a, b := certtest.New(t, "a"), certtest.New(t, "b")
	certFile, _ := a.Write(t, dir)
	otherKey := filepath.Join(dir, "other.key")
	if err := os.WriteFile(otherKey, b.KeyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{"PORTICO_TLS_CERT": certFile}, "PORTICO_TLS_CERT is set without --tls-key"},
		{map[string]string{"PORTICO_TLS_KEY": otherKey}, "PORTICO_TLS_KEY is set without --tls-cert"},
		{map[string]string{"PORTICO_TLS_CERT": certFile, "PORTICO_TLS_KEY": otherKey}, `invalid PORTICO_TLS_KEY "` + otherKey + `" for --tls-cert "` + certFile + `": private key does not match public key`},
	}
	for _, tt := range tests {
		data := filepath.Join(t.TempDir(), "data")
		tt.vars["PORTICO_DATA_DIR"] = data
		tt.vars["PORTICO_ADDR"] = "127.0.0.1:0"
		e, _, _ := testEnv(tt.vars, "")
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := runEnv(ctx, nil, e)
		cancel()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: got %v, want an error containing %q", tt.vars, err, tt.want)
		}
		if _, err := os.Stat(data); err == nil {
			t.Errorf("%v: the data directory was created before the certificate was refused", tt.vars)
		}
	}
}

func TestLoginURLs(t *testing.T) {
	tests := []struct {
		addr string
		tls  bool
		want string
	}{
		{":8080", false, "http://localhost:8080/login"},
		{":8443", true, "https://localhost:8443/login"},
		{"127.0.0.1:9000", true, "https://127.0.0.1:9000/login"},
		{"[::1]:9000", false, "http://[::1]:9000/login"},
		{"portal.example.com:443", true, "https://portal.example.com:443/login"},
	}
	for _, tt := range tests {
		if got := demoLoginURL(tt.addr, tt.tls); got != tt.want {
			t.Errorf("demoLoginURL(%q, %v) = %q, want %q", tt.addr, tt.tls, got, tt.want)
		}
	}
}
