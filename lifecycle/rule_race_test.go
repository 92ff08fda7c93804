package lifecycle_test

import (
	"context"
	"sync"
	"testing"

	"github.com/portico-dev/portico/spec"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestConcurrentChangesOfAnUnsetRuleAuditedOnce: two admins set a rule
// that has no stored setting yet (it has Portico's default) to the same
// severity at once. The change is made once and audited once: the second
// finds it made and is no change. (On PostgreSQL both used to read "no
// setting", both wrote and both were audited.)
func TestConcurrentChangesOfAnUnsetRuleAuditedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		var ids []string
		for _, r := range spec.Catalogue() {
			if r.Default != "off" && len(ids) < 20 {
				ids = append(ids, r.ID)
			}
		}
		if len(ids) < 5 {
			t.Fatalf("only %d rules whose default is not off", len(ids))
		}
		for _, id := range ids {
			start := make(chan struct{})
			errs := make([]error, 3)
			var wg sync.WaitGroup
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					errs[i] = f.svc.SetRule(ctx, f.admin, id, "off")
				}()
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("%s: change %d: %v, want nil (made, or found made)", id, i, err)
				}
			}
			n, err := s.DB().NewSelect().Table("audit_events").Where("action = ? AND object_id = ?", "rule.update", id).Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Errorf("%s: %d rule.update audit entries, want 1", id, n)
			}
		}
	})
}
