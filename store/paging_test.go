package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestListPages: the paged lists count what their filter matches and skip
// the pages before, on both databases.
func TestListPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		db := s.DB()
		u := &store.User{Username: "ann", OrgRole: "member", PasswordHash: "x"}
		if err := s.CreateUser(ctx, db, u); err != nil {
			t.Fatal(err)
		}
		tm := &store.Team{Slug: "payments", Name: "Payments"}
		if err := s.CreateTeam(ctx, db, tm); err != nil {
			t.Fatal(err)
		}
		// Seven APIs: public with a published version (listed), public with
		// a draft only, team-only with a published version.
		states := map[string][2]string{
			"a1": {store.VisibilityPublic, "published"}, "a2": {store.VisibilityPublic, "draft"},
			"a3": {store.VisibilityTeam, "published"}, "a4": {store.VisibilityPublic, "deprecated"},
			"a5": {store.VisibilityPublic, "in_review"}, "a6": {store.VisibilityPublic, "published"}, "a7": {store.VisibilityPublic, ""},
		}
		for _, slug := range []string{"a1", "a2", "a3", "a4", "a5", "a6", "a7"} {
			a := &store.API{TeamID: tm.ID, Slug: slug, Name: slug, Visibility: states[slug][0]}
			if err := s.CreateAPI(ctx, db, a, store.Now()); err != nil {
				t.Fatal(err)
			}
			if st := states[slug][1]; st != "" {
				v := &store.APIVersion{APIID: a.ID, Version: "1.0.0", Major: 1, State: st, SpecJSON: "{}"}
				if err := s.CreateVersion(ctx, db, v, store.Now()); err != nil {
					t.Fatal(err)
				}
				for i := range 3 { // requests: 2 rejected, then 1 open
					r := &store.PublicationRequest{APIID: a.ID, VersionID: v.ID, RequesterID: u.ID}
					if err := s.CreateRequest(ctx, db, r, store.Now()); err != nil {
						t.Fatal(err)
					}
					if i < 2 {
						if err := s.DecideRequest(ctx, db, r, store.RequestRejected, &u.ID, "no", false, store.Now()); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
		}
		slugs := func(as []store.API) []string {
			var out []string
			for _, a := range as {
				out = append(out, a.Slug)
			}
			return out
		}
		page, total, err := s.TeamAPIPage(ctx, tm.ID, nil, 2, 3)
		if got := slugs(page); err != nil || total != 7 || !slices.Equal(got, []string{"a3", "a4", "a5"}) {
			t.Errorf("every API, offset 2: %v of %d (%v), want [a3 a4 a5] of 7", got, total, err)
		}
		page, total, err = s.TeamAPIPage(ctx, tm.ID, []string{"draft", "in_review"}, 0, 2)
		if got := slugs(page); err != nil || total != 3 || !slices.Equal(got, []string{"a1", "a4"}) {
			t.Errorf("listed APIs: %v of %d (%v), want [a1 a4] of 3", got, total, err)
		}

		rs, total, err := s.RequestsPage(ctx, store.RequestFilter{Decided: true, Offset: 10, Limit: 5})
		if err != nil || total != 12 || len(rs) != 2 {
			t.Errorf("decided requests from 10: %d of %d (%v), want 2 of 12", len(rs), total, err)
		}
		for _, r := range rs {
			if r.State == store.RequestOpen {
				t.Errorf("decided list holds open request %d", r.ID)
			}
		}
		all, err := s.Requests(ctx, store.RequestFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		older, err := s.Requests(ctx, store.RequestFilter{Before: all[4].ID, Limit: 100})
		if err != nil || len(older) != len(all)-5 || older[0].ID != all[5].ID {
			t.Errorf("before the fifth: %d requests (%v), want %d from id %d", len(older), err, len(all)-5, all[5].ID)
		}

		for i := range 7 {
			if err := s.Notify(ctx, db, []int64{u.ID}, "test", fmt.Sprint(i), "/", store.Now()); err != nil {
				t.Fatal(err)
			}
			if err := s.Audit(ctx, db, &store.AuditEvent{Actor: "robot", Action: "test.page", ObjectType: "team", ObjectID: "payments"}, store.Now()); err != nil {
				t.Fatal(err)
			}
		}
		ns, total, err := s.NotificationsPage(ctx, u.ID, 5, 5)
		if err != nil || total != 7 || len(ns) != 2 || ns[0].Message != "1" || ns[1].Message != "0" {
			t.Errorf("notifications from 5: %d of %d (%v), want the two oldest of 7", len(ns), total, err)
		}
		f := store.AuditFilter{Action: "test.page", Limit: 5}
		n, err := s.CountAudit(ctx, f)
		first, err2 := s.ListAudit(ctx, f)
		if err != nil || err2 != nil || n != 7 || len(first) != 5 {
			t.Fatalf("audit: %d of %d (%v, %v), want 5 of 7", len(first), n, err, err2)
		}
		at, err := s.AuditIDAt(ctx, f, 4)
		if err != nil || at != first[4].ID {
			t.Errorf("audit id at 4: %d (%v), want %d", at, err, first[4].ID)
		}
		if at, err := s.AuditIDAt(ctx, f, 7); err != nil || at != 0 {
			t.Errorf("audit id at 7 of 7: %d (%v), want 0", at, err)
		}
		f.Before = first[4].ID
		olderEvents, err := s.ListAudit(ctx, f)
		if err != nil || len(olderEvents) != 2 || olderEvents[0].ID >= first[4].ID {
			t.Errorf("audit before the fifth: %d (%v), want the 2 oldest of 7", len(olderEvents), err)
		}
		f.Before, f.After = 0, olderEvents[0].ID
		newer, err := s.ListAudit(ctx, f)
		if err != nil || len(newer) != 5 || newer[0].ID != first[0].ID || newer[4].ID != first[4].ID {
			t.Errorf("audit after the sixth: %d (%v), want the 5 newest, newest first", len(newer), err)
		}
		users, total, err := s.UsersPage(ctx, 0, 10)
		if err != nil || total != 1 || len(users) != 1 {
			t.Errorf("users: %d of %d (%v), want 1 of 1", len(users), total, err)
		}
	})
}
