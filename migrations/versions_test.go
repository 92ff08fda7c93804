package migrations

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestUniqueVersionsRefusesASharedVersion: two files of one timestamp are
// refused by name (bun would apply one and skip the other silently), and
// the embedded set passes.
func TestUniqueVersionsRefusesASharedVersion(t *testing.T) {
	twice := fstest.MapFS{
		"20261206030001_audit_other_team.tx.up.sql": {Data: []byte("SELECT 1")},
		"20261206030001_form_submissions.tx.up.sql": {Data: []byte("SELECT 1")},
		"20261206030002_backfill.tx.up.sql":         {Data: []byte("SELECT 1")},
	}
	err := uniqueVersions(twice)
	if err == nil || !strings.Contains(err.Error(), "20261206030001_audit_other_team.tx.up.sql and 20261206030001_form_submissions.tx.up.sql") {
		t.Fatalf("uniqueVersions = %v, want an error naming both files", err)
	}
	if err := uniqueVersions(files); err != nil {
		t.Fatalf("the embedded migrations: %v", err)
	}
	if _, err := New(); err != nil {
		t.Fatal(err)
	}
}
