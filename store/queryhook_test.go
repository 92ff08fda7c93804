package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// queryRecorder is a query hook that records the SQL it sees.
type queryRecorder struct {
	mu      sync.Mutex
	queries []string
	errs    []error
}

func (r *queryRecorder) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

func (r *queryRecorder) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.queries = append(r.queries, e.Query)
	r.errs = append(r.errs, e.Err)
}

// TestQueryHooksSeePreparedReads: a query hook added to the store sees
// the reads the store runs through statements it keeps prepared on SQLite
// (the profile's tokens, the navigation's unread count) as it sees every
// other query, so that the tests that count or look at a page's queries
// through a hook see them too.
func TestQueryHooksSeePreparedReads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ada := newAuthFixture(t, s, "ada")
		rec := &queryRecorder{}
		s.AddQueryHook(rec)
		for range 2 { // the first prepares the statement, the second reuses it
			if _, err := s.UserTokens(ctx, ada.user.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := s.UnreadCount(ctx, ada.user.ID); err != nil {
				t.Fatal(err)
			}
		}
		rec.mu.Lock()
		defer rec.mu.Unlock()
		var tokens, unread int
		for i, q := range rec.queries {
			if rec.errs[i] != nil {
				t.Errorf("%s: %v", q, rec.errs[i])
			}
			if strings.Contains(q, "api_tokens") {
				tokens++
			}
			if strings.Contains(q, "FROM notifications") {
				unread++
			}
		}
		if tokens != 2 || unread != 2 {
			t.Errorf("the hook saw %d reads of the tokens and %d unread counts, want 2 and 2; it saw %q", tokens, unread, rec.queries)
		}
	})
}
