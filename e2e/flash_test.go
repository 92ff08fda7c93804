package e2e

import (
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
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="remove-member"]`)),
	)
	// The success flash of the addition stays until dismissed.
	time.Sleep(7 * time.Second) // longer than a success flash used to stay (6 s)
	if got := b.flashes(); len(got) != 1 || !strings.Contains(got[0], "admin") {
		t.Fatalf("7 s after adding a member: flashes %q, want the message still shown", got)
	}
	b.do(chromedp.Click(chromedp.CSS(`[data-testid="flash"] [data-dismiss]`)))
	b.poll(`document.querySelectorAll('[data-testid="flash"]').length === 0`)

	b.do(
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
