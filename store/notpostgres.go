package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/uptrace/bun/driver/pgdriver"
)

// NotPostgreSQLError is Open's failure on a server that does not speak
// PostgreSQL's protocol: the database URL names the address of another
// kind of server (a web server, Redis, SSH). The driver said
// "unexpected startup message: 'H'", "SSL is not enabled on the server",
// or timed out.
type NotPostgreSQLError struct {
	// Addr is the host and port the URL names.
	Addr string
	// Answer is the start of what the server sent; empty when it sent
	// nothing.
	Answer []byte
	// Found says what the server did instead of answering as PostgreSQL.
	Found string
	// Err is the driver's error.
	Err error
}

func (e *NotPostgreSQLError) Error() string {
	return fmt.Sprintf("the server at %s is not PostgreSQL: %s", e.Addr, e.Found)
}

func (e *NotPostgreSQLError) Unwrap() error { return e.Err }

// answerProbe watches Open's first connection: whether the server was
// reached, when, and the start of what it sent first. PostgreSQL answers
// the client's first message (startup or TLS request) at once, and in its
// protocol; another server answers otherwise, or not at all.
type answerProbe struct {
	mu     sync.Mutex
	conn   net.Conn
	dialed time.Time
	answer []byte
}

type answerProbeKey struct{}

// probeAnswers is a driver option: a connection dialed under a context
// carrying an answerProbe (Open's ping) records its first read in it.
func probeAnswers(conf *pgdriver.Config) {
	dial := conf.Dialer
	conf.Dialer = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		p, _ := ctx.Value(answerProbeKey{}).(*answerProbe)
		if err != nil || p == nil {
			return c, err
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.conn != nil { // one connection is enough
			return c, nil
		}
		p.conn, p.dialed = c, time.Now()
		return &probedConn{Conn: c, p: p}, nil
	}
}

// probedConn is a connection whose first read goes to its probe.
type probedConn struct {
	net.Conn
	p    *answerProbe
	read bool
}

func (c *probedConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if !c.read && n > 0 {
		c.read = true
		c.p.mu.Lock()
		c.p.answer = bytes.Clone(b[:min(n, 256)])
		c.p.mu.Unlock()
	}
	return n, err
}

// NetConn is the connection under c (connClosedByServer looks at it).
func (c *probedConn) NetConn() net.Conn { return c.Conn }

// notPostgreSQL returns err as a NotPostgreSQLError when what the probe
// saw says the server at addr is not PostgreSQL, or nil. (The connection
// is closed already: unavailableConnector closes a failed start's.)
func (p *answerProbe) notPostgreSQL(addr string, err error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conn == nil {
		return nil // never reached: the address is not at fault here
	}
	found := ""
	switch {
	case len(p.answer) > 0:
		found = foreignAnswer(p.answer)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET):
		// Closed with the client's bytes unread, the connection is reset.
		// PostgreSQL answers even to refuse (too many connections, an
		// address pg_hba.conf does not admit).
		// So does a proxy whose PostgreSQL does not listen yet: Docker's
		// published port accepts while its container starts.
		found = "it closed the connection without an answer, as a TLS server (such as an HTTPS one) does, " +
			"or a proxy whose PostgreSQL has not started yet (a Docker container's published port while it starts): " +
			"if the address is PostgreSQL's, try again once it runs"
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded):
		found = fmt.Sprintf("it accepted the connection but answered nothing in %s (Redis and web servers wait so for more; PostgreSQL answers at once)",
			time.Since(p.dialed).Round(time.Second/10))
	}
	if found == "" {
		return nil
	}
	return &NotPostgreSQLError{Addr: addr, Answer: p.answer, Found: found, Err: err}
}

// foreignAnswer says what a server's first answer b is when it is not
// PostgreSQL's, or "". PostgreSQL answers a TLS request with one byte,
// 'S' or 'N', and a startup message with a message: a type byte
// (authentication 'R', error 'E', notice 'N', protocol version 'v') and a
// length.
func foreignAnswer(b []byte) string {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) > 80 {
		line = line[:80]
	}
	switch {
	case bytes.HasPrefix(b, []byte("HTTP/")):
		return fmt.Sprintf("it answered as an HTTP server (%q)", line)
	case bytes.HasPrefix(b, []byte("SSH-")):
		return fmt.Sprintf("it answered as an SSH server (%q)", line)
	case len(b) >= 3 && b[0] == 0x15 && b[1] == 0x03:
		return "it answered with a TLS alert, as an HTTPS or another TLS server does"
	}
	switch b[0] {
	case 'S', 'N':
		if len(b) == 1 {
			return "" // the answer to a TLS request
		}
	case 'R', 'E', 'v':
	default:
		return fmt.Sprintf("it answered %q", line)
	}
	if len(b) < 5 {
		return "" // a message's start
	}
	if n := binary.BigEndian.Uint32(b[1:5]); n >= 4 && n <= 1<<16 {
		return ""
	}
	return fmt.Sprintf("it answered %q", line)
}

// NoTLSError is Open's failure on a PostgreSQL server without TLS when the
// database URL asks for it, as it does without sslmode: the driver then
// requires TLS (certificate unchecked), and, unlike libpq's default
// (prefer), falls back to an unencrypted connection for neither prefer
// nor allow. The driver said "SSL is not enabled on the server", which
// named neither the setting nor what to set.
type NoTLSError struct {
	// Addr is the host and port the URL names.
	Addr string
	// SSLMode is the URL's sslmode, "" when it sets none.
	SSLMode string
	// Err is the driver's error.
	Err error
}

func (e *NoTLSError) Error() string {
	const fix = "on a network you trust, %s; otherwise enable TLS on the server (ssl = on) and set sslmode=require"
	switch e.SSLMode {
	case "":
		return fmt.Sprintf("the PostgreSQL server at %s does not offer TLS, and the database URL sets no sslmode, which Portico takes as a TLS connection required "+
			"(it does not fall back to an unencrypted one as libpq's default, sslmode=prefer, does): "+fix, e.Addr, "add sslmode=disable to the database URL")
	case "prefer", "allow":
		return fmt.Sprintf("the PostgreSQL server at %s does not offer TLS, and the database URL's sslmode=%s asks for it "+
			"(Portico does not fall back to an unencrypted connection as libpq does): "+fix, e.Addr, e.SSLMode, "set sslmode=disable in the database URL")
	}
	return fmt.Sprintf("the PostgreSQL server at %s does not offer TLS, which the database URL's sslmode=%s asks for: "+
		"enable TLS on the server (ssl = on), or, on a network you trust, set sslmode=disable", e.Addr, e.SSLMode)
}

func (e *NoTLSError) Unwrap() error { return e.Err }

// refusedTLS reports whether the server the probe watched refused the
// driver's TLS request, as PostgreSQL without TLS does: its first answer
// was 'N' alone, and the driver gave up then.
func (p *answerProbe) refusedTLS(err error) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return bytes.Equal(p.answer, []byte("N")) && err != nil && strings.Contains(err.Error(), "SSL is not enabled on the server")
}
