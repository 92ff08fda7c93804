package store_test

import (
	"context"
	"errors"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// serveTCP accepts connections on a loopback port until the test ends and
// hands each to answer.
func serveTCP(t *testing.T, answer func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				answer(c)
			}()
		}
	}()
	return ln.Addr().String()
}

// TestOpenSaysTheServerIsNotPostgreSQL: a database URL pointing at a
// server of another kind (a web server, an SSH server, Redis) gave the
// driver's "pgdriver: unexpected startup message: 'H'", "SSL is not
// enabled on the server", "connection reset by peer" or, from a server
// that waits for more, a timeout after 10 s: none says the address is
// wrong. Open says the server is not PostgreSQL and what it answered.
func TestOpenSaysTheServerIsNotPostgreSQL(t *testing.T) {
	web := serveTCP(t, func(c net.Conn) {
		b := make([]byte, 512)
		// Whatever came, the answer is the same.
		_, _ = c.Read(b)
		_, _ = c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n400 Bad Request"))
	})
	ssh := serveTCP(t, func(c net.Conn) {
		_, _ = c.Write([]byte("SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n"))
		b := make([]byte, 512)
		_, _ = c.Read(b)
	})
	tests := []struct {
		name, url, want string
	}{
		{"web", "postgres://portico@" + web + "/portico?sslmode=disable", `it answered as an HTTP server ("HTTP/1.1 400 Bad Request")`},
		// Asked for TLS first (the driver's default), the web server's
		// answer was "SSL is not enabled on the server".
		{"web, TLS asked", "postgres://portico@" + web + "/portico", `it answered as an HTTP server ("HTTP/1.1 400 Bad Request")`},
		{"ssh", "postgres://portico@" + ssh + "/portico?sslmode=disable", `it answered as an SSH server ("SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := store.Open(context.Background(), tt.url, t.TempDir())
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			var not *store.NotPostgreSQLError
			u, _ := url.Parse(tt.url)
			if !errors.As(err, &not) || not.Addr != u.Host {
				t.Fatalf("Open: %v; want a NotPostgreSQLError naming %s", err, u.Host)
			}
			want := "the server at " + u.Host + " is not PostgreSQL: " + tt.want
			if !strings.Contains(err.Error(), want) {
				t.Errorf("Open: %q, want it to say %q", err, want)
			}
		})
	}
}

// TestOpenSaysASilentServerIsNotPostgreSQL: Redis, or a web server that
// waits for a line's end, accepts the connection and says nothing to
// PostgreSQL's first message; PostgreSQL answers it at once. Open gave
// "context deadline exceeded: read tcp …: i/o timeout".
func TestOpenSaysASilentServerIsNotPostgreSQL(t *testing.T) {
	addr := serveTCP(t, func(c net.Conn) {
		b := make([]byte, 512)
		for {
			if _, err := c.Read(b); err != nil {
				return
			}
		}
	})
	if r := os.Getenv("PORTICO_TEST_REDIS_URL"); r != "" {
		if u, err := url.Parse(r); err == nil {
			addr = u.Host // a real Redis
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	s, err := store.Open(ctx, "postgres://portico@"+addr+"/portico?sslmode=disable", t.TempDir())
	if err == nil {
		s.Close()
		t.Fatal("Open succeeded")
	}
	var not *store.NotPostgreSQLError
	want := "the server at " + addr + " is not PostgreSQL: it accepted the connection but answered nothing"
	if !errors.As(err, &not) || !strings.Contains(err.Error(), want) {
		t.Fatalf("Open: %v; want a NotPostgreSQLError saying %q", err, want)
	}
}

// TestOpenTakesPostgreSQLsRefusalAsPostgreSQL: PostgreSQL's own refusal
// (a database that does not exist) is reported as it is, never as a
// server of another kind.
func TestOpenTakesPostgreSQLsRefusalAsPostgreSQL(t *testing.T) {
	base := storetest.PostgreSQLURL(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	for _, ssl := range []string{"disable"} {
		u.Path = "/no_such_database_here"
		q := u.Query()
		q.Set("sslmode", ssl)
		u.RawQuery = q.Encode()
		s, err := store.Open(context.Background(), u.String(), t.TempDir())
		if err == nil {
			s.Close()
			t.Fatalf("Open of a database that does not exist (sslmode=%s) succeeded", ssl)
		}
		var not *store.NotPostgreSQLError
		if errors.As(err, &not) || !strings.Contains(err.Error(), "no_such_database_here") {
			t.Errorf("Open of a database that does not exist (sslmode=%s): %v; want PostgreSQL's refusal", ssl, err)
		}
	}
}

// TestOpenSaysAClosingServerMayBeAProxyOfAPostgreSQLStarting: a server
// that closes the connection without a word is a TLS server (an HTTPS
// one), or a proxy whose PostgreSQL does not listen yet: Docker's
// published port accepts while its container starts, then closes. Open
// said only the first, and the command told to give PostgreSQL's address
// when the address was right and PostgreSQL still starting.
func TestOpenSaysAClosingServerMayBeAProxyOfAPostgreSQLStarting(t *testing.T) {
	// A server closing with the client's bytes unread resets the
	// connection (the client reads "connection reset by peer"), one that
	// read them ends it (the client reads EOF); which one a proxy does
	// depends on when the client's startup message arrives.
	closers := map[string]func(net.Conn){
		"ends": func(c net.Conn) {
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			c.Read(make([]byte, 1024))
		},
		"resets": func(c net.Conn) {
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			c.Read(make([]byte, 1)) // the rest left unread
			c.(*net.TCPConn).SetLinger(0)
		},
	}
	for how, closer := range closers {
		addr := serveTCP(t, closer)
		for _, sslmode := range []string{"?sslmode=disable", ""} {
			s, err := store.Open(context.Background(), "postgres://portico@"+addr+"/portico"+sslmode, t.TempDir())
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			var not *store.NotPostgreSQLError
			if !errors.As(err, &not) {
				t.Errorf("a server that %s the connection, %q: Open: %v; want a NotPostgreSQLError", how, sslmode, err)
				continue
			}
			for _, want := range []string{"closed the connection without an answer", "a TLS server", "a proxy", "not started yet", "try again"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("a server that %s the connection, %q: Open: %q, want it to say %q", how, sslmode, err, want)
				}
			}
		}
	}
}
