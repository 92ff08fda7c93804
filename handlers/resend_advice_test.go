package handlers_test

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/policy"
)

// TestRefusedFormSaysHowToSendItAgain: a form refused for its security
// token or its one-time id tells how to send it again. A plain form's
// refusal is a page at the address the form posted to: the form is a page
// back. A boosted (htmx) form's refusal keeps the address of the form's
// page (HX-Push-Url false): going back leaves the form, reloading shows it
// with a new token.
func TestRefusedFormSaysHowToSendItAgain(t *testing.T) {
	e := newEnv(t)
	e.user("alice", policy.RoleMember, "", "")
	b := e.browser()
	b.login("alice")
	for _, tc := range []struct {
		what, path string
		form       url.Values
	}{
		{"an out-of-date security token", "/profile", url.Values{"_csrf": {"not the token"}, "display_name": {"Alice"}}},
		{"an invalid one-time id", "/profile/tokens", url.Values{"_form_id": {"not an id!"}, "name": {"ci"}, "expires_days": {"30"}}},
	} {
		for _, boosted := range []bool{false, true} {
			if _, ok := tc.form["_csrf"]; !ok {
				tc.form.Set("_csrf", b.csrf())
			}
			req := httptest.NewRequest("POST", tc.path, strings.NewReader(tc.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			want, wrong := "Go back, reload the page", "Reload this page"
			if boosted {
				req.Header.Set("HX-Request", "true")
				req.Header.Set("HX-Boosted", "true")
				want, wrong = "Reload this page and send the form again", "Go back"
			}
			res := b.do(req)
			msg := doc(t, res).Find("main").Text()
			if res.StatusCode < 400 || !strings.Contains(msg, want) || strings.Contains(msg, wrong) {
				t.Errorf("%s (boosted %v): status %d, message %q; want a refusal saying %q", tc.what, boosted, res.StatusCode, strings.Join(strings.Fields(msg), " "), want)
			}
			if boosted && res.Header.Get("HX-Push-Url") != "false" {
				t.Errorf("%s (boosted): HX-Push-Url %q, want false (the address stays the form's page)", tc.what, res.Header.Get("HX-Push-Url"))
			}
		}
	}
}
