package lifecycle_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestWhoSeesAndDecidesRequests: the listings, the decisions the review
// page shows and the actions themselves give one answer per user.
func TestWhoSeesAndDecidesRequests(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		birds := &store.Team{Slug: "birds", Name: "Birds"}
		if err := s.CreateTeam(ctx, s.DB(), birds); err != nil {
			t.Fatal(err)
		}
		member := func(name string, team *store.Team, role string) *store.User {
			u := &store.User{Username: name, OrgRole: policy.RoleMember}
			if err := s.CreateUser(ctx, s.DB(), u); err != nil {
				t.Fatal(err)
			}
			if _, err := s.SetTeamMember(ctx, s.DB(), team.ID, u.ID, role); err != nil {
				t.Fatal(err)
			}
			return u
		}
		rev := member("rev", f.team, policy.RoleDeveloper)
		if _, err := s.SetTeamReviewer(ctx, s.DB(), f.team.ID, rev.ID, true); err != nil {
			t.Fatal(err)
		}
		bdev := member("bdev", birds, policy.RoleDeveloper)

		pets := f.api(t)
		birdsAPI, err := f.svc.CreateAPI(ctx, f.admin, birds, lifecycle.APIInput{Slug: "birds", Name: "Birds"})
		if err != nil {
			t.Fatal(err)
		}
		submit := func(who *store.User, a *store.API, version string) *store.PublicationRequest {
			t.Helper()
			_, r := f.submit(t, who, a, version, spectest.PetsV1)
			full, err := s.Request(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			return full
		}
		byDev := submit(f.dev, pets, "1.0.0")
		byRev := submit(rev, pets, "1.1.0")
		byBdev := submit(bdev, birdsAPI, "1.0.0")
		byAdmin := submit(f.admin, pets, "2.0.0")
		names := map[int64]string{byDev.ID: "dev", byRev.ID: "rev", byBdev.ID: "bdev", byAdmin.ID: "admin"}
		listed := func(l lifecycle.RequestList) []string {
			var out []string
			for _, r := range l.Requests {
				out = append(out, names[r.ID])
			}
			return out
		}

		all := []string{"admin", "bdev", "rev", "dev"}
		for _, tc := range []struct {
			who                 *store.User
			visible, reviewable []string
			allTeams, reviewer  bool
		}{
			{f.admin, all, []string{"bdev", "rev", "dev"}, true, true},
			{f.approver, all, all, true, true},
			{f.dev, []string{"admin", "rev", "dev"}, nil, false, false},
			{rev, []string{"admin", "rev", "dev"}, []string{"admin", "dev"}, false, true},
			{bdev, []string{"bdev"}, nil, false, false},
			{f.outsider, nil, nil, false, false},
		} {
			vis, err := f.svc.VisibleRequests(ctx, tc.who, store.RequestOpen, 100)
			if err != nil {
				t.Fatal(err)
			}
			if got := listed(vis); !slices.Equal(got, tc.visible) || vis.AllTeams != tc.allTeams {
				t.Errorf("%s sees %v (all teams %v), want %v (%v)", tc.who.Username, got, vis.AllTeams, tc.visible, tc.allTeams)
			}
			rv, err := f.svc.ReviewableRequests(ctx, tc.who, 100)
			if err != nil {
				t.Fatal(err)
			}
			if got := listed(rv); !slices.Equal(got, tc.reviewable) || rv.Any != tc.reviewer {
				t.Errorf("%s reviews %v (reviewer %v), want %v (%v)", tc.who.Username, got, rv.Any, tc.reviewable, tc.reviewer)
			}
			readable, err := f.svc.Readable(ctx, tc.who)
			if err != nil {
				t.Fatal(err)
			}
			if readable.All != tc.allTeams {
				t.Errorf("%s reads every team's APIs: %v, want %v", tc.who.Username, readable.All, tc.allTeams)
			}
		}

		type D = lifecycle.Decisions
		for _, tc := range []struct {
			who  *store.User
			r    *store.PublicationRequest
			want D
		}{
			{f.dev, byDev, D{Withdraw: true}},
			{rev, byDev, D{Review: true}},
			{rev, byRev, D{Withdraw: true}},
			{f.approver, byDev, D{Review: true}},
			{f.admin, byDev, D{Review: true, Withdraw: true}},
			{f.admin, byAdmin, D{Review: true, Override: true, Withdraw: true}},
			{f.maintainer, byDev, D{}},
			{bdev, byDev, D{}},
			{rev, byBdev, D{}},
			{f.outsider, byDev, D{}},
		} {
			got, err := f.svc.Decisions(ctx, tc.who, tc.r)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("%s on %s's request: %+v, want %+v", tc.who.Username, names[tc.r.ID], got, tc.want)
			}
			// What the page would not offer, the action refuses.
			var de *apperr.DeniedError
			if !got.Review {
				if err := f.svc.Approve(ctx, tc.who, tc.r, "", true); !errors.As(err, &de) {
					t.Errorf("%s approves %s's request: %v, want DeniedError", tc.who.Username, names[tc.r.ID], err)
				}
			}
			if !got.Withdraw {
				if err := f.svc.Withdraw(ctx, tc.who, tc.r); !errors.As(err, &de) {
					t.Errorf("%s withdraws %s's request: %v, want DeniedError", tc.who.Username, names[tc.r.ID], err)
				}
			}
		}
		if err := f.svc.Approve(ctx, rev, byDev, "fine", false); err != nil {
			t.Errorf("team reviewer approves: %v", err)
		}
	})
}

// queryCounter counts the statements a store runs.
type queryCounter struct {
	mu      sync.Mutex
	queries []string
}

func (q *queryCounter) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}
func (q *queryCounter) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.queries = append(q.queries, e.Query)
}

func (q *queryCounter) take() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.queries
	q.queries = nil
	return out
}

// TestRequestListsAreOneQuery: however many teams a user is in, listing
// the requests they see or review is one query (besides the policy's
// version check), not one per team.
func TestRequestListsAreOneQuery(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	f := newFixture(t, s)
	counter := &queryCounter{}
	s.AddQueryHook(counter)
	for i := range 6 {
		team := &store.Team{Slug: fmt.Sprintf("team-%d", i), Name: fmt.Sprintf("Team %d", i)}
		if err := s.CreateTeam(ctx, s.DB(), team); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetTeamMember(ctx, s.DB(), team.ID, f.dev.ID, policy.RoleDeveloper); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetTeamReviewer(ctx, s.DB(), team.ID, f.dev.ID, true); err != nil {
			t.Fatal(err)
		}
		a, err := f.svc.CreateAPI(ctx, f.admin, team, lifecycle.APIInput{Slug: team.Slug, Name: team.Name})
		if err != nil {
			t.Fatal(err)
		}
		v, err := f.svc.CreateVersion(ctx, f.admin, a, "1.0.0", []byte(spectest.PetsV1))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Submit(ctx, f.admin, a, v, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.svc.VisibleRequests(ctx, f.dev, "", 100); err != nil { // loads the new role assignments
		t.Fatal(err)
	}
	counter.take()
	for name, list := range map[string]func() (lifecycle.RequestList, error){
		"visible":    func() (lifecycle.RequestList, error) { return f.svc.VisibleRequests(ctx, f.dev, "", 100) },
		"reviewable": func() (lifecycle.RequestList, error) { return f.svc.ReviewableRequests(ctx, f.dev, 100) },
	} {
		l, err := list()
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Requests) != 6 {
			t.Errorf("%s: %d requests, want the 6 of dev's teams", name, len(l.Requests))
		}
		queries := counter.take()
		listings := 0
		for _, q := range queries {
			if strings.Contains(q, "publication_requests") {
				listings++
			}
		}
		if listings != 1 || len(queries) > 2 {
			t.Errorf("%s: %d queries, %d of them on publication requests, want one listing and the policy version check:\n%s", name, len(queries), listings, strings.Join(queries, "\n"))
		}
	}
}
