package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestSearchSynonymsPageAndAPI: members read the list, org admins edit it on the page (a form with CSRF) and through
// the API; bad lists are refused with the reason and change nothing; every change is audited.
func TestSearchSynonymsPageAndAPI(t *testing.T) {
	e := newLCEnv(t)
	got := e.call("GET", "/api/v1/search/synonyms", "dev", nil, 200)
	if got["default"] != true || !strings.Contains(strings.ReplaceAll(toJSON(t, got["synonyms"]), " ", ""), `["repo","repository"]`) {
		t.Errorf("default list: got %v, want Portico's defaults with repo/repository", got)
	}
	e.call("PUT", "/api/v1/search/synonyms", "appr", map[string]any{"synonyms": [][]string{{"a", "b"}}}, 403)
	bad := e.call("PUT", "/api/v1/search/synonyms", "admin", map[string]any{"synonyms": [][]string{{"sms", "text message"}, {"lonely"}}}, 422)
	if !strings.Contains(toJSON(t, bad), "group 2") {
		t.Errorf("bad list: got %v, want a field error naming group 2", bad)
	}
	e.call("PUT", "/api/v1/search/synonyms", "admin", map[string]any{"synonyms": [][]string{{strings.Repeat("x", 70000), "y"}}}, 413)
	got = e.call("PUT", "/api/v1/search/synonyms", "admin", map[string]any{"synonyms": [][]string{{" SMS ", "Text  message"}}}, 200)
	if toJSON(t, got["synonyms"]) != `[["sms","text message"]]` {
		t.Errorf("saved list: got %s, want it normalised", toJSON(t, got["synonyms"]))
	}
	if got := e.call("GET", "/api/v1/search/synonyms", "dev", nil, 200); got["default"] != false || toJSON(t, got["synonyms"]) != `[["sms","text message"]]` {
		t.Errorf("list after saving: got %v", got)
	}

	// The page: a list for members, a form for org admins.
	b := e.browser()
	b.login("dev")
	d := doc(t, b.get("/search/synonyms"))
	if d.Find(`[data-testid="synonyms-form"]`).Length() != 0 || !strings.Contains(d.Find(`[data-testid="synonyms-list"]`).Text(), "sms, text message") {
		t.Error("a member gets the form, or not the list")
	}
	admin := e.browser()
	admin.login("admin")
	d = doc(t, admin.get("/search/synonyms"))
	if d.Find(`[data-testid="synonyms-form"] textarea[name="synonyms"]`).Length() != 1 || d.Find(`[data-testid="synonyms-form"] input[name="_csrf"]`).Length() != 1 {
		t.Fatal("the admin gets no form with a CSRF token")
	}
	res := admin.post("/search/synonyms", url.Values{"synonyms": {"repo, repository\nwidget"}})
	d = doc(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(d.Find(`[data-testid="error-synonyms"]`).Text(), "line 2") {
		t.Errorf("bad form: status %d, error %q, want 422 naming line 2", res.StatusCode, d.Find(`[data-testid="error-synonyms"]`).Text())
	}
	res = admin.post("/search/synonyms", url.Values{"synonyms": {"# ours\nrepo, repository\nemail, e-mail"}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save synonyms: status %d, want 303", res.StatusCode)
	}
	if got := e.call("GET", "/api/v1/search/synonyms", "dev", nil, 200); toJSON(t, got["synonyms"]) != `[["repo","repository"],["email","e-mail"]]` {
		t.Errorf("list after the form: got %s", toJSON(t, got["synonyms"]))
	}
	// A one-way mapping: saved with its arrow as a member, shown as a line with its arrow.
	res = admin.post("/search/synonyms", url.Values{"synonyms": {"Rain, snow => weather"}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save a one-way mapping: status %d, want 303", res.StatusCode)
	}
	if got := e.call("GET", "/api/v1/search/synonyms", "dev", nil, 200); toJSON(t, got["synonyms"]) != `[["rain","snow","=\u003e","weather"]]` {
		t.Errorf("list after a one-way mapping: got %s", toJSON(t, got["synonyms"]))
	}
	if d := doc(t, b.get("/search/synonyms")); !strings.Contains(d.Find(`[data-testid="synonyms-list"]`).Text(), "rain, snow => weather") {
		t.Errorf("a member's list: got %q, want the mapping with its arrow", d.Find(`[data-testid="synonyms-list"]`).Text())
	}
	res = admin.post("/search/synonyms", url.Values{"synonyms": {"rain => weather => climate"}})
	if d := doc(t, res); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(d.Find(`[data-testid="error-synonyms"]`).Text(), "one => at most") {
		t.Errorf("two arrows: status %d, error %q, want 422 saying one arrow at most", res.StatusCode, d.Find(`[data-testid="error-synonyms"]`).Text())
	}
	res = admin.post("/search/synonyms", url.Values{"defaults": {"1"}})
	res.Body.Close()
	if got := e.call("GET", "/api/v1/search/synonyms", "dev", nil, 200); !strings.Contains(toJSON(t, got["synonyms"]), `"geocode"`) {
		t.Errorf("after restoring the defaults: got %s", toJSON(t, got["synonyms"]))
	}
	audit := e.call("GET", "/api/v1/audit?action=search.synonyms.update", "admin", nil, 200)
	if events, _ := audit["events"].([]any); len(events) != 4 {
		t.Errorf("audit has %d synonym updates, want 4", len(events))
	}
}

func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %v: %v", v, err)
	}
	return string(b)
}

// TestSearchSynonymsIdenticalSaveIsANoop: saving the list in force again, through the API or the page, writes nothing:
// no audit entry with the same before and after, and no new updated_at (which makes every instance re-apply it).
func TestSearchSynonymsIdenticalSaveIsANoop(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newLCEnvOn(t, s)
		ctx := context.Background()
		list := map[string]any{"synonyms": [][]string{{"sms", "text message"}}}
		e.call("PUT", "/api/v1/search/synonyms", "admin", list, 200)
		row, err := s.GetSearchSynonyms(ctx)
		if err != nil {
			t.Fatal(err)
		}
		count := func() int {
			events, err := s.ListAudit(ctx, store.AuditFilter{Action: "search.synonyms.update", Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			return len(events)
		}
		if n := count(); n != 1 {
			t.Fatalf("after the first save: %d audit entries, want 1", n)
		}
		// The same list, written differently: it normalises to the list in force.
		got := e.call("PUT", "/api/v1/search/synonyms", "admin", map[string]any{"synonyms": [][]string{{" SMS", "Text  Message"}}}, 200)
		if toJSON(t, got["synonyms"]) != `[["sms","text message"]]` {
			t.Errorf("identical PUT answered %s, want the list in force", toJSON(t, got["synonyms"]))
		}
		admin := e.browser()
		admin.login("admin")
		res := admin.post("/search/synonyms", url.Values{"synonyms": {"sms, text message\n"}})
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("identical form: status %d, want 303", res.StatusCode)
		}
		after, err := s.GetSearchSynonyms(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n := count(); n != 1 || !after.UpdatedAt.Equal(row.UpdatedAt) {
			t.Errorf("identical saves: %d audit entries, updated_at %v→%v; want 1 entry and updated_at unchanged", n, row.UpdatedAt, after.UpdatedAt)
		}
		// A real change is still saved and audited, its before the list it replaced.
		e.call("PUT", "/api/v1/search/synonyms", "admin", map[string]any{"synonyms": [][]string{{"repo", "repository"}}}, 200)
		events, err := s.ListAudit(ctx, store.AuditFilter{Action: "search.synonyms.update", Limit: 50})
		if err != nil || len(events) != 2 || events[0].Before != "sms, text message\n" || events[0].After != "repo, repository\n" {
			t.Errorf("after a change: %+v, %v; want a second entry from the old list to the new", events, err)
		}
	})
}
