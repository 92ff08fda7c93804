package storetest

import (
	"context"
	"testing"

	"github.com/portico-dev/portico/store"
)

// Refuse makes the database refuse, from now on, every event ("INSERT" or
// "UPDATE") on table whose new row meets cond (an SQL condition on NEW that
// both dialects read alike), with message: a trigger named name, as a row a
// transaction cannot write would be refused. It returns a function that
// drops the trigger.
func Refuse(t testing.TB, s *store.Store, name, event, table, cond, message string) (drop func()) {
	t.Helper()
	ctx := context.Background()
	var stmts, undo []string
	switch s.Dialect() {
	case store.SQLite:
		stmts = []string{"CREATE TRIGGER " + name + " BEFORE " + event + " ON " + table + " WHEN " + cond +
			" BEGIN SELECT RAISE(ABORT, '" + message + "'); END"}
		undo = []string{"DROP TRIGGER " + name}
	case store.PostgreSQL:
		stmts = []string{
			"CREATE FUNCTION " + name + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF " + cond +
				" THEN RAISE EXCEPTION '" + message + "'; END IF; RETURN NEW; END $$",
			"CREATE TRIGGER " + name + " BEFORE " + event + " ON " + table + " FOR EACH ROW EXECUTE FUNCTION " + name + "()",
		}
		undo = []string{"DROP TRIGGER " + name + " ON " + table, "DROP FUNCTION " + name + "()"}
	}
	for _, q := range stmts {
		if _, err := s.DB().ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return func() {
		t.Helper()
		for _, q := range undo {
			if _, err := s.DB().ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
}
