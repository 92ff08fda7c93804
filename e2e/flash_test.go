package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A flash stays until it is dismissed (nobody loses a message for reading
// slowly: WCAG 2.2.1) and has a close button; after a boosted link the
// focus is on the new page's heading, not left on the body.
func TestErrorFlashStaysUntilDismissed(t *testing.T) {
	p := startPortal(t)
	b := newBrowser(t)
	b.login(p, "admin")

	// A team whose only owner is the admin; removing that owner is refused
	// with an error flash.
	b.createTeam(p, "Payments", "payments")
	b.do(
		chromedp.SendKeys(chromedp.CSS(`[data-testid="add-member-form"] input[name="username"]`), "admin"),
		chromedp.SetValue(chromedp.CSS(`[data-testid="add-member-form"] select[name="role"]`), "owner"),
		chromedp.Click(chromedp.CSS(`[data-testid="add-member-form"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="remove-member-open"]`)),
	)
	// The success flash of the addition stays until dismissed.
	time.Sleep(7 * time.Second) // longer than a success flash used to stay (6 s)
	if got := b.flashes(); len(got) != 1 || !strings.Contains(got[0], "admin") {
		t.Fatalf("7 s after adding a member: flashes %q, want the message still shown", got)
	}
	b.do(chromedp.Click(chromedp.CSS(`[data-testid="flash"] [data-dismiss]`)))
	b.poll(`document.querySelectorAll('[data-testid="flash"]').length === 0`)

	b.do(
		// Removing asks first: the disclosure opens on the button.
		chromedp.Click(chromedp.CSS(`[data-testid="remove-member-open"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="remove-member"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="remove-member"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-error`)),
	)
	if got := b.flashes(); len(got) != 1 || !strings.Contains(got[0], "at least one owner") {
		t.Fatalf("after removing the last owner: flashes %q, want the refusal", got)
	}
	// Longer than any flash used to stay (12 s for an error).
	time.Sleep(13 * time.Second)
	if got := b.flashes(); len(got) != 1 {
		t.Fatalf("13 s after the refusal: flashes %q, want it still shown", got)
	}
	if got := b.eval(`(() => { const d = document.querySelector('.flash-error [data-dismiss]'); return d && !d.hidden && d.getAttribute('aria-label') || "" })()`); got == "" {
		t.Fatal("the error flash has no visible, named close button")
	}
	b.do(chromedp.Click(chromedp.CSS(`.flash-error [data-dismiss]`)))
	b.poll(`document.querySelectorAll('[data-testid="flash"]').length === 0`)

	// A boosted link to another page leaves the focus on its heading, not
	// on the body.
	b.do(
		chromedp.Click(chromedp.CSS(`header a[href="/teams"], nav a[href="/teams"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/teams/payments"]`)),
	)
	b.poll(`document.activeElement && document.activeElement.tagName === "H1"`)
	b.checkClean()
}

// A success flash shown by a full page load is announced: the layout's
// #flash-announcer, an empty live region (role=status) when the page
// loads, gets the message's text after load (a role=status element present
// at load says nothing until it changes). The message is set by a plain
// POST whose redirect is not followed, so that the next page, loaded
// whole, shows it.
func TestSuccessFlashAnnouncedOnLoad(t *testing.T) {
	p := startPortal(t)
	b := newBrowser(t)
	b.login(p, "admin")
	b.do(chromedp.Navigate(p.url + "/teams"))
	b.poll(`document.readyState === "complete"`)
	b.eval(`window.__posted = ""; fetch("/teams", {method: "POST", redirect: "manual",
		body: new URLSearchParams({name: "Payments", slug: "payments"}),
		headers: {"X-CSRF-Token": document.querySelector('meta[name="csrf-token"]').content}}).
		then(res => { window.__posted = res.type + " " + res.status }, err => { window.__posted = String(err) }); ""`)
	b.poll(`window.__posted !== ""`)
	if got := b.eval(`window.__posted`); got != "opaqueredirect 0" {
		t.Fatalf("POST /teams: %q, want a redirect not followed", got)
	}
	b.do(chromedp.Navigate(p.url + "/teams/payments"))
	b.poll(`document.querySelector('[data-testid="flash"]') !== null`)
	if got := b.eval(`document.querySelector('[data-testid="flash"]').textContent`); !strings.Contains(got, "Team Payments created") {
		t.Fatalf("flash after a full load: %q", got)
	}
	b.poll(`(document.querySelector("#flash-announcer") || {}).textContent === "Team Payments created. Add its members below."`)
	if got := b.eval(`document.querySelector("#flash-announcer").getAttribute("role") + " " + document.querySelector("#flash-announcer").closest("#main")`); got != "status null" {
		t.Errorf("announcer: role and container %q, want a role=status outside #main", got)
	}
	// Dismissing the message empties the announcer: no stale text at the
	// end of the page.
	b.do(chromedp.Click(chromedp.CSS(`[data-testid="flash"] [data-dismiss]`)))
	b.poll(`document.querySelector("#flash-announcer").textContent === ""`)
	b.checkClean()
}

// An error flash shown by a full page load is announced too, assertively:
// a role=alert present at load is not announced by most screen readers, so
// the layout's #flash-alert-announcer (aria-live=assertive), empty at load,
// gets its text after load. After an htmx swap that brings an error (a
// fragment), the flash's own role=alert says it: the announcer stays
// empty, not to say it twice.
func TestErrorFlashAnnouncedOnLoad(t *testing.T) {
	p := startPortal(t)
	b := newBrowser(t)
	b.login(p, "admin")
	b.createTeam(p, "Payments", "payments")
	b.do(
		chromedp.SendKeys(chromedp.CSS(`[data-testid="add-member-form"] input[name="username"]`), "admin"),
		chromedp.SetValue(chromedp.CSS(`[data-testid="add-member-form"] select[name="role"]`), "owner"),
		chromedp.Click(chromedp.CSS(`[data-testid="add-member-form"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="remove-member-open"]`)),
	)
	// Removing the last owner is refused with an error flash; the POST's
	// redirect is not followed, so that the next page, loaded whole, shows it.
	b.eval(`window.__posted = ""; fetch("/teams/payments/members/admin/remove", {method: "POST", redirect: "manual",
		headers: {"X-CSRF-Token": document.querySelector('meta[name="csrf-token"]').content}}).
		then(res => { window.__posted = res.type + " " + res.status }, err => { window.__posted = String(err) }); ""`)
	b.poll(`window.__posted !== ""`)
	if got := b.eval(`window.__posted`); got != "opaqueredirect 0" {
		t.Fatalf("POST remove: %q, want a redirect not followed", got)
	}
	b.do(chromedp.Navigate(p.url + "/teams/payments"))
	b.poll(`document.querySelector('.flash-error') !== null`)
	want := b.eval(`document.querySelector('.flash-error p').textContent.replace(/\s+/g, " ").trim()`)
	if !strings.Contains(want, "at least one owner") {
		t.Fatalf("error flash after a full load: %q", want)
	}
	quoted, _ := json.Marshal(want)
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`(document.querySelector("#flash-alert-announcer") || {}).textContent === `+string(quoted),
		chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Fatalf("after a full load showing %q: #flash-alert-announcer %q, want the message", want,
			b.eval(`(document.querySelector("#flash-alert-announcer") || {textContent: "(missing)"}).textContent`))
	}
	if got := b.eval(`(() => { const a = document.querySelector("#flash-alert-announcer");
		return a.getAttribute("aria-live") + " " + (a.closest("#main") === null) + " " + document.querySelector("#flash-announcer").textContent })()`); got != "assertive true " {
		t.Errorf("alert announcer: aria-live, outside #main, status announcer %q, want %q", got, "assertive true ")
	}
	b.do(chromedp.Click(chromedp.CSS(`.flash-error [data-dismiss]`)))
	b.poll(`document.querySelector("#flash-alert-announcer").textContent === ""`)

	// A fragment htmx swaps in that brings an error: its flash is a
	// role=alert inserted into the page, which says it, and the announcer
	// stays quiet. (The refusal is set again by a plain POST; the fragment
	// is the flash of the team's page, swapped into an element of this one.)
	b.eval(`window.__posted = ""; fetch("/teams/payments/members/admin/remove", {method: "POST", redirect: "manual",
		headers: {"X-CSRF-Token": document.querySelector('meta[name="csrf-token"]').content}}).
		then(res => { window.__posted = res.type + " " + res.status }, err => { window.__posted = String(err) }); ""`)
	b.poll(`window.__posted !== ""`)
	b.eval(`(() => { const d = document.createElement("div"); d.id = "fragment"; document.querySelector("#main").prepend(d);
		htmx.ajax("GET", "/teams/payments", {target: "#fragment", select: ".flash-error", swap: "innerHTML"}); return "" })()`)
	b.poll(`document.querySelector("#fragment .flash-error") !== null`)
	time.Sleep(500 * time.Millisecond) // longer than the announcers' delay
	if got := b.eval(`document.querySelector("#fragment .flash-error").getAttribute("role") + " [" + document.querySelector("#flash-alert-announcer").textContent + "]"`); got != "alert []" {
		t.Errorf("after a fragment bringing an error: flash role and announcer %q, want %q", got, "alert []")
	}
	b.checkClean()
}
