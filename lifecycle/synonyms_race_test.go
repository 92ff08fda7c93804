package lifecycle_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestConcurrentSynonymSavesFromOneVersion: admins save different lists at
// once, each from the list as they read it. One save wins; the others are
// refused as conflicts and change nothing, also when the list read was
// Portico's default (no row to lock yet). Saves without a lock version
// are each applied after the other, none refused.
func TestConcurrentSynonymSavesFromOneVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		audits := func() int {
			t.Helper()
			n, err := s.DB().NewSelect().Table("audit_events").Where("action = ?", "search.synonyms.update").Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return int(n)
		}
		saveAll := func(round int, lock *int64) (won, refused int) {
			t.Helper()
			errs := make([]error, 4)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, _, errs[i] = f.svc.SetSynonyms(ctx, f.admin, [][]string{{fmt.Sprintf("w%d-%d", round, i), "same"}}, lock)
				}()
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				var ce *apperr.ConflictError
				switch {
				case err == nil:
					won++
				case errors.As(err, &ce):
					refused++
				default:
					t.Errorf("round %d: save %d: %v, want nil or a conflict", round, i, err)
				}
			}
			return won, refused
		}
		version := int64(0)
		for round := range 5 {
			before := audits()
			v := version
			if won, refused := saveAll(round, &v); won != 1 || refused != 3 || audits() != before+1 {
				t.Errorf("round %d from lock_version %d: %d saved, %d refused, %d audit entries; want 1, 3, 1", round, v, won, refused, audits()-before)
			}
			syn, err := f.svc.Synonyms(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if syn.LockVersion != v+1 {
				t.Errorf("round %d: lock_version %d, want %d", round, syn.LockVersion, v+1)
			}
			version = syn.LockVersion
		}
		// Without a lock version, each save is made over the one before.
		before := audits()
		if won, refused := saveAll(99, nil); won != 4 || refused != 0 || audits() != before+4 {
			t.Errorf("saves without a lock version: %d saved, %d refused, %d audit entries; want 4, 0, 4", won, refused, audits()-before)
		}
	})
}
