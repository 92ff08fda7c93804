package store_test

import (
	"context"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

func TestListAuditByAPISlug(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		// The events belong to a team, so an API page's read of them (the
		// team and the slug, audit_events_api_history_idx) is checked
		// on the same ids as the filter's byte range; one more, of
		// another team, is only in the latter.
		team := &store.Team{Slug: "pay-team", Name: "Payments"}
		if err := s.CreateTeam(ctx, s.DB(), team); err != nil {
			t.Fatal(err)
		}
		other := &store.Team{Slug: "other-team", Name: "Other"}
		if err := s.CreateTeam(ctx, s.DB(), other); err != nil {
			t.Fatal(err)
		}
		if err := s.Audit(ctx, s.DB(), &store.AuditEvent{Actor: "system", Action: "test", ObjectType: "api", ObjectID: "pay@0.1.0", TeamID: &other.ID}, store.Now()); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"pay", "pay@1.0.0", "pay@2.0.0", "pay-v2", "pay-v2@1.0.0", "payx", "pa_", "pay@zeta-9", "payA", "pay?", "pax@1.0.0", "pay@@x", "pay@1@2"} {
			if err := s.Audit(ctx, s.DB(), &store.AuditEvent{Actor: "system", Action: "test", ObjectType: "api", ObjectID: id, TeamID: &team.ID}, store.Now()); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			slug string
			want []string
		}{
			// "pay@zeta-9" sorts after "payA" in some collations, not byte by byte.
			{"pay", []string{"pay@1@2", "pay@@x", "pay@zeta-9", "pay@2.0.0", "pay@1.0.0", "pay"}},
			{"pay-v2", []string{"pay-v2@1.0.0", "pay-v2"}},
			{"pa_", []string{"pa_"}},
			{"nothing", nil},
		}
		check := func(f store.AuditFilter, want []string) {
			t.Helper()
			events, err := s.ListAudit(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range events {
				got = append(got, e.ObjectID)
			}
			if len(got) != len(want) {
				t.Errorf("%+v: got %v, want %v", f, got, want)
				return
			}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("%+v: got %v, want %v", f, got, want)
					return
				}
			}
		}
		for _, tt := range tests {
			check(store.AuditFilter{TeamID: team.ID, APISlug: tt.slug, Limit: 200}, tt.want)
			check(store.AuditFilter{TeamID: team.ID, APISlug: tt.slug, Limit: 2}, tt.want[:min(2, len(tt.want))])
			if tt.slug == "pay" {
				tt.want = append(tt.want, "pay@0.1.0") // the other team's, the oldest
			}
			check(store.AuditFilter{APISlug: tt.slug}, tt.want)
		}
	})
}
