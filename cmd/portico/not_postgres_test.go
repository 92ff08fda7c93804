package main

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/portico-dev/portico/store"
)

// TestDatabaseURLOfAnotherServer: a --database-url naming the address of a
// web server stopped the start with the driver's "pgdriver: unexpected
// startup message: 'H'", which names neither the setting nor what is
// there. The refusal names the setting as it was given (flag or
// environment variable) and what answered.
func TestDatabaseURLOfAnotherServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b := make([]byte, 512)
			// Whatever came, a web server's answer.
			_, _ = c.Read(b)
			_, _ = c.Write([]byte("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"))
			c.Close()
		}
	}()
	addr := ln.Addr().String()
	dbURL := "postgres://portico:secret-pw@" + addr + "/portico?sslmode=disable"
	found := "the server at " + addr + ` is not PostgreSQL: it answered as an HTTP server ("HTTP/1.1 400 Bad Request")`
	tests := []struct {
		args []string
		vars map[string]string
		want string
	}{
		{[]string{"migrate", "--database-url", dbURL}, nil, "--database-url: " + found},
		{[]string{"migrate"}, map[string]string{"PORTICO_DATABASE_URL": dbURL}, "PORTICO_DATABASE_URL: " + found},
		{[]string{"serve", "--addr", "127.0.0.1:0"}, map[string]string{"PORTICO_DATABASE_URL": dbURL}, "PORTICO_DATABASE_URL: " + found},
		{[]string{"user", "create", "--username", "ops", "--password-stdin", "--database-url", dbURL}, nil, "--database-url: " + found},
	}
	for _, tt := range tests {
		vars := map[string]string{"PORTICO_DATA_DIR": t.TempDir()}
		for k, v := range tt.vars {
			vars[k] = v
		}
		e, _, _ := testEnv(vars, "a long enough password\n")
		err := runEnv(context.Background(), tt.args, e)
		var not *store.NotPostgreSQLError
		if !errors.As(err, &not) || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("portico %v: error %v, want one starting %q", tt.args, err, tt.want)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, `README, "Configuration"`) || strings.Contains(msg, "secret-pw") {
			t.Errorf("portico %v: error %q, want it to point at README's \"Configuration\" without the password", tt.args, msg)
		}
	}
}
