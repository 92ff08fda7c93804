package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/policy"
)

// TestUserFormRefusesAStaleSave: two admins open bob's form; the first
// saves; the second's save, of the form as they read it, is refused with
// 409 and a form error, and bob keeps the first admin's change.
func TestUserFormRefusesAStaleSave(t *testing.T) {
	e := newEnv(t)
	e.user("admin", policy.RoleAdmin, "", "")
	e.user("ada", policy.RoleAdmin, "", "")
	e.user("bob", policy.RoleMember, "", "")
	formOf := func(b *browser) url.Values {
		res := b.get("/users/bob/edit")
		pageWantStatus(t, "edit bob", res, http.StatusOK)
		form := url.Values{}
		doc(t, res).Find(`[data-testid="user-form"] input, [data-testid="user-form"] select`).Each(func(_ int, s *goquery.Selection) {
			name, _ := s.Attr("name")
			if name == "" || name == "_csrf" || (s.AttrOr("type", "") == "checkbox" && s.AttrOr("checked", "none") == "none") {
				return
			}
			if goquery.NodeName(s) == "select" {
				form.Set(name, s.Find("option[selected]").AttrOr("value", ""))
				return
			}
			form.Set(name, s.AttrOr("value", ""))
		})
		return form
	}
	first, second := e.browser(), e.browser()
	first.login("admin")
	second.login("ada")
	f1, f2 := formOf(first), formOf(second)

	f1.Set("org_role", policy.RoleApprover)
	pageWantRedirect(t, "first save", first.post("/users/bob", f1), "/users")
	f2.Set("display_name", "Bob B.")
	res := second.post("/users/bob", f2)
	pageWantStatus(t, "stale save", res, http.StatusConflict)
	if msg := doc(t, res).Find(`[data-testid="form-error"]`).Text(); !strings.Contains(msg, "Reload") {
		t.Errorf("stale save's form error = %q, want it to say reload", msg)
	}
	if bob := mustUser(t, e, "bob"); bob.OrgRole != policy.RoleApprover || bob.DisplayName != "" {
		t.Errorf("bob after the stale save: role %q, display name %q; want approver and \"\"", bob.OrgRole, bob.DisplayName)
	}
	// Reloaded, the second admin's save goes through.
	f2 = formOf(second)
	f2.Set("display_name", "Bob B.")
	pageWantRedirect(t, "save after reload", second.post("/users/bob", f2), "/users")
	if bob := mustUser(t, e, "bob"); bob.OrgRole != policy.RoleApprover || bob.DisplayName != "Bob B." {
		t.Errorf("bob after the reloaded save: role %q, display name %q; want approver and \"Bob B.\"", bob.OrgRole, bob.DisplayName)
	}
}

// TestAPIUserPatchRefusesAStaleLockVersion: PATCH /api/v1/users/{username}
// with the lock_version read is refused with a 409 problem once someone
// else changed the user, and changes nothing.
func TestAPIUserPatchRefusesAStaleLockVersion(t *testing.T) {
	e := newEnv(t)
	tok := e.token(e.user("admin", policy.RoleAdmin, "", ""))
	e.user("bob", policy.RoleMember, "", "")
	// A new user's lock version is 1.
	res, body := e.api("PATCH", "/api/v1/users/bob", tok, map[string]any{"org_role": "approver", "lock_version": 1})
	if res.StatusCode != http.StatusOK || body["lock_version"] != float64(2) {
		t.Fatalf("first PATCH: %d %v, want 200 and lock_version 2", res.StatusCode, body)
	}
	res, body = e.api("PATCH", "/api/v1/users/bob", tok, map[string]any{"display_name": "Bob B.", "lock_version": 1})
	if detail, _ := body["detail"].(string); res.StatusCode != http.StatusConflict || res.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(detail, "lock_version") {
		t.Errorf("stale PATCH: %d %s %v, want a 409 problem naming lock_version", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	if bob := mustUser(t, e, "bob"); bob.OrgRole != policy.RoleApprover || bob.DisplayName != "" {
		t.Errorf("bob after the stale PATCH: role %q, display name %q; want approver and \"\"", bob.OrgRole, bob.DisplayName)
	}
}
