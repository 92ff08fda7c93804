package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/store"
)

// TestAppPageBoundsEndedKeys: a subscription whose key was rotated a
// thousand times (rotated out, expired or revoked long ago) shows on the app
// page its keys that still work (the active key and the one in its grace
// period) and only its newest ended keys, with a link to all its keys; that
// list is paged and reaches every key.
func TestAppPageBoundsEndedKeys(t *testing.T) {
	e := newLCEnv(t)
	sub := e.finderSubscribedToPets()
	id := fmt.Sprint(sub["id"])
	s, err := e.store.SubscriptionByID(context.Background(), int64(sub["id"].(float64)))
	if err != nil {
		t.Fatal(err)
	}
	// A thousand ended keys, oldest first: revoked, expired, rotated out.
	const ended = 1000
	past := time.Now().Add(-time.Hour)
	var keys []store.APIKey
	for i := range ended {
		k := store.APIKey{Kid: fmt.Sprintf("old%013d", i), SubscriptionID: s.ID, APIID: s.APIID, Major: s.Major, PlanID: s.PlanID,
			Name: "production", KeyHash: fmt.Sprintf("%064d", i), State: store.KeyActive}
		switch i % 3 {
		case 0:
			k.State, k.RevokedAt = store.KeyRevoked, &past
		case 1:
			k.ExpiresAt = &past
		default:
			k.GraceEndsAt = &past
		}
		keys = append(keys, k)
	}
	if err := e.store.CreateKeys(context.Background(), e.store.DB(), keys); err != nil {
		t.Fatal(err)
	}
	// Then a key rotated with a grace period: it and its successor work.
	k := e.call("POST", "/api/v1/subscriptions/"+id+"/keys", "outsider", map[string]any{"name": "production"}, 201)
	next := e.call("POST", "/api/v1/keys/"+k["id"].(string)+"/rotate", "outsider", map[string]any{"grace_seconds": 86400}, 201)

	consumer := e.browser()
	consumer.login("outsider")
	d := doc(t, consumer.get("/apps/finder"))
	rows := d.Find(`[data-testid="subscription"] [data-testid="key-row"]`)
	if n := rows.Length(); n > 20 {
		t.Fatalf("the app page lists %d keys of one subscription", n)
	}
	for _, kid := range []string{k["id"].(string), next["id"].(string)} {
		if d.Find(`[data-testid="key-row"][data-key="`+kid+`"]`).Length() != 1 {
			t.Errorf("the app page leaves out the working key %s", kid)
		}
	}
	if d.Find(`[data-testid="key-row"][data-key="old0000000000999"]`).Length() != 1 {
		t.Error("the app page leaves out the newest ended key")
	}
	more := d.Find(`[data-testid="all-keys"]`)
	href, _ := more.Attr("href")
	if href != "/subscriptions/"+id+"/keys" || !strings.Contains(more.Text(), "1002") {
		t.Fatalf("link to all keys: %q %q", href, strings.TrimSpace(more.Text()))
	}

	// The list of all keys: a page at a time, every key on some page.
	seen := map[string]bool{}
	path := href
	for pages := 0; path != ""; pages++ {
		if pages > 100 {
			t.Fatal("the pages of keys do not end")
		}
		res := consumer.get(path)
		if res.StatusCode != 200 {
			t.Fatalf("GET %s: status %d", path, res.StatusCode)
		}
		d := doc(t, res)
		rows := d.Find(`[data-testid="key-row"]`)
		if rows.Length() == 0 || rows.Length() > 100 {
			t.Fatalf("GET %s: %d keys", path, rows.Length())
		}
		for i := range rows.Length() {
			seen[rows.Eq(i).AttrOr("data-key", "")] = true
		}
		path = d.Find(`[data-testid="next"]`).AttrOr("href", "")
	}
	if len(seen) != ended+2 {
		t.Errorf("the pages of keys list %d keys, want %d", len(seen), ended+2)
	}
	// Only who sees the subscription's keys sees that list.
	viewer := e.browser()
	viewer.login("viewer")
	if res := viewer.get(href); res.StatusCode != 404 && res.StatusCode != 403 {
		t.Errorf("another team's viewer gets the keys: status %d", res.StatusCode)
	}
}

// TestAPIKeysListIsPaged: the JSON API lists a subscription's keys newest
// first, a bounded page at a time, and following next reaches every key.
func TestAPIKeysListIsPaged(t *testing.T) {
	e := newLCEnv(t)
	sub := e.finderSubscribedToPets()
	id := fmt.Sprint(sub["id"])
	s, err := e.store.SubscriptionByID(context.Background(), int64(sub["id"].(float64)))
	if err != nil {
		t.Fatal(err)
	}
	const n = 500
	past := time.Now().Add(-time.Hour)
	var keys []store.APIKey
	for i := range n {
		keys = append(keys, store.APIKey{Kid: fmt.Sprintf("old%013d", i), SubscriptionID: s.ID, APIID: s.APIID, Major: s.Major, PlanID: s.PlanID,
			Name: "production", KeyHash: fmt.Sprintf("%064d", i), State: store.KeyRevoked, RevokedAt: &past})
	}
	if err := e.store.CreateKeys(context.Background(), e.store.DB(), keys); err != nil {
		t.Fatal(err)
	}
	newest := e.call("POST", "/api/v1/subscriptions/"+id+"/keys", "outsider", map[string]any{"name": "production"}, 201)["id"].(string)

	var got []string
	query := ""
	for pages := 0; ; pages++ {
		if pages > n {
			t.Fatal("the pages of keys do not end")
		}
		out := e.call("GET", "/api/v1/subscriptions/"+id+"/keys"+query, "outsider", nil, 200)
		list := out["keys"].([]any)
		if len(list) > 200 {
			t.Fatalf("one answer lists %d keys", len(list))
		}
		for _, k := range list {
			got = append(got, k.(map[string]any)["id"].(string))
		}
		next, ok := out["next"].(string)
		if !ok { // the last page's next is null
			if out["next"] != nil {
				t.Fatalf("next = %#v, want a cursor or null", out["next"])
			}
			break
		}
		query = "?limit=120&before=" + next
	}
	if len(got) != n+1 || got[0] != newest || got[1] != "old0000000000499" || got[n] != "old0000000000000" {
		t.Errorf("the pages list %d keys, want %d, newest first", len(got), n+1)
	}
	if res, _ := e.api("GET", "/api/v1/subscriptions/"+id+"/keys?before=x", e.tok["outsider"], nil); res.StatusCode != 422 && res.StatusCode != 400 {
		t.Errorf("a bad cursor: status %d", res.StatusCode)
	}
}
