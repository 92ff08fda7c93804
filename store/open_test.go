package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/portico-dev/portico/store"
)

// TestOpenRefusesBadURLs: a PostgreSQL URL that cannot be used is an error
// in one line that keeps the password out (it ends in logs and on
// terminals), never a panic.
func TestOpenRefusesBadURLs(t *testing.T) {
	const password = "s3cretPa55"
	tests := []struct {
		name, url, want string
	}{
		{"unknown sslmode", "postgres://portico:" + password + "@127.0.0.1:1/db?sslmode=verify_full", "sslmode"},
		{"bad timeout", "postgres://portico:" + password + "@127.0.0.1:1/db?connect_timeout=soon", "connect_timeout"},
		{"missing root certificate", "postgres://portico:" + password + "@127.0.0.1:1/db?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem", "root CA"},
		{"percent sign in the password", "postgres://portico:" + password + "%zz@127.0.0.1:1/db", "database url"},
		{"space in the host", "postgres://portico:" + password + "@db host:5432/db", "invalid database url"},
		// A "#", "/" or "?" ends the URL's authority: the parser takes
		// "portico:<password>" for host and port, and quotes the "port".
		{"hash in the password", "postgres://portico:" + password + "#x@127.0.0.1:1/db", "percent-encode"},
		{"slash in the password", "postgres://portico:" + password + "/x@127.0.0.1:1/db", "percent-encode"},
		{"question mark in the password", "postgres://portico:" + password + "?x@127.0.0.1:1/db", "percent-encode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("Open panicked: %v", p)
					}
				}()
				var s *store.Store
				s, err = store.Open(context.Background(), tt.url, t.TempDir())
				if err == nil {
					s.Close()
				}
			}()
			if err == nil {
				t.Fatal("Open: got no error, want one")
			}
			if msg := err.Error(); strings.Contains(msg, password) || !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") {
				t.Errorf("Open: got error %q, want one line saying %q without the password", msg, tt.want)
			}
		})
	}
}

// TestOpenRedactsOnlyThePassword: the driver's message keeps its words
// whatever the password; the password is taken out where it stands whole
// (the URL, or a value that is the password), not out of other words.
func TestOpenRedactsOnlyThePassword(t *testing.T) {
	tests := []struct {
		name, url, want, never string
	}{
		{"one-letter password", "postgres://portico:e@127.0.0.1:1/db?sslmode=verify_full", "invalid database url: pgdriver: sslmode 'verify_full' is not supported", ""},
		{"short password in a duration's message", "postgres://portico:on@127.0.0.1:1/db?connect_timeout=soon", `invalid connect_timeout duration: time: invalid duration "soon"`, ""},
		{"password given as a value", "postgres://portico:s3cretPa55@127.0.0.1:1/db?sslmode=s3cretPa55", "sslmode 'xxxxx' is not supported", "s3cretPa55"},
		{"percent-encoded password given as a value", "postgres://portico:p%40ss%2Fword@127.0.0.1:1/db?sslmode=p%40ss%2Fword", "sslmode 'xxxxx' is not supported", "ss/word"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := store.Open(context.Background(), tt.url, t.TempDir())
			if err == nil {
				s.Close()
				t.Fatal("Open: got no error, want one")
			}
			if msg := err.Error(); !strings.Contains(msg, tt.want) || (tt.never != "" && strings.Contains(msg, tt.never)) {
				t.Errorf("Open: got error %q, want %q", msg, tt.want)
			}
		})
	}
}
