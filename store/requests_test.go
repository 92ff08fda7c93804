package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestRequestsByTeams: one query lists the requests of several teams,
// without a requester's own, newest first.
func TestRequestsByTeams(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		db := s.DB()
		ann := &store.User{Username: "ann", OrgRole: "member", PasswordHash: "x"}
		ben := &store.User{Username: "ben", OrgRole: "member", PasswordHash: "x"}
		for _, u := range []*store.User{ann, ben} {
			if err := s.CreateUser(ctx, db, u); err != nil {
				t.Fatal(err)
			}
		}
		ids := map[string]int64{} // "team/requester/n" → request id
		for _, team := range []string{"payments", "search", "media"} {
			tm := &store.Team{Slug: team, Name: team}
			if err := s.CreateTeam(ctx, db, tm); err != nil {
				t.Fatal(err)
			}
			a := &store.API{TeamID: tm.ID, Slug: team + "-api", Name: team, Visibility: store.VisibilityPublic}
			if err := s.CreateAPI(ctx, db, a, store.Now()); err != nil {
				t.Fatal(err)
			}
			for i, u := range []*store.User{ann, ben} {
				v := &store.APIVersion{APIID: a.ID, Version: "1.0." + string(rune('0'+i)), Patch: i, State: "in_review", SpecJSON: "{}"}
				if err := s.CreateVersion(ctx, db, v, store.Now()); err != nil {
					t.Fatal(err)
				}
				r := &store.PublicationRequest{APIID: a.ID, VersionID: v.ID, RequesterID: u.ID}
				if err := s.CreateRequest(ctx, db, r, store.Now()); err != nil {
					t.Fatal(err)
				}
				ids[team+"/"+u.Username] = r.ID
			}
		}
		tests := []struct {
			name   string
			filter store.RequestFilter
			want   []string
		}{
			{"every team", store.RequestFilter{}, []string{"media/ben", "media/ann", "search/ben", "search/ann", "payments/ben", "payments/ann"}},
			{"two teams", store.RequestFilter{Teams: []string{"payments", "media"}}, []string{"media/ben", "media/ann", "payments/ben", "payments/ann"}},
			{"not ann's", store.RequestFilter{Teams: []string{"payments", "search"}, NotRequester: ann.ID}, []string{"search/ben", "payments/ben"}},
			{"unknown team", store.RequestFilter{Teams: []string{"nobody"}}, nil},
			{"limit", store.RequestFilter{Limit: 1}, []string{"media/ben"}},
		}
		for _, tt := range tests {
			rs, err := s.Requests(ctx, tt.filter)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			var got []string
			for _, r := range rs {
				got = append(got, r.API.Team.Slug+"/"+r.Requester.Username)
				if ids[got[len(got)-1]] != r.ID {
					t.Errorf("%s: request %d is not %s", tt.name, r.ID, got[len(got)-1])
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
			}
		}
	})
}
