package cliconf

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// TLS is the --tls-cert and --tls-key settings of a listener that serves
// HTTPS itself: the PEM files of its certificate (the server's first, then
// the intermediates) and of its private key. Both or neither.
type TLS struct {
	Cert, Key string
}

// On says whether TLS is configured.
func (t TLS) On() bool { return t.Cert != "" || t.Key != "" }

// Validate says in one line what is wrong with the settings: one file
// without the other. Whether the files hold a pair is found by
// LoadCertificate, when the server starts.
func (t TLS) Validate() error {
	switch {
	case t.Cert != "" && strings.TrimSpace(t.Key) == "":
		return errors.New("--tls-cert is set without --tls-key: give both files (the certificate and its private key, PEM), or neither to serve plain HTTP")
	case t.Key != "" && strings.TrimSpace(t.Cert) == "":
		return errors.New("--tls-key is set without --tls-cert: give both files (the certificate and its private key, PEM), or neither to serve plain HTTP")
	}
	return nil
}

// maxPEMFile bounds what is read of a certificate or key file: a chain of
// a few certificates is a few kilobytes.
const maxPEMFile = 1 << 20

// certCheckEvery is how often, at most, the files are looked at again for
// a renewal: at the first TLS handshake after it has passed.
const certCheckEvery = 5 * time.Second

// Certificate is the certificate a TLS listener serves, read again from its
// files when they change (a renewal by certbot or cert-manager): at most
// every few seconds, at a handshake, the files' identity, size and time of
// modification are compared with those last read. A changed pair that does
// not load is logged once and the previous one is served on; so is a pair
// half-written (the certificate renewed before the key), until the other
// file changes too.
type Certificate struct {
	files TLS
	log   *slog.Logger
	every time.Duration

	cur  atomic.Pointer[tls.Certificate]
	next atomic.Int64 // UnixNano of the next look at the files

	mu   sync.Mutex // one look at a time
	seen [2]fs.FileInfo
}

// LoadCertificate reads the pair named by t. Its error names the file at
// fault and never quotes what the files hold.
func LoadCertificate(t TLS, log *slog.Logger) (*Certificate, error) {
	c := &Certificate{files: t, log: log, every: certCheckEvery}
	cert, seen, err := c.load()
	if err != nil {
		return nil, err
	}
	c.cur.Store(cert)
	c.seen = seen
	c.next.Store(time.Now().Add(c.every).UnixNano())
	c.logLoaded("TLS certificate loaded", cert)
	return c, nil
}

// Config is the TLS configuration of a listener serving the certificate:
// TLS 1.2 and later, Go's default cipher suites, and HTTP/1.1 alone offered
// by ALPN (fasthttp, which serves the portal and the gateway, speaks no
// HTTP/2).
func (c *Certificate) Config() *tls.Config {
	return &tls.Config{
		MinVersion:     tls.VersionTLS12,
		NextProtos:     []string{"http/1.1"},
		GetCertificate: c.get,
	}
}

// Listen wraps ln: its connections are TLS with c's configuration, for a
// fasthttp server (the portal's and the node's), which shakes hands before
// it reads. A client speaking plain HTTP to the address is answered 400,
// saying to use https, where it would otherwise see the connection close.
// (net/http, which looks for a *tls.Conn, would not see them as TLS.)
func (c *Certificate) Listen(ln net.Listener) net.Listener {
	return tlsListener{ln, c.Config()}
}

type tlsListener struct {
	net.Listener
	cfg *tls.Config
}

func (l tlsListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return tlsConn{tls.Server(conn, l.cfg)}, nil
}

// tlsConn is a server's TLS connection whose handshake answers a plain
// HTTP request.
type tlsConn struct{ *tls.Conn }

// plainHTTPAnswer is the answer to a plain HTTP request on a TLS address.
const plainHTTPAnswer = "HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nThis address serves HTTPS: use https://\n"

func (c tlsConn) Handshake() error {
	err := c.Conn.Handshake()
	var re tls.RecordHeaderError
	if errors.As(err, &re) && re.Conn != nil && looksLikeHTTP(re.RecordHeader) {
		// As net/http does: the first bytes of a request where a TLS
		// record was expected.
		re.Conn.SetWriteDeadline(time.Now().Add(time.Second)) //nolint:errcheck // the write fails then, and the connection closes anyway
		io.WriteString(re.Conn, plainHTTPAnswer)              //nolint:errcheck // as above
	}
	return err
}

func looksLikeHTTP(hdr [5]byte) bool {
	switch string(hdr[:]) {
	case "GET /", "HEAD ", "POST ", "PUT /", "PATCH", "DELET", "OPTIO":
		return true
	}
	return false
}

func (c *Certificate) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	now := time.Now().UnixNano()
	if next := c.next.Load(); now >= next && c.next.CompareAndSwap(next, now+int64(c.every)) {
		c.reloadIfChanged()
	}
	return c.cur.Load(), nil
}

// reloadIfChanged loads the files again when either has changed since
// they were last read.
func (c *Certificate) reloadIfChanged() {
	c.mu.Lock()
	defer c.mu.Unlock()
	changed := false
	for i, name := range []string{c.files.Cert, c.files.Key} {
		fi, err := os.Stat(name)
		if err != nil {
			// Gone for a moment while it is replaced, or for good: the
			// certificate in memory is served on; a file that comes back
			// is a change.
			if c.seen[i] != nil {
				c.log.Error("TLS certificate not reloaded: serving the one loaded before", "err", err)
				c.seen[i] = nil
			}
			return
		}
		if old := c.seen[i]; old == nil || !os.SameFile(old, fi) || !old.ModTime().Equal(fi.ModTime()) || old.Size() != fi.Size() {
			changed = true
		}
	}
	if !changed {
		return
	}
	cert, seen, err := c.load()
	c.seen = seen
	if err != nil {
		c.log.Error("TLS certificate not reloaded: serving the one loaded before", "err", err)
		return
	}
	c.cur.Store(cert)
	c.logLoaded("TLS certificate reloaded", cert)
}

// load reads and checks the pair, and says what the files were when read.
func (c *Certificate) load() (*tls.Certificate, [2]fs.FileInfo, error) {
	var seen [2]fs.FileInfo
	certPEM, fi, err := readPEMFile("--tls-cert", c.files.Cert)
	if err != nil {
		return nil, seen, err
	}
	seen[0] = fi
	keyPEM, fi, err := readPEMFile("--tls-key", c.files.Key)
	if err != nil {
		return nil, seen, err
	}
	seen[1] = fi
	if err := checkCertificates(c.files.Cert, certPEM); err != nil {
		return nil, seen, err
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		// The certificates parse (checked above): what is wrong is the
		// key, or that it is not the certificate's. tls's messages say
		// which without quoting either file.
		return nil, seen, fmt.Errorf("invalid --tls-key %q for --tls-cert %q: %s", c.files.Key, c.files.Cert, strings.TrimPrefix(err.Error(), "tls: "))
	}
	return &cert, seen, nil
}

// readPEMFile reads a file of at most maxPEMFile bytes; flag names the
// setting in the error.
func readPEMFile(flag, name string) ([]byte, fs.FileInfo, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %q cannot be read: %v", flag, name, pathErr(err))
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("%s %q cannot be read: %v", flag, name, pathErr(err))
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("%s %q is not a file", flag, name)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxPEMFile+1))
	if err != nil {
		return nil, nil, fmt.Errorf("%s %q cannot be read: %v", flag, name, pathErr(err))
	}
	if len(b) > maxPEMFile {
		return nil, nil, fmt.Errorf("%s %q is larger than 1 MiB: it is not a PEM certificate or key", flag, name)
	}
	return b, fi, nil
}

// pathErr is err without the path an *fs.PathError repeats.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// checkCertificates says what is wrong with the certificate file, if
// anything: no CERTIFICATE block, or one that does not parse. It may hold
// the key too (one file named by both settings).
func checkCertificates(name string, b []byte) error {
	n := 0
	for rest := b; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type == "CERTIFICATE" {
			if _, err := x509.ParseCertificate(block.Bytes); err != nil {
				return fmt.Errorf("invalid --tls-cert %q: certificate %d: %v", name, n+1, err)
			}
			n++
		}
	}
	if n == 0 {
		if bytes.Contains(b, []byte("PRIVATE KEY")) {
			return fmt.Errorf("invalid --tls-cert %q: it holds a private key; give the certificate here and the key with --tls-key", name)
		}
		return fmt.Errorf("invalid --tls-cert %q: no PEM certificate in it (-----BEGIN CERTIFICATE-----)", name)
	}
	return nil
}

// logLoaded says which certificate is served, and warns when it has
// expired or is not valid yet: clients refuse it, but a renewal may be on
// its way.
func (c *Certificate) logLoaded(msg string, cert *tls.Certificate) {
	leaf := cert.Leaf
	if leaf == nil {
		c.log.Info(msg, "cert", c.files.Cert)
		return
	}
	attrs := []any{"cert", c.files.Cert, "subject", leaf.Subject.String(), "dns_names", strings.Join(leaf.DNSNames, ","), "not_after", leaf.NotAfter.UTC().Format(time.RFC3339)}
	now := time.Now()
	switch {
	case now.After(leaf.NotAfter):
		c.log.Warn(msg+": it has expired, clients will refuse it", attrs...)
	case now.Before(leaf.NotBefore):
		c.log.Warn(msg+": it is not valid yet, clients will refuse it", attrs...)
	default:
		c.log.Info(msg, attrs...)
	}
}
