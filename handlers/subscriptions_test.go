package handlers_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/portico-dev/portico/lifecycle"
)

// TestAPISubscriptionJourney goes through the JSON API: the owner of team
// search subscribes its app to a manual plan of payments' API, payments'
// maintainer approves, search creates, lists, rotates and revokes keys; the
// whole key appears once, in the answers that create it, and never in the
// logs; the other team sees the subscription but never its keys.
func TestAPISubscriptionJourney(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "gold", "name": "Gold", "rate_per_minute": 600, "burst": 50, "quota_per_day": 100000, "approval": "manual"}, 201)
	e.call("POST", "/api/v1/apis/pets/plans", "dev", map[string]any{"slug": "x", "name": "X", "approval": "auto"}, 403)
	bad := e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "free", "name": "Free", "rate_per_minute": -5, "approval": "auto"}, 422)
	if errs, _ := bad["errors"].([]any); len(errs) != 1 {
		t.Errorf("bad plan errors: %v", bad["errors"])
	}
	plans := e.call("GET", "/api/v1/apis/pets/plans", "outsider", nil, 200)
	if ps := plans["plans"].([]any); len(ps) != 1 || ps[0].(map[string]any)["rate_per_minute"] != float64(600) {
		t.Errorf("plans: %v", plans)
	}

	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "finder", "name": "Finder", "contact": "finder@example.com"}, 201)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "finder", "name": "Again"}, 422)
	sub := e.call("POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "gold", "purpose": "search pets"}, 201)
	if sub["state"] != "pending" || sub["major"] != float64(1) || sub["team"] != "search" || sub["api_team"] != "payments" {
		t.Fatalf("subscription: %v", sub)
	}
	id := fmt.Sprint(sub["id"])
	base := "/api/v1/subscriptions/" + id

	// The consumer cannot approve itself; the provider's viewer sees but may not decide.
	e.call("POST", base+"/approve", "outsider", nil, 403)
	e.call("GET", base, "viewer", nil, 200)
	e.call("POST", base+"/approve", "viewer", nil, 403)
	e.call("POST", base+"/keys", "outsider", map[string]any{"name": "early"}, 409)
	list := e.call("GET", "/api/v1/subscriptions?role=provider&state=pending", "maint", nil, 200)
	if subs := list["subscriptions"].([]any); len(subs) != 1 {
		t.Errorf("provider's pending list: %v", list)
	}
	list = e.call("GET", "/api/v1/subscriptions", "maint", nil, 200)
	if subs := list["subscriptions"].([]any); len(subs) != 0 {
		t.Errorf("maint's consumer list holds another team's subscription: %v", list)
	}
	e.call("GET", "/api/v1/subscriptions?role=everyone", "maint", nil, 422)
	e.call("POST", base+"/approve", "maint", nil, 200)

	// Keys: the whole key once.
	k := e.call("POST", base+"/keys", "outsider", map[string]any{"name": "production"}, 201)
	key, _ := k["key"].(string)
	if !strings.HasPrefix(key, k["prefix"].(string)+"_") || k["valid"] != true {
		t.Fatalf("created key: %v", k)
	}
	keys := e.call("GET", base+"/keys", "outsider", nil, 200)
	for _, kk := range keys["keys"].([]any) {
		if _, ok := kk.(map[string]any)["key"]; ok {
			t.Error("the key list carries a whole key")
		}
	}
	// The provider never sees keys; another team's key does not exist for it.
	e.call("GET", base+"/keys", "maint", nil, 403)
	e.call("POST", "/api/v1/keys/"+k["id"].(string)+"/revoke", "maint", nil, 404)
	e.call("POST", "/api/v1/keys/"+k["id"].(string)+"/rotate", "dev", map[string]any{"grace_seconds": 0}, 404)
	e.call("GET", "/api/v1/apps/finder", "maint", nil, 404)
	e.call("POST", "/api/v1/apps/finder/subscriptions", "admin", map[string]any{"api": "pets", "plan": "gold"}, 422)

	rotated := e.call("POST", "/api/v1/keys/"+k["id"].(string)+"/rotate", "outsider", map[string]any{"grace_seconds": 3600}, 201)
	newKey, _ := rotated["key"].(string)
	if newKey == "" || newKey == key {
		t.Fatalf("rotated: %v", rotated)
	}
	keys = e.call("GET", base+"/keys", "outsider", nil, 200)
	if ks := keys["keys"].([]any); len(ks) != 2 || ks[1].(map[string]any)["grace_ends_at"] == nil {
		t.Errorf("keys after rotation: %v", keys)
	}
	e.call("POST", "/api/v1/keys/"+k["id"].(string)+"/revoke", "outsider", nil, 200)
	e.call("POST", "/api/v1/keys/"+k["id"].(string)+"/revoke", "outsider", nil, 409)
	// A bad or missing grace period names the body's field, grace_seconds.
	for _, body := range []map[string]any{{"grace_seconds": 99999999}, {}} {
		out := e.call("POST", "/api/v1/keys/"+rotated["id"].(string)+"/rotate", "outsider", body, 422)
		if errs, _ := out["errors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["field"] != "grace_seconds" {
			t.Errorf("rotate with %v: errors %v, want one naming grace_seconds", body, out["errors"])
		}
	}

	// Revocation by the provider needs a reason.
	e.call("POST", base+"/revoke", "maint", map[string]any{}, 422)
	e.call("POST", base+"/revoke", "maint", map[string]any{"reason": "misuse"}, 200)
	got := e.call("GET", base, "outsider", nil, 200)
	if got["state"] != "revoked" || got["reason"] != "misuse" {
		t.Errorf("after revocation: %v", got)
	}

	// No whole key, nor its secret, in the logs.
	logs := e.logs.String()
	for _, kk := range []string{key, newKey, key[strings.LastIndex(key, "_")+1:], newKey[strings.LastIndex(newKey, "_")+1:]} {
		if strings.Contains(logs, kk) {
			t.Fatal("the logs hold a key")
		}
	}
	if !strings.Contains(logs, "/keys") {
		t.Fatal("the logs hold no request: the check is broken")
	}
}

// TestAPIRetireWithSubscriptions: retiring a subscribed published version
// is refused with 409 naming the subscription.
func TestAPIRetireWithSubscriptions(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "free", "name": "Free", "approval": "auto"}, 201)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "finder", "name": "Finder"}, 201)
	e.call("POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "free", "purpose": "search"}, 201)
	out := e.call("POST", "/api/v1/apis/pets/versions/1.0.0/retire", "maint", nil, 409)
	if d, _ := out["detail"].(string); !strings.Contains(d, "finder of search") {
		t.Errorf("refusal: %v", out)
	}
}

// TestAppsArePaged lists a team's apps a page at a time, by name, through
// the JSON API and the Apps page: every app once, in order, with a bad
// cursor or limit refused.
func TestAppsArePaged(t *testing.T) {
	e := newLCEnv(t)
	names := []string{"Orca", "Alpha", "Bison", "Delta", "Echo", "Falcon", "Gecko"}
	for i, n := range names {
		e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": fmt.Sprintf("app-%d", i), "name": n}, 201)
	}
	var got []string
	after := ""
	for pages := 0; ; pages++ {
		if pages > len(names) {
			t.Fatalf("the pages do not end: %v", got)
		}
		path := "/api/v1/teams/search/apps?limit=3"
		if after != "" {
			path += "&after=" + after
		}
		out := e.call("GET", path, "outsider", nil, 200)
		list := out["apps"].([]any)
		if len(list) > 3 {
			t.Fatalf("a page of %d apps with limit 3", len(list))
		}
		for _, a := range list {
			got = append(got, a.(map[string]any)["name"].(string))
		}
		next, ok := out["next"].(string)
		if !ok { // the last page's next is null
			if out["next"] != nil {
				t.Fatalf("next = %#v, want a cursor or null", out["next"])
			}
			break
		}
		after = next
	}
	if want := "Alpha Bison Delta Echo Falcon Gecko Orca"; strings.Join(got, " ") != want {
		t.Errorf("apps by page: %v, want %s", got, want)
	}
	e.call("GET", "/api/v1/teams/search/apps?after=x", "outsider", nil, 422)
	e.call("GET", "/api/v1/teams/search/apps?limit=0", "outsider", nil, 422)
	e.call("GET", "/api/v1/teams/search/apps?limit=201", "outsider", nil, 422)

	// The Apps page shows the first 50 by name and a link to the others.
	for i := len(names); i < 55; i++ {
		e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": fmt.Sprintf("app-%d", i), "name": fmt.Sprintf("Zulu %02d", i)}, 201)
	}
	b := e.browser()
	b.login("outsider")
	first := readAll(t, b.get("/apps"))
	if n := strings.Count(first, `data-testid="app-row"`); n != 50 {
		t.Errorf("the first Apps page lists %d apps, want 50", n)
	}
	i := strings.Index(first, `/apps?apps_after=`)
	if i < 0 {
		t.Fatal("no link to the next apps")
	}
	link := first[i : i+strings.IndexByte(first[i:], '"')]
	second := readAll(t, b.get(link))
	if n := strings.Count(second, `data-testid="app-row"`); n != 5 {
		t.Errorf("the second Apps page lists %d apps, want 5", n)
	}
	if strings.Contains(second, `data-testid="apps-next"`) {
		t.Error("the last Apps page links to more")
	}
	if res := b.get("/apps?apps_after=nope"); res.StatusCode != 400 {
		t.Errorf("a bad cursor answers %d, want 400", res.StatusCode)
	}
}
