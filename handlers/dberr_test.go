package handlers_test

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/handlers"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestWriteCutByTheDeadlineIsNotApplied: on PostgreSQL a request whose
// write (one statement, outside a transaction: marking the notifications
// read) waits on a lock past the request's deadline answers 503 "took too
// long", and the write is not applied once the lock is released: a 503
// means nothing was written, so sending it again is safe. Before, the
// driver closed the connection without a cancel request and the server,
// which waited on the lock, applied the write once it came. The request
// sent again then succeeds.
func TestWriteCutByTheDeadlineIsNotApplied(t *testing.T) {
	if !slices.Contains(storetest.Dialects(t), store.PostgreSQL) {
		t.Skipf("set %s: the server applying a write behind the answer is PostgreSQL's", storetest.EnvDatabaseURL)
	}
	ctx := context.Background()
	s := storetest.Open(t, store.PostgreSQL)
	e := newEnvWith(t, s, func(o *handlers.Options) { o.RequestTimeout = time.Second })
	alice := e.user("alice", policy.RoleAdmin, "payments", policy.RoleOwner)
	br := e.browser()
	br.login("alice")
	if err := s.Notify(ctx, s.DB(), []int64{alice.ID}, "test", "a note", "/", store.Now()); err != nil {
		t.Fatal(err)
	}
	unread := func() int {
		t.Helper()
		n, err := s.UnreadCount(ctx, alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := unread(); n != 1 {
		t.Fatalf("before: %d unread, want 1", n)
	}
	br.csrf()

	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "SELECT id FROM notifications WHERE user_id = ? FOR UPDATE", alice.ID); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res := br.post("/notifications/read", nil)
	took := time.Since(start)
	body, _ := io.ReadAll(res.Body)
	t.Logf("answered %d after %s", res.StatusCode, took.Round(time.Millisecond))
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Logf("log:\n%s", e.logs.String())
	}
	time.Sleep(200 * time.Millisecond)
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), tooLongMessage) {
		t.Errorf("a write past the deadline: %d, want 503 saying %q; body %.300q", res.StatusCode, tooLongMessage, body)
	}
	time.Sleep(500 * time.Millisecond) // a write the server still ran would have come through
	if n := unread(); n != 1 {
		t.Errorf("after the 503 and the lock released: %d unread, want 1: the write the answer said was not done was applied", n)
	}

	res = br.post("/notifications/read", nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("sent again: %d, want 303", res.StatusCode)
	}
	if n := unread(); n != 0 {
		t.Errorf("sent again: %d unread, want 0", n)
	}
}
