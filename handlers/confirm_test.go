package handlers_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/lifecycle"
)

// TestIrreversibleActionsAskFirst: revoking a key, a personal access token
// or a gateway node, cancelling a subscription and removing a team member
// are one button each behind a disclosure that opens on what the action
// does (components.ConfirmAction), closed when the page loads: a stray
// click or key press does nothing, with or without JavaScript. The button
// still posts the same form (the JSON API and the CLI are unchanged).
func TestIrreversibleActionsAskFirst(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "free", "name": "Free", "approval": "auto"}, 201)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "finder", "name": "Finder"}, 201)
	sub := fmt.Sprint(e.call("POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "free", "purpose": "search pets"}, 201)["id"])
	kid := fmt.Sprint(e.call("POST", "/api/v1/subscriptions/"+sub+"/keys", "outsider", map[string]any{"name": "production"}, 201)["id"])
	e.call("POST", "/api/v1/gateway/nodes", "admin", map[string]any{"name": "node-a"}, 201)

	prefix := e.call("GET", "/api/v1/subscriptions/"+sub+"/keys", "outsider", nil, 200)["keys"].([]any)[0].(map[string]any)["prefix"].(string)
	for _, c := range []struct{ who, page, id, action, of string }{
		{"outsider", "/apps/finder", "revoke-key", "/keys/" + kid + "/revoke", prefix + " (production)"},
		{"outsider", "/apps/finder", "cancel-subscription", "/subscriptions/" + sub + "/cancel", "API pets v1"},
		{"outsider", "/profile", "revoke-token", "/revoke", "test"},
		{"admin", "/gateway", "revoke-node", "/gateway/nodes/node-a/revoke", "node-a"},
		{"admin", "/teams/payments", "remove-member", "/remove", "dev"},
	} {
		b := e.browser()
		b.login(c.who)
		d := doc(t, b.get(c.page))
		button := d.Find(`[data-testid="` + c.id + `"]`).First()
		if button.Length() == 0 {
			t.Errorf("%s: no %s button", c.page, c.id)
			continue
		}
		details := button.Closest("details")
		if details.Length() == 0 {
			t.Errorf("%s: the %s button is not behind a disclosure: one click does it", c.page, c.id)
			continue
		}
		if _, open := details.Attr("open"); open {
			t.Errorf("%s: the %s disclosure is open when the page loads", c.page, c.id)
		}
		if details.ChildrenFiltered(`summary[data-testid="`+c.id+`-open"]`).Length() != 1 {
			t.Errorf("%s: the %s disclosure has no summary to open it", c.page, c.id)
		}
		form := button.Closest("form")
		if action, _ := form.Attr("action"); !strings.HasSuffix(action, c.action) || form.AttrOr("method", "") != "post" {
			t.Errorf("%s: the %s button posts to %q, want …%s", c.page, c.id, action, c.action)
		}
		if form.Find(`input[name="_csrf"]`).Length() != 1 {
			t.Errorf("%s: the %s form has no CSRF token", c.page, c.id)
		}
		// A list holds several: the summary's and the button's accessible
		// names say which row they act on, after their text (the row shows
		// it).
		for what, el := range map[string]*goquery.Selection{"summary": details.ChildrenFiltered("summary"), "button": button} {
			text := strings.Join(strings.Fields(el.Text()), " ")
			name := el.AttrOr("aria-label", text)
			if !strings.HasPrefix(name, text) || !strings.Contains(name, c.of) {
				t.Errorf("%s: the %s %s's name is %q, want its text %q and then %q", c.page, c.id, what, name, text, c.of)
			}
		}
		if strings.TrimSpace(form.Find("p").Text()) == "" {
			t.Errorf("%s: the %s disclosure does not say what the action does", c.page, c.id)
		}
	}
}

// TestRotateNamesItsKey: each key's Rotate disclosure and its Rotate key
// button are named for their row, after their text, as Revoke's are
// (components.Confirm.Of): the app page lists several keys, whose Rotate
// buttons would otherwise all read alike.
func TestRotateNamesItsKey(t *testing.T) {
	e := newLCEnv(t)
	sub := fmt.Sprint(e.finderSubscribedToPets()["id"])
	for _, name := range []string{"production", "staging"} {
		e.call("POST", "/api/v1/subscriptions/"+sub+"/keys", "outsider", map[string]any{"name": name}, 201)
	}
	b := e.browser()
	b.login("outsider")
	d := doc(t, b.get("/apps/finder"))
	rows := d.Find(`[data-testid="key-row"]`)
	if rows.Length() != 2 {
		t.Fatalf("%d key rows, want 2", rows.Length())
	}
	seen := map[string]bool{}
	rows.Each(func(_ int, row *goquery.Selection) {
		of := strings.TrimSuffix(row.Find(`[data-testid="key-prefix"]`).Text(), "…") + " (" + strings.TrimSpace(row.Find("td").Eq(1).Text()) + ")"
		for _, id := range []string{"rotate-open", "rotate"} {
			el := row.Find(`[data-testid="` + id + `"]`)
			text := strings.Join(strings.Fields(el.Text()), " ")
			name := el.AttrOr("aria-label", text)
			if el.Length() != 1 || !strings.HasPrefix(name, text) || !strings.Contains(name, of) {
				t.Errorf("the %s of key %s is named %q, want its text %q and then %q", id, of, name, text, of)
			}
			if seen[name] {
				t.Errorf("two keys' %s are named %q", id, name)
			}
			seen[name] = true
		}
	})
}
