package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestBlankSpecRefusedAlike: a description of only white space is refused
// by the version form and by the JSON API with the same message, the
// lifecycle service's.
func TestBlankSpecRefusedAlike(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	const blank = " \n\t "

	b := e.browser()
	b.login("dev")
	res := b.post("/apis/pets/versions", url.Values{"version": {"1.0.0"}, "spec": {blank}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("page: got status %d, want 422", res.StatusCode)
	}
	page := strings.TrimSpace(doc(t, res).Find(`[data-testid="error-spec"]`).Text())
	if page == "" {
		t.Fatal("page: no message on the spec field")
	}

	res, body := e.api("POST", "/api/v1/apis/pets/versions", e.tok["dev"], map[string]any{"version": "1.0.0", "spec": blank})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("API: got status %d (%.200v), want 422", res.StatusCode, body)
	}
	errs, _ := body["errors"].([]any)
	if len(errs) != 1 {
		t.Fatalf("API: got errors %.200v, want one", body["errors"])
	}
	m, _ := errs[0].(map[string]any)
	if m["field"] != "spec" || m["message"] != page {
		t.Errorf("API: got %v, want field spec with the page's message %q", m, page)
	}
}
