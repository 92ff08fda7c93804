package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/uptrace/bun/driver/pgdriver"
)

// TestConnectionCheckRefusedKeepsTheConnection: a server that refuses the
// SET of client_connection_check_interval (PostgreSQL before 14 does not
// know it: 42704 "unrecognized configuration parameter"; a server on a
// platform without the check takes only 0: 22023) still gives the store a
// connection that works, as before the store set it; a connection lost
// during the SET is an error. The refusals are PostgreSQL's own, for a
// parameter it does not have and for a value it does not take.
func TestConnectionCheckRefusedKeepsTheConnection(t *testing.T) {
	u := os.Getenv("PORTICO_TEST_DATABASE_URL")
	if u == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but PORTICO_TEST_DATABASE_URL is not: the PostgreSQL suite must run in CI")
		}
		t.Skip("set PORTICO_TEST_DATABASE_URL: the refusals are PostgreSQL's")
	}
	ctx := context.Background()
	connector := pgdriver.NewConnector(pgdriver.WithDSN(u))
	c, err := connector.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cn := c.(*pgdriver.Conn)
	defer cn.Close()
	for _, set := range []struct{ name, value, code string }{
		{"portico_no_such_parameter", "1000", "42704"},
		{connectionCheckParam, "-1", "22023"},
	} {
		_, err := cn.ExecContext(ctx, "SET "+set.name+" TO '"+set.value+"'", nil)
		var pgErr pgdriver.Error
		if !parameterRefused(err) || !errors.As(err, &pgErr) || pgErr.Field('C') != set.code {
			t.Fatalf("SET %s TO %s: %v, want a refusal %s", set.name, set.value, err, set.code)
		}
		if err := setIfKnown(ctx, cn, set.name, set.value); err != nil {
			t.Errorf("setIfKnown(%s, %s): %v, want nil: the server's refusal is not the connection's failure", set.name, set.value, err)
		}
		if _, err := cn.ExecContext(ctx, "SELECT 1", nil); err != nil {
			t.Errorf("after the refused SET %s: SELECT 1: %v", set.name, err)
		}
	}
	if err := setIfKnown(ctx, cn, connectionCheckParam, connectionCheckInterval); err != nil {
		t.Errorf("setIfKnown(%s, %s): %v", connectionCheckParam, connectionCheckInterval, err)
	}
	_, syntax := cn.ExecContext(ctx, "SELEC 1", nil)
	for _, err := range []error{nil, io.EOF, driver.ErrBadConn, syntax} {
		if parameterRefused(err) {
			t.Errorf("parameterRefused(%v) = true, want false: only a refused parameter or value is", err)
		}
	}
	cn.Close()
	if err := setIfKnown(ctx, cn, connectionCheckParam, connectionCheckInterval); err == nil {
		t.Error("setIfKnown on a closed connection: nil, want its error")
	}
}
