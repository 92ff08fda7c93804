package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestAPIPageReadsFollowChanges checks the reads of an API page that run
// through kept prepared statements (APIBySlug with its team, Versions,
// Plans, ListAudit): each answers for its own arguments only, sees every
// change made before it, and a missing API is ErrNotFound.
func TestAPIPageReadsFollowChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		db := s.DB()
		team := &store.Team{Slug: "pay-team", Name: "Payments"}
		if err := s.CreateTeam(ctx, db, team); err != nil {
			t.Fatal(err)
		}
		var apis []*store.API
		for _, slug := range []string{"pay", "ship"} {
			a := &store.API{TeamID: team.ID, Slug: slug, Name: slug + " API", Visibility: "public"}
			if err := s.CreateAPI(ctx, db, a, store.Now()); err != nil {
				t.Fatal(err)
			}
			apis = append(apis, a)
		}
		for _, slug := range []string{"pay", "ship"} {
			a, err := s.APIBySlug(ctx, slug)
			if err != nil {
				t.Fatal(err)
			}
			if a.Slug != slug || a.Team == nil || a.Team.ID != team.ID || a.Team.Name != "Payments" {
				t.Fatalf("APIBySlug(%q) = %+v, team %+v", slug, a, a.Team)
			}
		}
		if _, err := s.APIBySlug(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("APIBySlug(nope): %v, want ErrNotFound", err)
		}
		pay := apis[0]
		pay.Name = "Pay v2"
		if err := s.UpdateAPI(ctx, db, pay, store.Now()); err != nil {
			t.Fatal(err)
		}
		if a, err := s.APIBySlug(ctx, "pay"); err != nil || a.Name != "Pay v2" {
			t.Fatalf("after an edit, APIBySlug = %+v, %v", a, err)
		}

		if vs, err := s.Versions(ctx, pay.ID); err != nil || len(vs) != 0 {
			t.Fatalf("versions before any = %v, %v", vs, err)
		}
		for _, v := range []store.APIVersion{{Version: "1.0.0", Major: 1}, {Version: "2.0.0", Major: 2}} {
			v.APIID, v.State, v.SpecRaw, v.SpecFormat = pay.ID, "draft", "x", "openapi-3.0"
			if err := s.CreateVersion(ctx, db, &v, store.Now()); err != nil {
				t.Fatal(err)
			}
		}
		vs, err := s.Versions(ctx, pay.ID)
		if err != nil || len(vs) != 2 || vs[0].Version != "2.0.0" || vs[1].Version != "1.0.0" || vs[0].SpecRaw != "" {
			t.Fatalf("versions of pay = %+v, %v (newest first, without specs)", vs, err)
		}
		if vs, err := s.Versions(ctx, apis[1].ID); err != nil || len(vs) != 0 {
			t.Fatalf("versions of ship = %v, %v", vs, err)
		}

		if err := s.CreatePlan(ctx, db, &store.Plan{APIID: pay.ID, Slug: "gold", Name: "Gold", Approval: "auto", Open: true}, store.Now()); err != nil {
			t.Fatal(err)
		}
		if err := s.CreatePlan(ctx, db, &store.Plan{APIID: pay.ID, Slug: "basic", Name: "Basic", Approval: "auto", Open: true}, store.Now()); err != nil {
			t.Fatal(err)
		}
		ps, err := s.Plans(ctx, pay.ID)
		if err != nil || len(ps) != 2 || ps[0].Slug != "basic" || ps[1].Slug != "gold" {
			t.Fatalf("plans of pay = %+v, %v", ps, err)
		}
		if ps, err := s.Plans(ctx, apis[1].ID); err != nil || len(ps) != 0 {
			t.Fatalf("plans of ship = %+v, %v", ps, err)
		}

		history := func(slug string) []string {
			t.Helper()
			events, err := s.ListAudit(ctx, store.AuditFilter{TeamID: team.ID, APISlug: slug, Limit: 200})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, e := range events {
				ids = append(ids, e.ObjectID)
			}
			return ids
		}
		for _, id := range []string{"pay", "ship", "pay@1.0.0"} {
			if err := s.Audit(ctx, db, &store.AuditEvent{Actor: "system", Action: "test", ObjectType: "api", ObjectID: id, TeamID: &team.ID}, store.Now()); err != nil {
				t.Fatal(err)
			}
		}
		if got := history("pay"); len(got) != 2 || got[0] != "pay@1.0.0" || got[1] != "pay" {
			t.Fatalf("history of pay = %v", got)
		}
		if err := s.Audit(ctx, db, &store.AuditEvent{Actor: "system", Action: "test", ObjectType: "api", ObjectID: "pay@2.0.0", TeamID: &team.ID}, store.Now()); err != nil {
			t.Fatal(err)
		}
		if got := history("pay"); len(got) != 3 || got[0] != "pay@2.0.0" {
			t.Fatalf("history of pay after a new event = %v", got)
		}
		if got := history("ship"); len(got) != 1 || got[0] != "ship" {
			t.Fatalf("history of ship = %v", got)
		}
		// Pages by cursor (the audit page's) give the same events further on.
		newest, err := s.ListAudit(ctx, store.AuditFilter{TeamID: team.ID, APISlug: "pay", Limit: 1})
		if err != nil || len(newest) != 1 {
			t.Fatalf("first page = %+v, %v", newest, err)
		}
		events, err := s.ListAudit(ctx, store.AuditFilter{TeamID: team.ID, APISlug: "pay", Before: newest[0].ID, Limit: 1})
		if err != nil || len(events) != 1 || events[0].ObjectID != "pay@1.0.0" {
			t.Fatalf("second page = %+v, %v", events, err)
		}
		back, err := s.ListAudit(ctx, store.AuditFilter{TeamID: team.ID, APISlug: "pay", After: events[0].ID, Limit: 1})
		if err != nil || len(back) != 1 || back[0].ID != newest[0].ID {
			t.Fatalf("page newer than the second = %+v, %v; want %+v", back, err, newest)
		}
	})
}
