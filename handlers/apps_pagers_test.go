package handlers_test

import (
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/portico-dev/portico/lifecycle"
)

// TestAppsPagersKeepEachOther: the Apps page has two pagers, one for the
// apps and one for the subscriptions (with their state filter); following
// one keeps where the other stands, through the real router.
func TestAppsPagersKeepEachOther(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "free", "name": "Free", "approval": "auto"}, 201)
	for i := 0; i < 55; i++ {
		slug := fmt.Sprintf("app-%02d", i)
		e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": slug, "name": fmt.Sprintf("App %02d", i)}, 201)
		e.call("POST", "/api/v1/apps/"+slug+"/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "free", "purpose": "search"}, 201)
	}
	b := e.browser()
	b.login("outsider")
	href := func(page, testid string) string {
		t.Helper()
		m := regexp.MustCompile(`<a href="([^"]*)"[^>]*data-testid="` + testid + `"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no %s link on the page", testid)
		}
		return html.UnescapeString(m[1])
	}
	count := func(page, testid string) int { return strings.Count(page, `data-testid="`+testid+`"`) }
	activeTab := regexp.MustCompile(`class="tab tab-active"[^>]*>([^<]*)<`)
	tab := func(page string) string {
		if m := activeTab.FindStringSubmatch(page); m != nil {
			return m[1]
		}
		return ""
	}

	// Subscriptions: active, older page; then more apps.
	first := readAll(t, b.get("/apps?state=active"))
	older := readAll(t, b.get(href(first, "next-page")))
	if n := count(older, "subscription-row"); n != 5 {
		t.Fatalf("the older subscriptions page lists %d, want 5", n)
	}
	more := href(older, "apps-next")
	both := readAll(t, b.get(more))
	if n := count(both, "app-row"); n != 5 {
		t.Errorf("more apps lists %d apps, want 5", n)
	}
	if n := count(both, "subscription-row"); n != 5 || tab(both) != "Active" {
		t.Errorf("following More apps (%s) from the older active subscriptions: %d subscriptions, tab %q; want 5, Active", more, n, tab(both))
	}

	// Apps: second page; then older subscriptions.
	apps2 := readAll(t, b.get(href(readAll(t, b.get("/apps")), "apps-next")))
	next := href(apps2, "next-page")
	both = readAll(t, b.get(next))
	if n := count(both, "app-row"); n != 5 {
		t.Errorf("following Older (%s) from the second apps page lists %d apps, want 5", next, n)
	}
	if n := count(both, "subscription-row"); n != 5 {
		t.Errorf("older subscriptions: %d, want 5", n)
	}
	// The state filter keeps the apps' page too.
	m := regexp.MustCompile(`<a href="([^"]*)" class="tab[^"]*">Active<`).FindStringSubmatch(apps2)
	if m == nil {
		t.Fatal("no Active tab")
	}
	filtered := readAll(t, b.get(html.UnescapeString(m[1])))
	if n := count(filtered, "app-row"); n != 5 || tab(filtered) != "Active" {
		t.Errorf("the Active tab (%s) from the second apps page: %d apps, tab %q; want 5, Active", m[1], n, tab(filtered))
	}
}
