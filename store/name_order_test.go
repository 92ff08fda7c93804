package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// orderNames are names SQLite (bytes) and PostgreSQL (its locale's
// collation) order differently; orderWant is the order every list of them
// has on both: case-insensitive, the accented letter with its plain one,
// digit runs by value.
var (
	orderNames = []string{"zeta", "Émile", "api 10", "Zulu", "alpha", "_underscore", "eagle", "Beta", "api 2"}
	orderWant  = []string{"_underscore", "alpha", "api 2", "api 10", "Beta", "eagle", "Émile", "zeta", "Zulu"}
)

// TestListsOrderNamesAlikeOnEveryDatabase creates teams, APIs, plans,
// apps, gateway nodes and instances named orderNames, and users, and
// checks that every list of them has the same order on SQLite and
// PostgreSQL (whatever its collation), the one orderWant says.
func TestListsOrderNamesAlikeOnEveryDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		db := s.DB()
		owner := storetest.User(t, s, "owner", "user", nil, "")
		var teams []*store.Team
		for i, n := range orderNames {
			tm := storetest.Team(t, s, fmt.Sprintf("team-%d", i), n)
			if _, err := s.SetTeamMember(ctx, db, tm.ID, owner.ID, "owner"); err != nil {
				t.Fatal(err)
			}
			teams = append(teams, tm)
		}
		team := teams[0]
		var apps []store.App
		var plans []store.Plan
		api := &store.API{TeamID: team.ID, Slug: "plans-api", Name: "Plans", Visibility: "public"}
		if err := s.CreateAPI(ctx, db, api, store.Now()); err != nil {
			t.Fatal(err)
		}
		for i, n := range orderNames {
			a := &store.API{TeamID: team.ID, Slug: fmt.Sprintf("api-%d", i), Name: n, Visibility: "public"}
			if err := s.CreateAPI(ctx, db, a, store.Now()); err != nil {
				t.Fatal(err)
			}
			plans = append(plans, store.Plan{APIID: api.ID, Slug: fmt.Sprintf("plan-%d", i), Name: n, Approval: "auto", Open: true})
			apps = append(apps, store.App{TeamID: team.ID, Slug: fmt.Sprintf("app-%d", i), Name: n})
			if err := s.CreateGatewayNode(ctx, db, &store.GatewayNode{Name: n, TokenHash: fmt.Sprintf("hash-%d", i), TokenPrefix: "p"}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.RegisterInstance(ctx, &store.Instance{Name: n, RunID: fmt.Sprintf("run-%d", i)}, time.Minute); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.CreatePlans(ctx, db, plans); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateApps(ctx, db, apps); err != nil {
			t.Fatal(err)
		}

		check := func(what string, got []string) {
			t.Helper()
			if !slices.Equal(got, orderWant) {
				t.Errorf("%s: %q\nwant %q", what, got, orderWant)
			}
		}
		ts, err := s.ListTeams(ctx)
		if err != nil {
			t.Fatal(err)
		}
		check("ListTeams", names(ts, func(t store.TeamSummary) string { return t.Name }))
		ms, err := s.Memberships(ctx, owner.ID)
		if err != nil {
			t.Fatal(err)
		}
		check("Memberships", names(ms, func(m store.Membership) string { return m.Team.Name }))
		as, err := s.TeamAPIs(ctx, team.ID)
		if err != nil {
			t.Fatal(err)
		}
		check("TeamAPIs", without(names(as, func(a store.API) string { return a.Name }), "Plans"))
		var paged []string
		for offset := 0; offset < len(orderNames)+1; offset += 2 {
			page, _, err := s.TeamAPIPage(ctx, team.ID, nil, offset, 2)
			if err != nil {
				t.Fatal(err)
			}
			paged = append(paged, names(page, func(a store.API) string { return a.Name })...)
		}
		check("TeamAPIPage", without(paged, "Plans"))
		ps, err := s.Plans(ctx, api.ID)
		if err != nil {
			t.Fatal(err)
		}
		check("Plans", names(ps, func(p store.Plan) string { return p.Name }))
		pof, err := s.PlansOf(ctx, []int64{api.ID})
		if err != nil {
			t.Fatal(err)
		}
		check("PlansOf", names(pof[api.ID], func(p store.Plan) string { return p.Name }))
		for _, teamIDs := range [][]int64{{team.ID}, nil} {
			page, err := s.AppsOf(ctx, teamIDs, store.AppCursor{}, 100)
			if err != nil {
				t.Fatal(err)
			}
			check(fmt.Sprintf("AppsOf(%v)", teamIDs), names(page, func(a store.App) string { return a.Name }))
		}
		ns, err := s.GatewayNodes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		check("GatewayNodes", names(ns, func(n store.GatewayNode) string { return n.Name }))
		is, _, err := s.Instances(ctx)
		if err != nil {
			t.Fatal(err)
		}
		check("Instances", names(is, func(in store.Instance) string { return in.Name }))

		// Usernames are lowercase ASCII (people.usernamePattern): their
		// lists are in byte order, punctuation included, on both.
		for _, u := range []string{"ab", "a.b", "user2", "a-c", "user10", "a_d"} {
			storetest.User(t, s, u, "approver", team, "viewer")
		}
		wantUsers := []string{"a-c", "a.b", "a_d", "ab", "owner", "user10", "user2"}
		us, err := s.ListUsers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		userNames := func(us []store.User) []string { return names(us, func(u store.User) string { return u.Username }) }
		if got := userNames(us); !slices.Equal(got, wantUsers) {
			t.Errorf("ListUsers: %q\nwant %q", got, wantUsers)
		}
		us, _, err = s.UsersPage(ctx, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		if got := userNames(us); !slices.Equal(got, wantUsers) {
			t.Errorf("UsersPage: %q\nwant %q", got, wantUsers)
		}
		us, err = s.Reviewers(ctx, db, team.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := userNames(us), without(wantUsers, "owner"); !slices.Equal(got, want) {
			t.Errorf("Reviewers: %q\nwant %q", got, want)
		}
		members, err := s.TeamMembers(ctx, team.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(members, func(m store.TeamMember) string { return m.User.Username }); !slices.Equal(got, wantUsers) {
			t.Errorf("TeamMembers: %q\nwant %q", got, wantUsers)
		}
	})
}

// TestAppsOfPagesByOneInNameOrder walks a team's apps one a page, the
// cursor being the previous page's last app: every app once, in the order
// of the whole list, on both databases.
func TestAppsOfPagesByOneInNameOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		team := storetest.Team(t, s, "apps", "Apps")
		var apps []store.App
		for i, n := range append(slices.Clone(orderNames), "alpha", "Émile") {
			apps = append(apps, store.App{TeamID: team.ID, Slug: fmt.Sprintf("app-%d", i), Name: n})
		}
		if err := s.CreateApps(ctx, s.DB(), apps); err != nil {
			t.Fatal(err)
		}
		got := pageApps(t, s, team.ID)
		want := "[_underscore/app-5 alpha/app-4 alpha/app-9 api 2/app-8 api 10/app-2 Beta/app-7 eagle/app-6 Émile/app-1 Émile/app-10 zeta/app-0 Zulu/app-3]"
		if fmt.Sprint(got) != want {
			t.Errorf("pages of one app:\n%v\nwant\n%s", got, want)
		}
	})
}

// TestSortKeysOfAnOlderInstance: an instance of the previous version,
// during a rolling upgrade, inserts apps without a sort key and renames
// them without changing it. The order stays total (pages of one return
// every app once: the keyless first, by id), and RefreshSortKeys puts them
// in their place.
func TestSortKeysOfAnOlderInstance(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		db := s.DB()
		team := storetest.Team(t, s, "apps", "Apps")
		var apps []store.App
		for i, n := range []string{"zeta", "Beta", "alpha"} {
			apps = append(apps, store.App{TeamID: team.ID, Slug: fmt.Sprintf("app-%d", i), Name: n})
		}
		if err := s.CreateApps(ctx, db, apps); err != nil {
			t.Fatal(err)
		}
		now := store.Now()
		for i, n := range []string{"Zulu", "eagle"} {
			// The previous version's insert, which names no sort_key.
			if _, err := db.ExecContext(ctx, "INSERT INTO apps (team_id, slug, name, description, contact, lock_version, created_at, updated_at) VALUES (?, ?, ?, '', '', 1, ?, ?)",
				team.ID, fmt.Sprintf("old-%d", i), n, now, now); err != nil {
				t.Fatal(err)
			}
		}
		// And its rename.
		if _, err := db.ExecContext(ctx, "UPDATE apps SET name = ? WHERE slug = ?", "Émile", "app-0"); err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprint(pageApps(t, s, team.ID))
		if want := "[Zulu/old-0 eagle/old-1 alpha/app-2 Beta/app-1 Émile/app-0]"; got != want {
			t.Errorf("before the refresh:\n%s\nwant\n%s", got, want)
		}
		n, err := s.RefreshSortKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 3 {
			t.Errorf("RefreshSortKeys set %d keys, want 3", n)
		}
		got = fmt.Sprint(pageApps(t, s, team.ID))
		if want := "[alpha/app-2 Beta/app-1 eagle/old-1 Émile/app-0 Zulu/old-0]"; got != want {
			t.Errorf("after the refresh:\n%s\nwant\n%s", got, want)
		}
		if n, err := s.RefreshSortKeys(ctx); err != nil || n != 0 {
			t.Errorf("second RefreshSortKeys = %d, %v; want 0, nil", n, err)
		}
	})
}

// pageApps returns "name/slug" of a team's apps, read one a page.
func pageApps(t *testing.T, s *store.Store, teamID int64) []string {
	t.Helper()
	var got []string
	var after store.AppCursor
	for range 100 {
		page, err := s.AppsOf(context.Background(), []int64{teamID}, after, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			return got
		}
		got = append(got, page[0].Name+"/"+page[0].Slug)
		after = store.AppCursorAfter(page[0])
	}
	t.Fatalf("more than 100 pages: %v", got)
	return nil
}

func names[T any](rows []T, name func(T) string) []string {
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, name(r))
	}
	return out
}

func without(ns []string, drop string) []string {
	return slices.DeleteFunc(slices.Clone(ns), func(n string) bool { return strings.EqualFold(n, drop) })
}
