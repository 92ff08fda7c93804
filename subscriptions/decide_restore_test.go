package subscriptions_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// A decision that fails leaves the caller's copy of the subscription as it
// was: not only its state, but who decided it and when, when it ended and
// the reason, which a page would otherwise show as if they had been saved.
func TestFailedDecisionLeavesCopyUnchanged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		sub := f.subscribe(t, "gold")
		stale := *sub
		if err := f.svc.Approve(ctx, f.maint, sub); err != nil {
			t.Fatal(err)
		}
		before := stale
		// The stale copy still says pending, so rejecting is allowed by the
		// transition table; the store refuses it, as it changed meanwhile.
		if err := f.svc.Reject(ctx, f.owner, &stale, "not for resale"); !isConflict(err) {
			t.Fatalf("rejecting a stale copy: %v, want a conflict", err)
		}
		if !reflect.DeepEqual(stale, before) {
			t.Errorf("after the failed rejection the copy says state %s, reason %q, decided by %v at %v, ended %v, lock %d; want it unchanged (state %s, reason %q, decided by %v, lock %d)",
				stale.State, stale.Reason, stale.DecidedBy, stale.DecidedAt, stale.EndedAt, stale.LockVersion, before.State, before.Reason, before.DecidedBy, before.LockVersion)
		}
		stale = before
		if err := f.svc.Cancel(ctx, f.dev, &stale); !isConflict(err) {
			t.Fatalf("cancelling a stale copy: %v, want a conflict", err)
		}
		if !reflect.DeepEqual(stale, before) {
			t.Errorf("after the failed cancellation the copy says state %s, ended %v; want it unchanged", stale.State, stale.EndedAt)
		}
	})
}
