package handlers_test

import (
	"net/url"
	"testing"
)

// TestAdminDisablingThemselfIsToldAtTheCheckbox: an admin who ticks
// Disabled on their own user is told so beside that checkbox, not beside
// the org role they left alone; one who demotes themself is told beside
// the role.
func TestAdminDisablingThemselfIsToldAtTheCheckbox(t *testing.T) {
	e := newEnv(t)
	e.user("admin", "admin", "", "")
	e.user("other", "admin", "", "") // another admin: the org keeps one anyway
	for _, tc := range []struct {
		name        string
		form        url.Values
		field, none string
	}{
		{"disable", url.Values{"org_role": {"admin"}, "disabled": {"true"}}, "disabled", "org_role"},
		{"demote", url.Values{"org_role": {"member"}}, "org_role", "disabled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := e.browser()
			b.login("admin")
			res := b.post("/users/admin", tc.form)
			if res.StatusCode != 422 {
				t.Fatalf("status %d, want 422 with the form", res.StatusCode)
			}
			form := doc(t, res).Find(`[data-testid="user-form"]`)
			if form.Find(`[data-testid="error-`+tc.field+`"]`).Length() == 0 {
				t.Errorf("no error beside %s; the form says %q", tc.field, form.Find(".field-error").Text())
			}
			if got := form.Find(`[data-testid="error-` + tc.none + `"]`).Text(); got != "" {
				t.Errorf("error beside %s: %q, want none there", tc.none, got)
			}
		})
	}
}
