package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/portico-dev/portico/store"
)

// TestNewerDatabaseNamesTheCommand: every command that migrates first
// refuses a database a newer Portico migrated, and its message says what
// that command would have done, not what serve would: "portico migrate"
// said it "would serve a schema it does not know".
func TestNewerDatabaseNamesTheCommand(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"PORTICO_DATA_DIR": dir, "PORTICO_ADDR": "127.0.0.1:0"}
	e, _, _ := testEnv(vars, "")
	if err := runEnv(context.Background(), []string{"migrate"}, e); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := store.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	// What a newer Portico's migrate records.
	if _, err := s.DB().ExecContext(ctx, "INSERT INTO bun_migrations (name, group_id, migrated_at) VALUES ('29991231000000', 999, CURRENT_TIMESTAMP)"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	tests := []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"serve"}, "", "portico serve would serve a schema it does not know"},
		{[]string{"migrate"}, "", "portico migrate cannot take the database back: migrations only go forward"},
		{[]string{"reindex"}, "", "portico reindex would index a schema it does not know"},
		{[]string{"user", "create", "--username", "ops", "--password-stdin"}, "a long enough password\n", "portico user create would write to a schema it does not know"},
		{[]string{"import", "--as", "ops", "--team", "t", filepath.Join(dir, "x.yaml")}, "", "portico import would write to a schema it does not know"},
		{[]string{"demo"}, "", "portico demo would write to a schema it does not know"},
	}
	for _, tt := range tests {
		e, _, _ := testEnv(vars, tt.stdin)
		err := runEnv(ctx, tt.args, e)
		var newer *store.NewerDatabaseError
		if !errors.As(err, &newer) {
			t.Errorf("portico %v: error %v, want a NewerDatabaseError", tt.args, err)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, "the database was migrated by a newer Portico (its last migration is 29991231000000") || !strings.Contains(msg, tt.want) {
			t.Errorf("portico %v: error %q, want it to name the newer migration and say %q", tt.args, msg, tt.want)
		}
		if tt.args[0] != "serve" && strings.Contains(msg, "serve") {
			t.Errorf("portico %v: error %q speaks of serving", tt.args, msg)
		}
	}
}
