package migrations

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// rollingUnsafe finds, in a migration's SQL, what breaks an instance of the
// previous version still serving the database after it ran (see README,
// "Upgrading"): a table or column dropped or renamed, which its queries
// still name, or a column added NOT NULL without a DEFAULT, which its
// inserts do not fill.
func rollingUnsafe(sql string) []string {
	var found []string
	var lines []string
	for _, l := range strings.Split(sql, "\n") {
		if i := strings.Index(l, "--"); i >= 0 {
			l = l[:i]
		}
		lines = append(lines, l)
	}
	text := strings.Join(lines, " ")
	for _, re := range []*regexp.Regexp{
		regexp.MustCompile(`(?i)\bDROP\s+(TABLE|COLUMN)\b[^;]*`),
		regexp.MustCompile(`(?i)\bRENAME\b[^;]*`),
	} {
		found = append(found, re.FindAllString(text, -1)...)
	}
	for _, add := range regexp.MustCompile(`(?i)\bADD\s+COLUMN\b[^;,]*`).FindAllString(text, -1) {
		up := strings.ToUpper(add)
		if strings.Contains(up, "NOT NULL") && !strings.Contains(up, "DEFAULT") {
			found = append(found, add)
		}
	}
	return found
}

// TestMigrationsLeaveThePreviousVersionWorking: portal instances are
// upgraded one at a time on a shared database, so the older ones serve
// the schema the first newer one migrated. Every embedded migration only
// adds (tables, nullable columns or columns with a default, indexes):
// none drops or renames a table or column, nor adds a NOT NULL column
// without a default.
func TestMigrationsLeaveThePreviousVersionWorking(t *testing.T) {
	for _, tt := range []struct {
		sql  string
		want int
	}{
		{"ALTER TABLE t ADD COLUMN c BIGINT NOT NULL DEFAULT 0;", 0},
		{"ALTER TABLE t ADD COLUMN c TEXT;", 0},
		{"ALTER TABLE t ADD COLUMN c TEXT NOT NULL;", 1},
		{"ALTER TABLE t DROP COLUMN c;", 1},
		{"ALTER TABLE t RENAME COLUMN c TO d;", 1},
		{"DROP TABLE t;", 1},
		{"DROP INDEX t_idx; -- drop table t in a comment", 0},
	} {
		if got := rollingUnsafe(tt.sql); len(got) != tt.want {
			t.Errorf("rollingUnsafe(%q) = %q, want %d finding(s)", tt.sql, got, tt.want)
		}
	}
	names, err := fs.Glob(files, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		b, err := fs.ReadFile(files, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range rollingUnsafe(string(b)) {
			t.Errorf("%s: %q would break the instances of the previous version still serving during a rolling upgrade", name, strings.TrimSpace(f))
		}
	}
}
