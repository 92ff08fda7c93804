package store_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

func TestTeamReviewers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		db := s.DB()
		users := map[string]*store.User{}
		for _, u := range []struct {
			name, orgRole string
			disabled      bool
		}{
			{"alice", "member", false},
			{"bob", "member", false},
			{"carol", "approver", false},
			{"dave", "admin", false},
			{"erin", "member", false},
			{"frank", "member", true},
			{"gina", "approver", true},
		} {
			user := &store.User{Username: u.name, OrgRole: u.orgRole, Disabled: u.disabled, PasswordHash: "x"}
			if err := s.CreateUser(ctx, db, user); err != nil {
				t.Fatal(err)
			}
			users[u.name] = user
		}
		payments := &store.Team{Slug: "payments", Name: "Payments"}
		search := &store.Team{Slug: "search", Name: "Search"}
		for _, team := range []*store.Team{payments, search} {
			if err := s.CreateTeam(ctx, db, team); err != nil {
				t.Fatal(err)
			}
		}
		for _, m := range []struct {
			team *store.Team
			user string
		}{{payments, "alice"}, {payments, "bob"}, {payments, "frank"}, {search, "erin"}} {
			if _, err := s.SetTeamMember(ctx, db, m.team.ID, users[m.user].ID, "developer"); err != nil {
				t.Fatal(err)
			}
		}

		members, err := s.TeamMembers(ctx, payments.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range members {
			if m.Reviewer {
				t.Errorf("new member %s: reviewer = true, want false", m.User.Username)
			}
		}

		// Setting the flag returns the previous value and bumps the policy
		// version only when it changes.
		steps := []struct {
			team     *store.Team
			user     string
			reviewer bool
			previous bool
			bumps    bool
		}{
			{payments, "alice", true, false, true},
			{payments, "alice", true, true, false},
			{payments, "frank", true, false, true},
			{search, "erin", true, false, true},
			{payments, "bob", false, false, false},
		}
		for _, st := range steps {
			before, err := s.PolicyVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			previous, err := s.SetTeamReviewer(ctx, db, st.team.ID, users[st.user].ID, st.reviewer)
			if err != nil {
				t.Fatalf("SetTeamReviewer(%s, %s, %v): %v", st.team.Slug, st.user, st.reviewer, err)
			}
			if previous != st.previous {
				t.Errorf("SetTeamReviewer(%s, %s, %v) previous = %v, want %v", st.team.Slug, st.user, st.reviewer, previous, st.previous)
			}
			after, _ := s.PolicyVersion(ctx)
			if got := after > before; got != st.bumps {
				t.Errorf("SetTeamReviewer(%s, %s, %v) bumped the policy version: got %v, want %v", st.team.Slug, st.user, st.reviewer, got, st.bumps)
			}
		}
		if _, err := s.SetTeamReviewer(ctx, db, search.ID, users["alice"].ID, true); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SetTeamReviewer of a non-member: got %v, want ErrNotFound", err)
		}

		// A role change keeps the flag.
		if _, err := s.SetTeamMember(ctx, db, payments.ID, users["alice"].ID, "maintainer"); err != nil {
			t.Fatal(err)
		}
		members, err = s.TeamMembers(ctx, payments.ID)
		if err != nil {
			t.Fatal(err)
		}
		flags := map[string]bool{}
		for _, m := range members {
			flags[m.User.Username] = m.Reviewer
		}
		if want := map[string]bool{"alice": true, "bob": false, "frank": true}; !maps.Equal(flags, want) {
			t.Errorf("TeamMembers reviewer flags = %v, want %v", flags, want)
		}

		assignments, err := s.RoleAssignments(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var reviewerRoles []store.RoleAssignment
		for _, a := range assignments {
			if a.Role == store.TeamReviewerRole {
				reviewerRoles = append(reviewerRoles, a)
			}
		}
		wantRoles := []store.RoleAssignment{
			{UserID: users["alice"].ID, Role: "reviewer", Team: "payments"},
			{UserID: users["erin"].ID, Role: "reviewer", Team: "search"},
		}
		slices.SortFunc(reviewerRoles, func(a, b store.RoleAssignment) int { return int(a.UserID - b.UserID) })
		if !slices.Equal(reviewerRoles, wantRoles) {
			t.Errorf("reviewer role assignments = %+v, want %+v (disabled users hold none)", reviewerRoles, wantRoles)
		}

		for _, tc := range []struct {
			team *store.Team
			want []string
		}{
			{payments, []string{"alice", "carol", "dave"}},
			{search, []string{"carol", "dave", "erin"}},
		} {
			reviewers, err := s.Reviewers(ctx, db, tc.team.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, u := range reviewers {
				got = append(got, u.Username)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Reviewers(%s) = %v, want %v", tc.team.Slug, got, tc.want)
			}
		}

		// An admin who is also a team reviewer is listed once.
		if _, err := s.SetTeamMember(ctx, db, payments.ID, users["dave"].ID, "owner"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetTeamReviewer(ctx, db, payments.ID, users["dave"].ID, true); err != nil {
			t.Fatal(err)
		}
		reviewers, err := s.Reviewers(ctx, db, payments.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(reviewers) != 3 {
			t.Errorf("Reviewers(payments) with an admin reviewer: %d users, want 3", len(reviewers))
		}

		// Leaving the team drops the flag: a returning member starts without it.
		if _, err := s.RemoveTeamMember(ctx, db, payments.ID, users["alice"].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetTeamMember(ctx, db, payments.ID, users["alice"].ID, "developer"); err != nil {
			t.Fatal(err)
		}
		previous, err := s.SetTeamReviewer(ctx, db, payments.ID, users["alice"].ID, false)
		if err != nil || previous {
			t.Errorf("reviewer flag of a returning member = %v, %v; want false, nil", previous, err)
		}
	})
}
