package subscriptions_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/portico-dev/portico/subscriptions"
)

// TestAppsPagesSurviveARename: renaming the last app of a page before the
// next page is read neither skips nor repeats any other app. The cursor was
// the app's id, resolved to the app's name when the next page was read: a
// rename towards the end of the alphabet skipped the apps between, one
// towards the start repeated them.
func TestAppsPagesSurviveARename(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		for _, tt := range []struct{ name, rename string }{
			{"towards the end", "Zulu"},
			{"towards the start", "Aaa"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				ctx := context.Background()
				team := storetest.Team(t, s, "rename-"+tt.rename, "Rename")
				names := []string{"Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf"}
				for i, n := range names {
					if _, err := f.svc.CreateApp(ctx, f.admin, team, subscriptions.AppInput{Slug: fmt.Sprintf("app-%s-%d", tt.rename, i), Name: n}); err != nil {
						t.Fatal(err)
					}
				}
				first, err := f.svc.TeamApps(ctx, team, "", 3)
				if err != nil {
					t.Fatal(err)
				}
				if len(first.Apps) != 3 || first.Next == "" {
					t.Fatalf("first page: %d apps, next %q", len(first.Apps), first.Next)
				}
				last := first.Apps[2]
				if err := f.svc.UpdateApp(ctx, f.admin, &last, subscriptions.AppInput{Slug: last.Slug, Name: tt.rename}); err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, a := range first.Apps {
					got = append(got, a.Name)
				}
				after := first.Next
				for range names {
					page, err := f.svc.TeamApps(ctx, team, after, 3)
					if err != nil {
						t.Fatal(err)
					}
					for _, a := range page.Apps {
						got = append(got, a.Name)
					}
					if after = page.Next; after == "" {
						break
					}
				}
				// Every app but the renamed one exactly once, in order; the
				// renamed one under either name, at most once each.
				var others []string
				for _, n := range got {
					if n != "Delta" && n != tt.rename {
						others = append(others, n)
					}
				}
				want := []string{"Bravo", "Charlie", "Echo", "Foxtrot", "Golf"}
				if !slices.Equal(others, want) {
					t.Errorf("pages listed %v, the apps not renamed %v; want %v", got, others, want)
				}
			})
		}
	})
}

// TestAppsPagesOfAnEarlierCursor: a page cursor the version before the
// sort keys gave ("<id>.<name in base64url>") still gives the page after
// that app, in the order of the sort keys; one of the current form gives
// the same page.
func TestAppsPagesOfAnEarlierCursor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		team := storetest.Team(t, s, "earlier-cursor", "Earlier")
		for i, n := range []string{"zeta", "Émile", "api 10", "alpha", "api 2", "Beta"} {
			if _, err := f.svc.CreateApp(ctx, f.admin, team, subscriptions.AppInput{Slug: fmt.Sprintf("earlier-%d", i), Name: n}); err != nil {
				t.Fatal(err)
			}
		}
		first, err := f.svc.TeamApps(ctx, team, "", 2)
		if err != nil {
			t.Fatal(err)
		}
		last := first.Apps[1]
		if last.Name != "api 2" || !strings.Contains(first.Next, "~") {
			t.Fatalf("first page ends with %q, next %q", last.Name, first.Next)
		}
		earlier := fmt.Sprintf("%d.%s", last.ID, base64.RawURLEncoding.EncodeToString([]byte(last.Name)))
		for _, after := range []string{first.Next, earlier} {
			page, err := f.svc.TeamApps(ctx, team, after, 10)
			if err != nil {
				t.Fatalf("after %q: %v", after, err)
			}
			var got []string
			for _, a := range page.Apps {
				got = append(got, a.Name)
			}
			if want := []string{"api 10", "Beta", "Émile", "zeta"}; !slices.Equal(got, want) {
				t.Errorf("after %q: %q, want %q", after, got, want)
			}
		}
		for _, bad := range []string{"1.", "x~YQ", "0~YQ", "1~AA"} {
			if _, err := f.svc.TeamApps(ctx, team, bad, 10); err == nil {
				t.Errorf("after %q: no error", bad)
			}
		}
	})
}
