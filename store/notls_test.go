package store_test

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// withoutTLS returns the address of a relay to the PostgreSQL server at
// target that refuses TLS as a server without it does: it answers a TLS
// request 'N' and goes on with the startup that follows, forwarded to
// target unencrypted.
func withoutTLS(t *testing.T, target string) string {
	t.Helper()
	return serveTCP(t, func(c net.Conn) {
		first := make([]byte, 8)
		if _, err := io.ReadFull(c, first); err != nil {
			return
		}
		// A TLS request: length 8, code 80877103.
		if binary.BigEndian.Uint32(first[:4]) == 8 && binary.BigEndian.Uint32(first[4:]) == 80877103 {
			if _, err := c.Write([]byte("N")); err != nil {
				return
			}
			first = nil
		}
		up, err := net.Dial("tcp", target)
		if err != nil {
			return
		}
		defer up.Close()
		if _, err := up.Write(first); err != nil {
			return
		}
		go func() {
			_, _ = io.Copy(up, c)
			up.Close()
		}()
		_, _ = io.Copy(c, up)
	})
}

// TestOpenSaysTheServerHasNoTLS: a PostgreSQL server without TLS, named by
// a URL without sslmode (or with prefer, or require), gave the driver's
// "pgdriver: SSL is not enabled on the server": without sslmode the
// driver asks for TLS and, unlike libpq's default (prefer), does not fall
// back to an unencrypted connection, and nothing said which setting to
// change. Open says the server has no TLS, names sslmode and what to set;
// with sslmode=disable, as it says, Open connects.
func TestOpenSaysTheServerHasNoTLS(t *testing.T) {
	base := storetest.PostgreSQLURL(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = withoutTLS(t, u.Host)
	for _, c := range []struct {
		sslmode string
		want    []string
	}{
		{"", []string{"the PostgreSQL server at " + u.Host + " does not offer TLS", "the database URL sets no sslmode", "add sslmode=disable", "sslmode=require"}},
		{"prefer", []string{"does not offer TLS", "sslmode=prefer", "set sslmode=disable", "sslmode=require"}},
		{"require", []string{"does not offer TLS", "sslmode=require asks for", "enable TLS on the server", "sslmode=disable"}},
	} {
		q := u.Query()
		q.Del("sslmode")
		if c.sslmode != "" {
			q.Set("sslmode", c.sslmode)
		}
		u.RawQuery = q.Encode()
		s, err := store.Open(context.Background(), u.String(), t.TempDir())
		if err == nil {
			s.Close()
			t.Errorf("sslmode %q: Open of a server without TLS succeeded", c.sslmode)
			continue
		}
		for _, want := range c.want {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("sslmode %q: Open: %q, want it to say %q", c.sslmode, err, want)
			}
		}
		var not *store.NotPostgreSQLError
		if errors.As(err, &not) {
			t.Errorf("sslmode %q: Open: %v, a NotPostgreSQLError; the server is PostgreSQL", c.sslmode, err)
		}
	}
	q := u.Query()
	q.Set("sslmode", "disable")
	u.RawQuery = q.Encode()
	s, err := store.Open(context.Background(), u.String(), t.TempDir())
	if err != nil {
		t.Fatalf("sslmode=disable, as the message says: %v", err)
	}
	s.Close()
}
