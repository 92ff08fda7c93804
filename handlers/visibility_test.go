package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/portico-dev/portico/lifecycle"
)

// TestDraftOnlyAPIIsTheTeams checks that a public API whose only versions
// are drafts or in review is its team's work in progress: to anyone else
// (here a member of another team) it does not exist, in the JSON API, on
// its pages and on the team page, until a version is published.
func TestDraftOnlyAPIIsTheTeams(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("secret-plans", "public")
	e.version("secret-plans", "1.0.0", lifecycle.Draft)
	e.version("secret-plans", "1.1.0", lifecycle.InReview)
	outsider := e.browser()
	outsider.login("outsider")
	viewer := e.browser()
	viewer.login("viewer")

	hidden := func(who string) {
		t.Helper()
		for _, path := range []string{"/api/v1/apis/secret-plans", "/api/v1/apis/secret-plans/versions", "/api/v1/apis/secret-plans/versions/1.0.0"} {
			if res, _ := e.api("GET", path, e.tok[who], nil); res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s as %s: %d, want 404", path, who, res.StatusCode)
			}
		}
	}
	hidden("outsider")
	for _, path := range []string{"/apis/secret-plans", "/apis/secret-plans/versions/1.0.0"} {
		res := outsider.get(path)
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s as outsider: %d, want 404", path, res.StatusCode)
		}
	}
	if body := readAll(t, outsider.get("/teams/payments")); strings.Contains(body, "secret-plans") || strings.Contains(body, "API secret-plans") {
		t.Error("the team page shows a draft-only API to a non-member")
	}
	// The team sees it.
	e.call("GET", "/api/v1/apis/secret-plans", "viewer", nil, 200)
	if body := readAll(t, viewer.get("/teams/payments")); !strings.Contains(body, "secret-plans") {
		t.Error("the team page hides a draft-only API from its team")
	}
	// Once a version is published, everyone sees the API (not the drafts).
	e.version("secret-plans", "2.0.0", lifecycle.Published)
	e.call("GET", "/api/v1/apis/secret-plans", "outsider", nil, 200)
	e.call("GET", "/api/v1/apis/secret-plans/versions/1.0.0", "outsider", nil, 404)
	if body := readAll(t, outsider.get("/teams/payments")); !strings.Contains(body, "secret-plans") {
		t.Error("the team page hides a published public API from a non-member")
	}
}

// TestReviewsHiddenAreMissing checks that a publication request the user
// may not open answers exactly like one that does not exist: 404 on the
// page and in the JSON API, for reading and for acting on it.
func TestReviewsHiddenAreMissing(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	id := e.version("pets", "1.1.0", lifecycle.InReview)
	outsider := e.browser()
	outsider.login("outsider")
	missing := id + 1000
	for _, n := range []int64{id, missing} {
		for _, path := range []string{fmt.Sprintf("/reviews/%d", n)} {
			res := outsider.get(path)
			res.Body.Close()
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s as outsider: %d, want 404", path, res.StatusCode)
			}
		}
		res := outsider.post(fmt.Sprintf("/reviews/%d/approve", n), nil)
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("POST /reviews/%d/approve as outsider: %d, want 404", n, res.StatusCode)
		}
		for _, path := range []string{fmt.Sprintf("/api/v1/reviews/%d", n)} {
			if res, _ := e.api("GET", path, e.tok["outsider"], nil); res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s as outsider: %d, want 404", path, res.StatusCode)
			}
		}
	}
	// Those who may open it still do.
	e.call("GET", fmt.Sprintf("/api/v1/reviews/%d", id), "viewer", nil, 200)
	e.call("GET", fmt.Sprintf("/api/v1/reviews/%d", id), "appr", nil, 200)
}
