package subscriptions_test

import (
	"context"
	"strings"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/portico-dev/portico/subscriptions"
)

// TestPlanNameRefusesControls checks that a plan's name, a one-line name like
// an app's or an API's, refuses control characters and the bidirectional
// overrides and isolates that make a name read as another, when a plan is
// created and when it is edited.
func TestPlanNameRefusesControls(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		for i, name := range []string{"Gold\u202eXX", "Gold\u2066", "Gold\nline", "Gold\x07"} {
			in := subscriptions.PlanInput{Slug: "p" + string(rune('a'+i)), Name: name, Approval: "auto", Open: true}
			_, err := f.svc.CreatePlan(ctx, f.maint, f.api, in)
			if msg := fieldError(t, err, "name"); !strings.Contains(msg, "U+") {
				t.Errorf("create a plan named %q: name error %q, want the character named", name, msg)
			}
			p, err := s.PlanBySlug(ctx, f.api.ID, "free")
			if err != nil {
				t.Fatal(err)
			}
			edit := subscriptions.PlanInputOf(p)
			edit.Name = name
			if msg := fieldError(t, f.svc.UpdatePlan(ctx, f.maint, f.api, p, edit), "name"); !strings.Contains(msg, "U+") {
				t.Errorf("rename a plan %q: name error %q, want the character named", name, msg)
			}
		}
	})
}
