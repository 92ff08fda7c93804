package store

import "testing"

// TestIsWrite: a write is recognised whatever comes before it (comments,
// as bun.WithComment and Comment write them, spaces, parentheses) and
// however a WITH query spaces its data-modifying statement; a read is not
// taken for a write for a word in a string, an identifier, a comment or a
// locking clause (a transaction of its own would read its rows whole).
func TestIsWrite(t *testing.T) {
	for _, tc := range []struct {
		q     string
		write bool
	}{
		{"UPDATE teams SET name = 'a'", true},
		{"  insert INTO t VALUES (1)", true},
		{"delete from t", true},
		{"MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE", true},
		{"TRUNCATE audit_events", true},
		{"/* handlers.markRead */ UPDATE notifications SET read_at = now()", true},
		{"/* a /* nested */ comment */UPDATE t SET a = 1", true},
		{"-- mark read\nUPDATE notifications SET read_at = now()", true},
		{"-- one\n  -- two\r\n/* three */\tDELETE FROM t", true},
		{"/* c */ WITH x AS (DELETE FROM t RETURNING id) SELECT count(*) FROM x", true},
		{"WITH moved AS (DELETE FROM usage WHERE t < 1 RETURNING *) SELECT COUNT(*) FROM moved", true},
		{"WITH x AS (\nUPDATE\nteams SET a = 1 RETURNING id) SELECT count(*) FROM x", true},
		{"with x as (select 1)\ninsert\tinto t select * from x", true},
		{"WITH x AS MATERIALIZED (INSERT INTO t VALUES (1) RETURNING id) SELECT id FROM x", true},
		{"WITH x AS (SELECT 1) /* then */ UPDATE t SET a = 1", true},
		{"WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r WHERE n < 3) DELETE FROM t WHERE id IN (SELECT n FROM r)", true},

		{"SELECT 1", false},
		{"/* UPDATE */ SELECT 1", false},
		{"-- DELETE FROM t\nSELECT 1", false},
		{"SELECT * FROM t FOR UPDATE", false},
		{"WITH x AS (SELECT id FROM t FOR UPDATE SKIP LOCKED) SELECT id FROM x", false},
		{"WITH x AS (SELECT id FROM t FOR NO KEY UPDATE ) SELECT id FROM x", false},
		{"WITH x AS (SELECT 'INSERT ' AS a, \"UPDATE \" FROM t) SELECT a FROM x", false},
		{"WITH x AS (SELECT $$ DELETE $$ AS a, E'\\' (DELETE ' AS b) SELECT a FROM x", false},
		{"WITH x AS (SELECT 1 /* (DELETE */) SELECT * FROM x -- (UPDATE", false},
		{"VACUUM t", false},
		{"", false},
		{"/* unterminated", false},
	} {
		if got := isWrite(tc.q); got != tc.write {
			t.Errorf("isWrite(%q) = %v, want %v", tc.q, got, tc.write)
		}
	}
}
