package store

import (
	"context"
	"fmt"
	"testing"
)

// TestPreparedStatementsAreBounded: queries past maxPreparedStmts still
// answer, unprepared, and the kept set stops growing.
func TestPreparedStatementsAreBounded(t *testing.T) {
	s, err := Open(context.Background(), "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	for i := range maxPreparedStmts + 10 {
		n, err := s.countRows(ctx, fmt.Sprintf("SELECT count(*) FROM (SELECT %d AS x) WHERE x = ?", i), i)
		if err != nil || n != 1 {
			t.Fatalf("query %d: %d, %v", i, n, err)
		}
	}
	s.prepared.mu.Lock()
	kept := len(s.prepared.stmts)
	s.prepared.mu.Unlock()
	if kept != maxPreparedStmts {
		t.Fatalf("kept %d statements, want %d", kept, maxPreparedStmts)
	}
}
