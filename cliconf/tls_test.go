package cliconf

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/certtest"
	"github.com/portico-dev/portico/logtest"
)

func TestTLSWantsBothFilesOrNeither(t *testing.T) {
	tests := []struct {
		t    TLS
		want string
	}{
		{TLS{}, ""},
		{TLS{Cert: "c.pem", Key: "k.pem"}, ""},
		{TLS{Cert: "c.pem"}, "--tls-cert is set without --tls-key"},
		{TLS{Key: "k.pem"}, "--tls-key is set without --tls-cert"},
		{TLS{Cert: "c.pem", Key: " "}, "--tls-cert is set without --tls-key"},
	}
	for _, tt := range tests {
		err := tt.t.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%+v: %v, want no error", tt.t, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%+v: %v, want %q", tt.t, err, tt.want)
		}
	}
}

// serveTLS serves "ok" over TLS with c on 127.0.0.1 until the test ends.
func serveTLS(t *testing.T, c *Certificate) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") }),
		ErrorLog: log.New(io.Discard, "", 0)}
	go srv.Serve(c.Listen(ln))
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// servedName is the common name of the certificate the server at addr
// serves, to a client trusting certs, on a new connection.
func servedName(t *testing.T, addr string, certs ...*x509.Certificate) string {
	t.Helper()
	client := certtest.Client(certs...)
	defer client.CloseIdleConnections()
	res, err := client.Get("https://" + addr + "/")
	if err != nil {
		t.Fatalf("GET over TLS: %v", err)
	}
	defer res.Body.Close()
	if b, _ := io.ReadAll(res.Body); string(b) != "ok" {
		t.Fatalf("answer %q, want ok", b)
	}
	return res.TLS.PeerCertificates[0].Subject.CommonName
}

func TestCertificateIsServedAndReloadedWhenRenewed(t *testing.T) {
	dir := t.TempDir()
	a, b := certtest.New(t, "a"), certtest.New(t, "b")
	certFile, keyFile := a.Write(t, dir)
	logs := &logtest.Buffer{}
	c, err := LoadCertificate(TLS{Cert: certFile, Key: keyFile}, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "TLS certificate loaded") || !strings.Contains(logs.String(), "not_after=") {
		t.Errorf("the start does not say which certificate is served:\n%s", logs)
	}
	c.every = 50 * time.Millisecond
	c.next.Store(0)
	addr := serveTLS(t, c)
	if got := servedName(t, addr, a.Cert); got != "a" {
		t.Fatalf("served %q, want a", got)
	}

	// Renewed as certbot does: new files, then the links moved to them.
	renewed := t.TempDir()
	bc, bk := b.Write(t, renewed)
	for _, f := range [][2]string{{bc, certFile}, {bk, keyFile}} {
		tmp := f[1] + ".new"
		if err := os.Symlink(f[0], tmp); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, f[1]); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for servedName(t, addr, a.Cert, b.Cert) != "b" {
		if time.Now().After(deadline) {
			t.Fatalf("the renewed certificate is not served:\n%s", logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "TLS certificate reloaded") {
		t.Errorf("the reload is not logged:\n%s", logs)
	}

	// A renewal that does not load (a new certificate, the key of the
	// old one) is logged, once, and the one loaded before is served on.
	d := certtest.New(t, "d")
	if err := os.WriteFile(bc, d.CertPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * c.every)
	for range 3 {
		if got := servedName(t, addr, a.Cert, b.Cert, d.Cert); got != "b" {
			t.Fatalf("after a renewal that does not load, served %q, want b (the one loaded before)", got)
		}
		time.Sleep(2 * c.every)
	}
	if n := strings.Count(logs.String(), "TLS certificate not reloaded"); n != 1 {
		t.Errorf("the failed reload is logged %d times, want once:\n%s", n, logs)
	}
	if !strings.Contains(logs.String(), "does not match") {
		t.Errorf("the failed reload does not say why:\n%s", logs)
	}
	// Its key following, the pair loads.
	if err := os.WriteFile(bk, d.KeyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(5 * time.Second)
	for servedName(t, addr, a.Cert, b.Cert, d.Cert) != "d" {
		if time.Now().After(deadline) {
			t.Fatalf("the key written after its certificate is not loaded:\n%s", logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, secret := range []string{string(a.KeyPEM), string(b.KeyPEM), string(d.KeyPEM)} {
		if strings.Contains(logs.String(), strings.Split(secret, "\n")[1]) {
			t.Fatal("key material was logged")
		}
	}
}

func TestCertificateOffersTLS12AndHTTP11Only(t *testing.T) {
	dir := t.TempDir()
	a := certtest.New(t, "a")
	certFile, keyFile := a.Write(t, dir)
	c, err := LoadCertificate(TLS{Cert: certFile, Key: keyFile}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	addr := serveTLS(t, c)
	pool := x509.NewCertPool()
	pool.AddCert(a.Cert)
	conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: pool, NextProtos: []string{"h2", "http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := conn.ConnectionState().NegotiatedProtocol; got != "http/1.1" {
		t.Errorf("ALPN chose %q, want http/1.1", got)
	}
	conn.Close()
	conn, err = tls.Dial("tcp", addr, &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS11})
	if err == nil {
		conn.Close()
		t.Error("a TLS 1.1 handshake succeeded, want it refused")
	}
}

func TestLoadCertificateRefusesBadPairsNamingTheFile(t *testing.T) {
	dir := t.TempDir()
	a, b := certtest.New(t, "a"), certtest.New(t, "b")
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cert, key := write("a.crt", a.CertPEM), write("a.key", a.KeyPEM)
	otherKey := write("b.key", b.KeyPEM)
	both := write("both.pem", append(append([]byte{}, a.CertPEM...), a.KeyPEM...))
	garbage := write("garbage.pem", []byte("hello\n"))
	unreadable := write("unreadable.key", a.KeyPEM)
	if err := os.Chmod(unreadable, 0); err != nil {
		t.Fatal(err)
	}
	huge := write("huge.pem", make([]byte, 2<<20))
	tests := []struct {
		t    TLS
		want string // "" for success
	}{
		{TLS{Cert: cert, Key: key}, ""},
		{TLS{Cert: both, Key: both}, ""},
		{TLS{Cert: cert, Key: otherKey}, `invalid --tls-key "` + otherKey + `" for --tls-cert "` + cert + `": private key does not match public key`},
		{TLS{Cert: key, Key: key}, `invalid --tls-cert "` + key + `": it holds a private key`},
		{TLS{Cert: garbage, Key: key}, `invalid --tls-cert "` + garbage + `": no PEM certificate in it`},
		{TLS{Cert: cert, Key: garbage}, `invalid --tls-key "` + garbage + `"`},
		{TLS{Cert: cert, Key: cert}, `invalid --tls-key "` + cert + `"`},
		{TLS{Cert: filepath.Join(dir, "missing.crt"), Key: key}, `--tls-cert "` + filepath.Join(dir, "missing.crt") + `" cannot be read: no such file or directory`},
		{TLS{Cert: cert, Key: dir}, `--tls-key "` + dir + `" is not a file`},
		{TLS{Cert: huge, Key: key}, `--tls-cert "` + huge + `" is larger than 1 MiB`},
	}
	if os.Geteuid() != 0 { // root reads a file whatever its mode
		tests = append(tests, struct {
			t    TLS
			want string
		}{TLS{Cert: cert, Key: unreadable}, `--tls-key "` + unreadable + `" cannot be read: permission denied`})
	}
	for _, tt := range tests {
		logs := &logtest.Buffer{}
		_, err := LoadCertificate(tt.t, slog.New(slog.NewTextHandler(logs, nil)))
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%+v: %v, want it loaded", tt.t, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%+v: %v, want %q", tt.t, err, tt.want)
		}
		if err != nil {
			for _, k := range [][]byte{a.KeyPEM, b.KeyPEM} {
				if strings.Contains(err.Error(), strings.Split(string(k), "\n")[1]) {
					t.Errorf("%+v: the error quotes the key", tt.t)
				}
			}
		}
	}
}

// A plain HTTP request on the TLS address is answered 400, saying to use
// https, when the server shakes hands first (as fasthttp does).
func TestPlainHTTPOnTheTLSAddressIsToldToUseHTTPS(t *testing.T) {
	a := certtest.New(t, "a")
	certFile, keyFile := a.Write(t, t.TempDir())
	c, err := LoadCertificate(TLS{Cert: certFile, Key: keyFile}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tln := c.Listen(ln)
	defer tln.Close()
	go func() {
		for {
			conn, err := tln.Accept()
			if err != nil {
				return
			}
			if _, ok := conn.(interface{ ConnectionState() tls.ConnectionState }); !ok {
				t.Error("the connection does not say it is TLS (fasthttp's IsTLS)")
			}
			conn.(interface{ Handshake() error }).Handshake()
			conn.Close()
		}
	}()
	for _, method := range []string{"GET", "POST", "DELETE"} {
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(conn, method+" / HTTP/1.1\r\nHost: x\r\n\r\n")
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		b, _ := io.ReadAll(conn)
		conn.Close()
		if !strings.HasPrefix(string(b), "HTTP/1.0 400 Bad Request\r\n") || !strings.Contains(string(b), "use https://") {
			t.Errorf("%s over plain HTTP: %q, want 400 saying to use https", method, b)
		}
	}
}
