package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/handlers"
	"github.com/portico-dev/portico/store/storetest"
)

// cutAfterCommit is a query hook that holds the first read a request runs
// after one of its transactions (or writes) committed until the request's
// deadline has passed: the request committed, then ran past its deadline
// in a later step.
type cutAfterCommit struct {
	mu        sync.Mutex
	committed bool
	cut       int
}

func (h *cutAfterCommit) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context {
	if _, ok := ctx.Deadline(); !ok || !strings.HasPrefix(strings.TrimSpace(e.Query), "SELECT") {
		return ctx
	}
	h.mu.Lock()
	hold := h.committed && h.cut == 0
	if hold {
		h.cut++
	}
	h.mu.Unlock()
	if hold {
		<-ctx.Done()
	}
	return ctx
}

func (h *cutAfterCommit) AfterQuery(ctx context.Context, e *bun.QueryEvent) {
	if _, ok := ctx.Deadline(); !ok || e.Err != nil {
		return
	}
	if q := strings.TrimSpace(e.Query); q == "COMMIT" || strings.HasPrefix(q, "INSERT") {
		h.mu.Lock()
		h.committed = true
		h.mu.Unlock()
	}
}

// TestCommittedThenCutSaysSaved: a request that committed its write and
// then ran past its deadline reading for its answer (POST /api/v1/teams:
// the team is created, then its members are read for the JSON) is not
// answered "busy, try again" (nothing was written, sending it again is
// safe): that answer is false, and a client sending the request again
// writes twice. It is answered 503 with a problem of its own saying the
// change was saved, without Retry-After.
func TestCommittedThenCutSaysSaved(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			s := storetest.Open(t, d)
			const timeout = time.Second
			e := newEnvWith(t, s, func(o *handlers.Options) { o.RequestTimeout = timeout })
			tok := outageUsers(t, e)

			h := &cutAfterCommit{}
			s.AddQueryHook(h)
			res, body := e.api("POST", "/api/v1/teams", tok, map[string]any{"slug": "billing", "name": "Billing"})
			h.mu.Lock()
			cut := h.cut
			h.mu.Unlock()
			if cut == 0 {
				t.Fatalf("no read was held after the commit: %d %v", res.StatusCode, body)
			}
			detail, _ := body["detail"].(string)
			t.Logf("answered %d %q %q: %q (Retry-After %q)", res.StatusCode, body["type"], body["title"], detail, res.Header.Get("Retry-After"))
			if _, err := s.TeamBySlug(context.Background(), "billing"); err != nil {
				t.Fatalf("the team was not created: %v", err)
			}
			if res.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("status %d, want 503", res.StatusCode)
			}
			if strings.Contains(detail, tooLongMessage) || strings.Contains(detail, "Try again") {
				t.Errorf("the answer says nothing was written (try again) while the team was created: %q", detail)
			}
			if !strings.Contains(detail, "was saved") {
				t.Errorf("the answer does not say the change was saved: %q", detail)
			}
			if ra := res.Header.Get("Retry-After"); ra != "" {
				t.Errorf("Retry-After %q on an answer to a request whose change was saved", ra)
			}
			if typ, _ := body["type"].(string); typ == "about:blank" || typ == "" {
				t.Errorf("problem type %q, want one of its own", typ)
			}
		})
	}
}

// TestAuthWriteIsNotTheChange: what the authentication writes before the
// handler runs (a token's first use, recorded and committed) is not the
// request's change. A write then refused (waiting on a lock another
// transaction holds) is still answered "busy" with Retry-After: nothing
// the request asked for was written, and sending it again is safe.
func TestAuthWriteIsNotTheChange(t *testing.T) {
	// PostgreSQL only: on SQLite the held lock stops the token's write too.
	s, other := storetest.OpenPostgreSQLPair(t, "&read_timeout=2s")
	e := newEnvOn(t, s)
	outageUsers(t, e)
	alice, err := s.UserByUsername(context.Background(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	tok := e.token(alice) // never used: its first use is written
	tx := holdOn(t, other, "LOCK TABLE teams, team_members IN ACCESS EXCLUSIVE MODE")
	res, body := putBob(e, tok)
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	detail, _ := body["detail"].(string)
	t.Logf("answered %d %q: %q", res.StatusCode, body["type"], detail)
	check503(t, "a write waiting on a lock after the token's first use", res, detail, dbBusyMessage)
	checkPutBobUndone(t, e, s, tok, res.StatusCode)
}
