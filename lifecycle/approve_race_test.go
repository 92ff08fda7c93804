package lifecycle_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// petsWithOwners is spectest.PetsV1 with one more path: an additive change.
var petsWithOwners = strings.Replace(spectest.PetsV1, "paths:\n", `paths:
  /owners:
    get:
      operationId: listOwners
      summary: List owners
      tags: [pets]
      responses:
        "200": {description: ok}
`, 1)

// Two versions of one major approved at the same moment are judged as if
// one after the other. 1.1.0 adds /owners to 1.0.0; 1.2.0, drafted from
// 1.0.0, lacks it. Approved alone, each is additive over 1.0.0; once 1.1.0
// is published, 1.2.0 removes /owners, a breaking change that must block
// it. Each review used to be compared with 1.0.0 before the approval's
// transaction, so both approvals published (1.2.0 after 1.1.0, with the
// breaking change no reviewer saw). Now the second to commit finds the
// version it is compared with changed, and is refused.
func TestConcurrentApprovalsInOneMajor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		for i := range 12 {
			a, err := f.svc.CreateAPI(ctx, f.maintainer, f.team, lifecycle.APIInput{Slug: fmt.Sprintf("race-%d", i), Name: "Race"})
			if err != nil {
				t.Fatal(err)
			}
			f.publish(t, a, "1.0.0", spectest.PetsV1)
			var reqs []*store.PublicationRequest
			for _, d := range []struct{ version, spec string }{{"1.1.0", petsWithOwners}, {"1.2.0", spectest.PetsV1}} {
				_, r := f.submit(t, f.dev, a, d.version, d.spec)
				reqs = append(reqs, r)
			}
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for j, r := range reqs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[j] = f.svc.Approve(ctx, []*store.User{f.approver, f.approver2}[j], r, "ok", false)
				}()
			}
			wg.Wait()
			var te *lifecycle.TransitionError
			for j, err := range errs {
				if err != nil && !errors.As(err, &te) {
					t.Fatalf("round %d: approving %d: %v, want nil or a refusal", i, j, err)
				}
			}
			if errs[0] != nil || errs[1] != nil {
				continue
			}
			// Both published: only right if 1.2.0 came first (1.1.0 is
			// then additive over it). The audit log says in which order.
			events, err := s.ListAudit(ctx, store.AuditFilter{APISlug: a.Slug, Action: "version.approve", Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			var order []string // newest first
			for _, e := range events {
				order = append(order, strings.TrimPrefix(e.ObjectID, a.Slug+"@"))
			}
			if len(order) < 2 || order[0] != "1.1.0" {
				t.Fatalf("round %d: both versions published, newest first %v: 1.2.0 went out after 1.1.0 with the path 1.1.0 added removed", i, order)
			}
		}
	})
}
