package handlers_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestTransferAPI: an owner of the API's team who may create APIs in the
// target team (here an org admin, and an owner of both teams) moves it;
// from the next request the new team's members hold every permission on
// it and the old team's lose theirs; the consumer app's subscription
// stays, now provided by the new team; an open publication request stays
// open and is decided as before (never by its requester); the move is in
// both teams' audit, the owners of both teams are told, and the search
// index is asked to re-index the API. Refusals name the problem.
func TestTransferAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newLCEnvOn(t, s)
		ctx := context.Background()
		payOwner := e.user("payowner", policy.RoleMember, "payments", policy.RoleOwner)
		e.tok["payowner"] = e.token(payOwner)
		both := e.user("both", policy.RoleMember, "payments", policy.RoleOwner)
		if _, err := s.SetTeamMember(ctx, s.DB(), e.team("search").ID, both.ID, policy.RoleMaintainer); err != nil {
			t.Fatal(err)
		}
		e.tok["both"] = e.token(both)
		sub := e.finderSubscribedToPets()
		review := e.version("pets", "1.1.0", lifecycle.InReview)

		// Refusals.
		e.call("POST", "/api/v1/apis/pets/transfer", "maint", map[string]any{"team": "search"}, 403)    // a maintainer does not give the API away
		e.call("POST", "/api/v1/apis/pets/transfer", "outsider", map[string]any{"team": "search"}, 403) // nor an owner of the target only
		e.call("POST", "/api/v1/apis/pets/transfer", "payowner", map[string]any{"team": "search"}, 403) // nor an owner who may not create APIs there
		for _, c := range []struct{ team, want string }{
			{"nowhere", `There is no team "nowhere".`},
			{"payments", "already belongs to Payments"},
			{"", "Choose the team"},
		} {
			out := e.call("POST", "/api/v1/apis/pets/transfer", "admin", map[string]any{"team": c.team}, 422)
			if got := plain(fmt.Sprint(out)); !strings.Contains(got, c.want) {
				t.Errorf("transfer to %q: %s, want %q", c.team, got, c.want)
			}
		}
		if got := e.call("GET", "/api/v1/apis/pets", "admin", nil, 200)["team"]; got != "payments" {
			t.Fatalf("after the refusals the API is in %v, want payments", got)
		}

		// The move, by an owner of payments who maintains search.
		reindexBefore := reindexes(t, s, "pets")
		out := e.call("POST", "/api/v1/apis/pets/transfer", "both", map[string]any{"team": "search"}, 200)
		if out["team"] != "search" {
			t.Fatalf("transfer answered team %v, want search", out["team"])
		}
		e.call("PATCH", "/api/v1/apis/pets", "maint", map[string]any{"summary": "old team"}, 403)
		e.call("PATCH", "/api/v1/apis/pets", "outsider", map[string]any{"summary": "new team"}, 200)
		e.call("POST", "/api/v1/apis/pets/plans", "outsider", map[string]any{"slug": "gold", "name": "Gold", "approval": "manual"}, 201)
		e.call("POST", "/api/v1/apis/pets/transfer", "both", map[string]any{"team": "payments"}, 403) // a maintainer of search does not give it away

		// The subscription stays, provided by search now.
		id := fmt.Sprint(sub["id"])
		if got := e.call("GET", "/api/v1/subscriptions/"+id, "outsider", nil, 200)["state"]; got != "active" {
			t.Errorf("subscription after the move is %v, want active", got)
		}
		var provider int64
		if err := s.DB().NewSelect().Table("subscriptions").Column("provider_team_id").Where("id = ?", sub["id"]).Scan(ctx, &provider); err != nil {
			t.Fatal(err)
		}
		if provider != e.team("search").ID {
			t.Errorf("subscription provided by team %d, want search (%d)", provider, e.team("search").ID)
		}

		// The open request: still open, its requester may not approve it,
		// an org approver may.
		path := fmt.Sprintf("/api/v1/reviews/%d", review)
		if got := e.call("GET", path, "admin", nil, 200)["state"]; got != "open" {
			t.Errorf("request after the move is %v, want open", got)
		}
		if res, _ := e.api("POST", path+"/approve", e.tok["dev"], map[string]any{"comment": "mine"}); res.StatusCode < 400 {
			t.Errorf("the requester approved their own request after the move: %d", res.StatusCode)
		}
		e.call("POST", path+"/approve", "appr", map[string]any{"comment": "fine"}, 200)

		// Audit under both teams, notifications, re-index.
		for _, team := range []string{"payments", "search"} {
			events := e.call("GET", "/api/v1/audit?team="+team+"&action=api.transfer", "admin", nil, 200)["events"].([]any)
			if len(events) != 1 {
				t.Errorf("audit of %s holds %d api.transfer events, want 1", team, len(events))
				continue
			}
			ev := events[0].(map[string]any)
			if ev["before"] != "team=payments" || ev["after"] != "team=search" || ev["actor"] != "both" {
				t.Errorf("audit event %v", ev)
			}
		}
		for _, u := range []*store.User{payOwner, userNamed(t, s, "outsider")} {
			ns, err := s.Notifications(ctx, u.ID, 20)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(ns, func(n store.Notification) bool {
				return n.Kind == "api.transfer" && strings.Contains(plain(n.Message), "both moved API pets from Payments to Search.")
			}) {
				t.Errorf("%s was not told of the move: %v", u.Username, ns)
			}
		}
		if got := reindexes(t, s, "pets"); got <= reindexBefore {
			t.Errorf("search.index messages for pets: %d after the move, %d before: the catalog keeps the old team", got, reindexBefore)
		}
	})
}

// TestTransferTeamOnlyAPI: a team-only API that an app of its own team
// subscribes to does not move (the app's team would lose sight of it);
// the refusal names the app, and nothing changes.
func TestTransferTeamOnlyAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newLCEnvOn(t, s)
		e.createAPI("vault", "team")
		e.version("vault", "1.0.0", lifecycle.Published)
		e.call("POST", "/api/v1/apis/vault/plans", "maint", map[string]any{"slug": "free", "name": "Free", "approval": "auto"}, 201)
		e.call("POST", "/api/v1/teams/payments/apps", "dev", map[string]any{"slug": "till", "name": "Till"}, 201)
		e.call("POST", "/api/v1/apps/till/subscriptions", "dev", map[string]any{"api": "vault", "plan": "free", "purpose": "pay"}, 201)
		out := e.call("POST", "/api/v1/apis/vault/transfer", "admin", map[string]any{"team": "search"}, 422)
		if got := plain(fmt.Sprint(out)); !strings.Contains(got, "team-only") || !strings.Contains(got, "Till (Payments)") {
			t.Errorf("refusal %s, want it to say the API is team-only and name Till (Payments)", got)
		}
		if got := e.call("GET", "/api/v1/apis/vault", "admin", nil, 200)["team"]; got != "payments" {
			t.Errorf("after the refusal vault is in %v, want payments", got)
		}
	})
}

// TestTransferAPIPage: the API's edit page offers the move to the teams
// the viewer may move it to, behind a closed disclosure, with the CSRF
// token; a refused move re-renders the page with the message; a move
// redirects to the API's page, which names the new team.
func TestTransferAPIPage(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.team("archive")

	b := e.browser()
	b.login("maint")
	d := doc(t, b.get("/apis/pets/edit"))
	if d.Find(`[data-testid="transfer-form"]`).Length() != 0 {
		t.Error("a maintainer is offered the move")
	}

	b = e.browser()
	b.login("admin")
	d = doc(t, b.get("/apis/pets/edit"))
	form := d.Find(`[data-testid="transfer-form"]`)
	if form.Length() != 1 {
		t.Fatal("no transfer form for an org admin")
	}
	if _, open := form.Closest("details").Attr("open"); open {
		t.Error("the transfer disclosure is open when the page loads")
	}
	if form.Find(`input[name="_csrf"]`).Length() != 1 {
		t.Error("the transfer form has no CSRF token")
	}
	var teams []string
	form.Find(`select[name="team"] option`).Each(func(_ int, o *goquery.Selection) { teams = append(teams, o.AttrOr("value", "")) })
	if want := []string{"", "archive", "search"}; !slices.Equal(teams, want) {
		t.Errorf("transfer offers %q, want %q", teams, want)
	}

	res := b.post("/apis/pets/transfer", url.Values{"team": {"payments"}})
	if res.StatusCode != 422 {
		t.Fatalf("transfer to its own team: status %d, want 422", res.StatusCode)
	}
	d = doc(t, res)
	if got := d.Find(`[data-testid="error-team"]`).Text(); !strings.Contains(got, "already belongs") {
		t.Errorf("refusal shows %q", got)
	}
	if _, open := d.Find(`[data-testid="transfer-form"]`).Closest("details").Attr("open"); !open {
		t.Error("the refused transfer's disclosure is closed: the message is hidden")
	}

	res = b.post("/apis/pets/transfer", url.Values{"team": {"search"}})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/apis/pets" {
		t.Fatalf("transfer: status %d to %q, want 303 to /apis/pets", res.StatusCode, res.Header.Get("Location"))
	}
	res.Body.Close()
	d = doc(t, b.get("/apis/pets"))
	if got := d.Find(`.page-header`).Text(); !strings.Contains(got, "Search") {
		t.Errorf("the API page does not name its new team: %q", got)
	}
}

// reindexes counts the outbox messages asking to re-index the API slug.
func reindexes(t *testing.T, s *store.Store, slug string) int {
	t.Helper()
	ctx := context.Background()
	a, err := s.APIBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.DB().NewSelect().Table("outbox").Where("topic = ? AND payload = ?", lifecycle.TopicSearchIndex, fmt.Sprintf(`{"api_id":%d}`, a.ID)).Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// plain is s without the isolating marks around names (store.Isolate).
func plain(s string) string { return strings.NewReplacer("\u2068", "", "\u2069", "").Replace(s) }

func userNamed(t *testing.T, s *store.Store, name string) *store.User {
	t.Helper()
	u, err := s.UserByUsername(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestTransferRefusedKeepsEditForm: a move refused after the API's row
// was written in the transaction (a team-only API with subscribers of
// other teams) rolls back; the edit page it re-renders carries the lock
// version the API still has, so saving the edit form from it succeeds
// (not "someone else changed this API").
func TestTransferRefusedKeepsEditForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newLCEnvOn(t, s)
		e.createAPI("vault", "team")
		e.version("vault", "1.0.0", lifecycle.Published)
		e.call("POST", "/api/v1/apis/vault/plans", "maint", map[string]any{"slug": "free", "name": "Free", "approval": "auto"}, 201)
		e.call("POST", "/api/v1/teams/payments/apps", "dev", map[string]any{"slug": "till", "name": "Till"}, 201)
		e.call("POST", "/api/v1/apps/till/subscriptions", "dev", map[string]any{"api": "vault", "plan": "free", "purpose": "pay"}, 201)
		want := e.call("GET", "/api/v1/apis/vault", "admin", nil, 200)["lock_version"]

		b := e.browser()
		b.login("admin")
		res := b.post("/apis/vault/transfer", url.Values{"team": {"search"}})
		if res.StatusCode != 422 {
			t.Fatalf("refused transfer: status %d, want 422", res.StatusCode)
		}
		d := doc(t, res)
		lock := d.Find(`input[name="lock_version"]`).AttrOr("value", "")
		if lock != fmt.Sprint(want) {
			t.Errorf("the re-rendered edit form holds lock_version %q, the API has %v", lock, want)
		}
		form := url.Values{"lock_version": {lock}}
		d.Find(`form[data-testid="api-form"] input, form[data-testid="api-form"] textarea, form[data-testid="api-form"] select`).Each(func(_ int, f *goquery.Selection) {
			name := f.AttrOr("name", "")
			if name == "" || name == "_csrf" || name == "lock_version" {
				return
			}
			if goquery.NodeName(f) == "textarea" {
				form.Set(name, f.Text())
			} else if goquery.NodeName(f) == "select" {
				form.Set(name, f.Find("option[selected]").AttrOr("value", ""))
			} else if t := f.AttrOr("type", ""); t != "radio" && t != "checkbox" || f.AttrOr("checked", "x") != "x" {
				form.Set(name, f.AttrOr("value", ""))
			}
		})
		form.Set("summary", "Edited after a refused move")
		res = b.post("/apis/vault", form)
		res.Body.Close()
		if res.StatusCode != 303 {
			t.Errorf("saving the edit form after the refused move: status %d, want 303", res.StatusCode)
		}
	})
}
