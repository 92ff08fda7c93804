package handlers_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/portico-dev/portico/lifecycle"
)

// TestAPIKeyLocation: creating and rotating a key answer 201 with the new
// key's address in Location, which answers the key without its secret to
// the app's team and 404 to the provider's.
func TestAPIKeyLocation(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "free", "name": "Free", "rate_per_minute": 60, "approval": "auto"}, 201)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "finder", "name": "Finder"}, 201)
	sub := e.call("POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "free", "purpose": "find pets"}, 201)

	res, created := e.api("POST", fmt.Sprintf("/api/v1/subscriptions/%v/keys", sub["id"]), e.tok["outsider"], map[string]any{"name": "production"})
	loc := res.Header.Get("Location")
	if res.StatusCode != 201 || loc != fmt.Sprintf("/api/v1/keys/%v", created["id"]) {
		t.Fatalf("create key: %d Location %q, want 201 Location /api/v1/keys/%v", res.StatusCode, loc, created["id"])
	}
	checkWholeKeyAnswer(t, "create key", res, created)
	got := e.call("GET", loc, "outsider", nil, 200)
	if got["id"] != created["id"] || got["name"] != "production" || got["valid"] != true {
		t.Errorf("GET %s: %v", loc, got)
	}
	if _, ok := got["key"]; ok {
		t.Errorf("GET %s carries the whole key", loc)
	}
	e.call("GET", loc, "maint", nil, 404)

	res, rotated := e.api("POST", loc+"/rotate", e.tok["outsider"], map[string]any{"grace_seconds": 0})
	if want := fmt.Sprintf("/api/v1/keys/%v", rotated["id"]); res.StatusCode != 201 || res.Header.Get("Location") != want {
		t.Fatalf("rotate key: %d Location %q, want 201 Location %s", res.StatusCode, res.Header.Get("Location"), want)
	}
	checkWholeKeyAnswer(t, "rotate key", res, rotated)
	if old := e.call("GET", loc, "outsider", nil, 200); old["valid"] != false {
		t.Errorf("the rotated key without grace: %v, want valid false", old)
	}
}

// checkWholeKeyAnswer checks the answer that issued a key: it carries the
// whole key and is kept out of every cache.
func checkWholeKeyAnswer(t *testing.T, what string, res *http.Response, body map[string]any) {
	t.Helper()
	if key, _ := body["key"].(string); key == "" {
		t.Errorf("%s: no whole key in %v", what, body)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("%s: Cache-Control %q, want no-store", what, cc)
	}
}
