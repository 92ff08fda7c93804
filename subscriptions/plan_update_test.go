package subscriptions_test

import (
	"context"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/portico-dev/portico/subscriptions"
)

// TestUpdatePlanSavesEveryField edits one field of a plan at a time and
// reads the plan back: each edit is saved, audited and told to the gateways.
func TestUpdatePlanSavesEveryField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		tests := []struct {
			name string
			edit func(in *subscriptions.PlanInput)
			got  func(p *store.Plan) string
			want string
		}{
			{"description", func(in *subscriptions.PlanInput) { in.Description = "For hobby projects." },
				func(p *store.Plan) string { return p.Description }, "For hobby projects."},
			{"name", func(in *subscriptions.PlanInput) { in.Name = "Free tier" },
				func(p *store.Plan) string { return p.Name }, "Free tier"},
		}
		for _, tt := range tests {
			p, err := s.PlanBySlug(ctx, f.api.ID, "free")
			if err != nil {
				t.Fatal(err)
			}
			in := subscriptions.PlanInputOf(p)
			tt.edit(&in)
			if err := f.svc.UpdatePlan(ctx, f.maint, f.api, p, in); err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			saved, err := s.PlanBySlug(ctx, f.api.ID, "free")
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.got(saved); got != tt.want {
				t.Errorf("%s: saved %q, want %q", tt.name, got, tt.want)
			}
		}
	})
}
