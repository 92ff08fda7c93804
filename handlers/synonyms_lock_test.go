package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestSearchSynonymsStaleSaveRefused: two admins edit the synonym list
// from what they read. The list carries a lock_version (the page's form a
// hidden field, the JSON API a field of the list): the save after the
// other's is refused with 409 and changes nothing: the page shows the form
// with the list now in force and says why; the API answers problem+json.
// (The last save used to win silently.)
func TestSearchSynonymsStaleSaveRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newLCEnvOn(t, s)
		ctx := context.Background()
		got := e.call("GET", "/api/v1/search/synonyms", "dev", nil, 200)
		if got["default"] != true || fmt.Sprint(got["lock_version"]) != "0" {
			t.Errorf("default list: default %v, lock_version %v; want true and 0", got["default"], got["lock_version"])
		}
		// One admin opens the page...
		admin := e.browser()
		admin.login("admin")
		d := doc(t, admin.get("/search/synonyms"))
		lock, ok := d.Find(`[data-testid="synonyms-form"] input[type="hidden"][name="lock_version"]`).Attr("value")
		if !ok || lock != "0" {
			t.Errorf("the form's lock_version: %q (%t), want 0", lock, ok)
			lock = "0"
		}
		// ...another saves through the API meanwhile.
		got = e.call("PUT", "/api/v1/search/synonyms", "admin", map[string]any{"synonyms": [][]string{{"sms", "text message"}}, "lock_version": 0}, 200)
		if fmt.Sprint(got["lock_version"]) != "1" {
			t.Errorf("after the first save: lock_version %v, want 1", got["lock_version"])
		}
		audits := func() int {
			t.Helper()
			events, err := s.ListAudit(ctx, store.AuditFilter{Action: "search.synonyms.update", Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			return len(events)
		}
		inForce := func() string {
			t.Helper()
			return toJSON(t, e.call("GET", "/api/v1/search/synonyms", "dev", nil, 200)["synonyms"])
		}
		const want = `[["sms","text message"]]`

		res := admin.post("/search/synonyms", url.Values{"synonyms": {"repo, repository"}, "lock_version": {lock}})
		d = doc(t, res)
		if res.StatusCode != http.StatusConflict || !strings.Contains(d.Find(`[data-testid="form-error"]`).Text(), "Someone else saved") {
			t.Errorf("stale page save: %d, form error %q; want 409 saying someone else saved", res.StatusCode, d.Find(`[data-testid="form-error"]`).Text())
		}
		if text := d.Find(`[data-testid="synonyms-form"] textarea[name="synonyms"]`).Text(); !strings.Contains(text, "sms, text message") {
			t.Errorf("stale page save: the form holds %q, want the list in force", text)
		}
		if v := d.Find(`[data-testid="synonyms-form"] input[name="lock_version"]`).AttrOr("value", ""); v != "1" {
			t.Errorf("stale page save: the form's lock_version %q, want 1 (the list in force)", v)
		}
		if l := inForce(); l != want || audits() != 1 {
			t.Errorf("after the stale page save: list %s, %d audit entries; want %s and 1", l, audits(), want)
		}

		res, out := e.api("PUT", "/api/v1/search/synonyms", e.tok["admin"], map[string]any{"synonyms": [][]string{{"repo", "repository"}}, "lock_version": 0})
		if res.StatusCode != http.StatusConflict || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") ||
			!strings.Contains(fmt.Sprint(out["detail"]), "lock_version") {
			t.Errorf("stale PUT: %d %s %v; want 409 problem+json naming lock_version", res.StatusCode, res.Header.Get("Content-Type"), out)
		}
		// A stale save of the list in force is refused as any stale save.
		e.call("PUT", "/api/v1/search/synonyms", "admin", map[string]any{"synonyms": [][]string{{"sms", "text message"}}, "lock_version": 0}, 409)
		if l := inForce(); l != want || audits() != 1 {
			t.Errorf("after the stale PUTs: list %s, %d audit entries; want %s and 1", l, audits(), want)
		}

		// From the list in force, a save goes through.
		res = admin.post("/search/synonyms", url.Values{"synonyms": {"repo, repository"}, "lock_version": {"1"}})
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("page save from the list in force: %d, want 303", res.StatusCode)
		}
		got = e.call("PUT", "/api/v1/search/synonyms", "admin", map[string]any{"synonyms": [][]string{{"email", "e-mail"}}, "lock_version": 2}, 200)
		if fmt.Sprint(got["lock_version"]) != "3" || audits() != 3 {
			t.Errorf("PUT from the list in force: lock_version %v, %d audit entries; want 3 and 3", got["lock_version"], audits())
		}
	})
}
