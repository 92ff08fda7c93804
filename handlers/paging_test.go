package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
)

// pageOf reads one page of a paged list: the rows sel selects (by their
// data-testid text), the next link and the "of N" of the page jump.
func pageOf(t *testing.T, b interface{ get(string) *http.Response }, path, sel string) (rows []string, next, of string) {
	t.Helper()
	res := b.get(path)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: status %d, want 200", path, res.StatusCode)
	}
	d := doc(t, res)
	d.Find(sel).Each(func(_ int, s *goquery.Selection) { rows = append(rows, strings.Join(strings.Fields(s.Text()), " ")) })
	next = d.Find(`[data-testid="pagination"] [data-testid="next"]`).AttrOr("href", "")
	of = strings.Join(strings.Fields(d.Find(`[data-testid="page-jump"]`).Text()), " ")
	return rows, next, of
}

// walk follows the next links of a list from path and returns every row.
func walk(t *testing.T, b interface{ get(string) *http.Response }, path, sel string, wantPages int) []string {
	t.Helper()
	var all []string
	pages := 0
	for path != "" {
		rows, next, of := pageOf(t, b, path, sel)
		pages++
		if wantPages > 1 && of != fmt.Sprintf("Page of %d Go", wantPages) {
			t.Errorf("%s: page jump %q, want of %d", path, of, wantPages)
		}
		all = append(all, rows...)
		path = next
		if pages > wantPages {
			t.Fatalf("more than %d pages", wantPages)
		}
	}
	if pages != wantPages {
		t.Errorf("%d pages, want %d", pages, wantPages)
	}
	return all
}

// A team with more APIs than a page lists them a page at a time: all of
// them for its members, the listed ones for everybody else.
func TestTeamAPIsPaged(t *testing.T) {
	e := newEnv(t)
	admin := e.user("admin", policy.RoleAdmin, "", "")
	e.user("dev", policy.RoleMember, "payments", policy.RoleDeveloper)
	e.user("outsider", policy.RoleMember, "", "")
	svc := pageLife(t, e)
	ctx := context.Background()
	for i := range 33 {
		slug := fmt.Sprintf("draft-%02d", i)
		if _, err := svc.CreateAPI(ctx, admin, e.team("payments"), lifecycle.APIInput{Slug: slug, Name: "Draft " + slug, Visibility: store.VisibilityPublic}); err != nil {
			t.Fatal(err)
		}
	}
	pagePublishedAPI(t, e, admin, "payments", "pets", store.VisibilityPublic, spectest.PetsV1)
	pagePublishedAPI(t, e, admin, "payments", "secret", store.VisibilityTeam, spectest.PetsV1)

	dev := e.browser()
	dev.login("dev")
	all := walk(t, dev, "/teams/payments", `[data-testid="api-card"] .card-title`, 2)
	if len(all) != 35 || len(slices.Compact(slices.Sorted(slices.Values(all)))) != 35 {
		t.Errorf("member: %d distinct APIs over the pages, want 35", len(all))
	}
	if rows, _, _ := pageOf(t, dev, "/teams/payments", `[data-testid="api-card"]`); len(rows) != 30 {
		t.Errorf("member: first page has %d APIs, want 30", len(rows))
	}
	if got := strings.TrimSpace(doc(t, dev.get("/teams/payments")).Find(`[data-testid="api-total"]`).Text()); got != "35" {
		t.Errorf("member: total %q, want 35", got)
	}

	out := e.browser()
	out.login("outsider")
	if got := walk(t, out, "/teams/payments", `[data-testid="api-card"] .card-title`, 1); !slices.Equal(got, []string{"Pets"}) {
		t.Errorf("outsider: APIs %v, want only the listed Pets", got)
	}
	// A page past the end goes to the last one; a page that is no number is refused.
	res := dev.get("/teams/payments?page=9")
	res.Body.Close()
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/teams/payments?page=2" {
		t.Errorf("page past the end: %d to %q, want 303 to page 2", res.StatusCode, loc)
	}
	for _, bad := range []string{"0", "-1", "x", "100001"} {
		res := dev.get("/teams/payments?page=" + bad)
		body := readAll(t, res)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "page number") {
			t.Errorf("page=%s: status %d, want 400 saying to use a page number", bad, res.StatusCode)
		}
	}
}

// The users, notifications, audit and decided reviews lists page too.
func TestListsPaged(t *testing.T) {
	e := newEnv(t)
	admin := e.user("admin", policy.RoleAdmin, "", "")
	dev := e.user("dev", policy.RoleMember, "payments", policy.RoleDeveloper)
	var reader *store.User
	for i := range 52 {
		u := e.user(fmt.Sprintf("user-%02d", i), policy.RoleMember, "", "")
		if i == 0 {
			reader = u
		}
	}
	ctx := context.Background()
	for i := range 75 {
		if err := e.store.Notify(ctx, e.store.DB(), []int64{reader.ID}, "test", fmt.Sprintf("note %02d", i), "/", store.Now()); err != nil {
			t.Fatal(err)
		}
	}
	svc := pageLife(t, e)
	a, err := svc.CreateAPI(ctx, admin, e.team("payments"), lifecycle.APIInput{Slug: "pets", Name: "Pets"})
	if err != nil {
		t.Fatal(err)
	}
	v, err := svc.CreateVersion(ctx, dev, a, "1.0.0", []byte(spectest.PetsV1))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 51 {
		r, err := svc.Submit(ctx, dev, a, v, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.Reject(ctx, admin, r, fmt.Sprintf("reason %d", i)); err != nil {
			t.Fatal(err)
		}
		if v, err = e.store.Version(ctx, a.ID, "1.0.0"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.Submit(ctx, dev, a, v, ""); err != nil { // one open request: not in the decided tab
		t.Fatal(err)
	}

	adm := e.browser()
	adm.login("admin")
	if got := walk(t, adm, "/users", `[data-testid="user-row"]`, 2); len(got) != 54 {
		t.Errorf("users over the pages: %d, want 54", len(got))
	}
	decided := walk(t, adm, "/reviews?state=decided", `[data-testid="review-row"]`, 2)
	if len(decided) != 51 {
		t.Errorf("decided requests over the pages: %d, want 51", len(decided))
	}
	if rows, _, _ := pageOf(t, adm, "/reviews", `[data-testid="review-row"]`); len(rows) != 1 {
		t.Errorf("open requests: %d, want 1", len(rows))
	}
	if _, next, _ := pageOf(t, adm, "/reviews?state=decided", `[data-testid="review-row"]`); next != "/reviews?page=2&state=decided" {
		t.Errorf("decided tab's next page: %q, want /reviews?page=2&state=decided", next)
	}
	// The audit log pages by Older (a cursor, see TestAuditPagesByCursor).
	auditRows, auditPages := 0, 0
	for path := "/audit?action=version.reject"; path != "" && auditPages < 3; auditPages++ {
		d := doc(t, adm.get(path))
		auditRows += d.Find(`[data-testid="audit-row"]`).Length()
		path = d.Find(`[data-testid="pagination"] [data-testid="older"]`).AttrOr("href", "")
	}
	if auditRows != 51 || auditPages != 2 {
		t.Errorf("audit rows over the pages: %d in %d pages, want 51 in 2", auditRows, auditPages)
	}

	d := e.browser()
	d.login("user-00")
	notes := walk(t, d, "/notifications", `[data-testid="notification"] a`, 2)
	var want []string
	for i := 74; i >= 0; i-- {
		want = append(want, fmt.Sprintf("note %02d", i))
	}
	if !slices.Equal(notes, want) {
		t.Errorf("notifications over the pages: %v, want note 74 … note 00 once each", notes)
	}
	// The unread count covers every page, not only the first.
	if got := doc(t, d.get("/notifications?page=2")).Find(`[data-testid="unread-count"]`).Text(); got == "" {
		t.Error("no unread count on page 2")
	}

	// The JSON list pages with before= and next.
	tok := e.token(admin)
	var ids []string
	path := "/api/v1/reviews?state=rejected&limit=20"
	for pages := 0; path != ""; pages++ {
		if pages > 3 {
			t.Fatal("more than 3 pages of 20 for 51 requests")
		}
		res, body := e.api("GET", path, tok, nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", path, res.StatusCode)
		}
		for _, r := range body["reviews"].([]any) {
			ids = append(ids, fmt.Sprint(r.(map[string]any)["id"]))
		}
		path = ""
		if next, ok := body["next"].(string); ok {
			path = "/api/v1/reviews?state=rejected&limit=20&before=" + next
		} else if body["next"] != nil {
			t.Fatalf("next = %v, want a string or null", body["next"])
		}
	}
	if len(ids) != 51 || len(slices.Compact(slices.Sorted(slices.Values(ids)))) != 51 {
		t.Errorf("JSON pages: %d requests (%d distinct), want 51", len(ids), len(slices.Compact(slices.Sorted(slices.Values(ids)))))
	}
	for _, bad := range []string{"limit=0", "limit=501", "before=x"} {
		if res, _ := e.api("GET", "/api/v1/reviews?"+bad, tok, nil); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", bad, res.StatusCode)
		}
	}
}
