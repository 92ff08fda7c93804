package people_test

import (
	"context"
	"sync"
	"testing"

	"github.com/portico-dev/portico/people"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestRevokingATokenTwiceAtOnce: a double-clicked "Revoke" sends two
// requests for one token at once. The token is revoked once: one request
// succeeds, the other is told the token is no longer active, and the
// audit log records one revocation.
func TestRevokingATokenTwiceAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		for i := range 10 {
			if _, err := f.svc.CreateToken(ctx, f.member, people.TokenInput{Name: "ci"}); err != nil {
				t.Fatal(err)
			}
			tokens, err := s.UserTokens(ctx, f.member.ID)
			if err != nil {
				t.Fatal(err)
			}
			id := tokens[0].ID
			for _, tk := range tokens {
				id = max(id, tk.ID)
			}
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for j := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[j] = f.svc.RevokeToken(ctx, f.member, id)
				}()
			}
			wg.Wait()
			if (errs[0] == nil) == (errs[1] == nil) {
				t.Errorf("round %d: the two revocations answered %v and %v, want one success and one refusal", i, errs[0], errs[1])
			}
		}
		events, err := s.ListAudit(ctx, store.AuditFilter{Action: "token.revoke", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 10 {
			t.Errorf("%d token.revoke events for 10 tokens, want 10", len(events))
		}
	})
}
