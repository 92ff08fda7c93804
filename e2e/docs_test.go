package e2e

import (
	"strconv"
	"testing"
)

// A link of the docs sidebar scrolls to its operation, below the sticky top
// bar, and unfolds it.
func TestDocsSidebarLinkScrollsToTheOperation(t *testing.T) {
	p := startPortal(t)
	p.publish(t, "payments", "stripe", "Stripe", "stripe.com__stripe__2018-05-21.yaml")
	b := newBrowser(t)
	b.login(p, "dev")
	b.visit(p.url + "/apis/stripe/versions/1.0.0")
	const link = `document.querySelectorAll('[data-testid="sidebar-op"]')[60]`
	id := b.eval(link + `.getAttribute("href").slice(1)`)
	if id == "" || b.eval(`String(window.scrollY)`) != "0" {
		t.Fatalf("sidebar link to %q, page scrolled to %s before the click", id, b.eval(`String(window.scrollY)`))
	}
	b.eval("(" + link + `.click(), "")`)
	target := `document.getElementById(` + strconv.Quote(id) + `)`
	b.poll(`location.hash === "#` + id + `" && ` + target + `.open && ` +
		target + `.getBoundingClientRect().top >= document.querySelector(".topbar").getBoundingClientRect().bottom && ` + target + `.getBoundingClientRect().top < window.innerHeight && window.scrollY > 500`)
	b.checkClean()
}
