package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// pollFor waits up to d for a JavaScript expression to be true, failing
// with what (a shorter wait than the browser's own, for a test whose
// failure is a thing that never appears).
func (b *browser) pollFor(d time.Duration, js, what string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, d)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js)); err != nil {
		b.t.Fatalf("%s: %v (page: %q)", what, err, b.eval(`document.querySelector("#main") ? document.querySelector("#main").innerText.slice(0, 300) : document.body.innerText.slice(0, 300)`))
	}
}

// TestFacetFilterErrorIsShown types a filter past the box's 200 characters
// in a facet page: the portal refuses it (400), and the browser shows that
// page's message in place of the page's content, under the one top bar,
// with the focus on its heading. Before, the answer's list (hx-select
// #facet-values) was empty, so the list vanished and nothing said why.
func TestFacetFilterErrorIsShown(t *testing.T) {
	p := startPortal(t)
	p.publish(t, "commerce", "nexmo-sms", "SMS API", "nexmo.com__sms__1.0.11.yaml")
	b := newBrowser(t)
	b.login(p, "dev")
	b.do(
		chromedp.Navigate(p.url+"/catalog/facets/team"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="facet-find-input"]`)),
	)
	b.eval(`(function () {
		var box = document.querySelector('[data-testid="facet-find-input"]');
		box.focus();
		box.value = "x".repeat(201);
		box.dispatchEvent(new Event("input", { bubbles: true }));
		return "";
	})()`)
	b.pollFor(15*time.Second, `!!document.querySelector('#main [data-testid="error-page"]')`, "the error page never showed")
	if got := b.text(`#main [data-testid="error-page"]`); !strings.Contains(got, "This list cannot be shown") {
		t.Errorf("error shown = %q", got)
	}
	if n := b.eval(`String(document.querySelectorAll(".topbar").length + " " + document.querySelectorAll("#main").length)`); n != "1 1" {
		t.Errorf("top bars and #main: %s, want 1 1", n)
	}
	b.pollFor(5*time.Second, `document.activeElement && document.activeElement.matches("#main h1")`, "the focus is not on the error's heading")
	b.checkClean()
}
