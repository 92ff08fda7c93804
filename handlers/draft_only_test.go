package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/spec/spectest"
)

// TestOnlyDraftsEditedAlike opens the edit form of a published version,
// sends it anyway, and replaces its description through the JSON API: the
// three say why in the same words.
func TestOnlyDraftsEditedAlike(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	res, out := e.api("PUT", "/api/v1/apis/pets/versions/1.0.0", e.tok["dev"], map[string]any{"spec": spectest.PetsV1})
	api, _ := out["detail"].(string)
	if res.StatusCode != http.StatusConflict || api == "" {
		t.Fatalf("PUT a published version: %d %v, want 409 with a reason", res.StatusCode, out)
	}
	b := e.browser()
	b.login("dev")
	for _, step := range []struct {
		what string
		send func() *http.Response
	}{
		{"edit form", func() *http.Response { return b.get("/apis/pets/versions/1.0.0/edit") }},
		{"edit sent", func() *http.Response {
			return b.post("/apis/pets/versions/1.0.0/spec", url.Values{"spec": {spectest.PetsV1}})
		}},
	} {
		res := step.send()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: status %d, want 303", step.what, res.StatusCode)
		}
		flash := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(doc(t, b.get(res.Header.Get("Location"))).Find(`[data-testid="flash"]`).Text()), "×"))
		if flash != api {
			t.Errorf("%s: the page says %q, the JSON API %q", step.what, flash, api)
		}
	}
}
