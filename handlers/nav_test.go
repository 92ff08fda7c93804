package handlers_test

import (
	"net/http"
	"testing"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
)

// TestNavMarksTheSection checks that the top navigation marks the link of
// the section a page belongs to, and that one only, with aria-current.
func TestNavMarksTheSection(t *testing.T) {
	se := newEnvWithSearch(t)
	e := se.env
	admin := e.user("admin", policy.RoleAdmin, "", "")
	pagePublishedAPI(t, e, admin, "payments", "pets", store.VisibilityPublic, spectest.PetsV1)
	se.drain()
	b := e.browser()
	b.login("admin")
	for _, tc := range []struct{ path, want string }{
		{"/", "/"},
		{"/catalog", "/catalog"},
		{"/apis/pets", "/catalog"},
		{"/apis/pets/versions/1.0.0", "/catalog"},
		{"/teams", "/teams"},
		{"/teams/payments", "/teams"},
		{"/reviews", "/reviews"},
		{"/apps", "/apps"},
		{"/users", "/users"},
		{"/audit", "/audit"},
		{"/gateway", "/gateway"},
		{"/notifications", "/notifications"},
		{"/profile", "/profile"},
	} {
		res := b.get(tc.path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d", tc.path, res.StatusCode)
		}
		marked := doc(t, res).Find(`.topbar a[aria-current="page"]`)
		if marked.Length() != 1 {
			t.Errorf("GET %s: %d links marked current, want 1", tc.path, marked.Length())
			continue
		}
		if got := marked.AttrOr("href", ""); got != tc.want {
			t.Errorf("GET %s: current section %q, want %q", tc.path, got, tc.want)
		}
		if !marked.HasClass("nav-link-active") {
			t.Errorf("GET %s: the current link is not styled as active", tc.path)
		}
	}
}
