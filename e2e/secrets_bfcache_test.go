package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestSecretPageNotRestoredByBack: a page that shows a secret once (a new
// personal access token) left by a full navigation (an address typed, a
// bookmark) does not come back with the secret on Back, from the
// browser's back/forward cache or from htmx's history cache.
func TestSecretPageNotRestoredByBack(t *testing.T) {
	p := startPortal(t)
	b := newBrowser(t)
	b.login(p, "admin")
	b.do(
		chromedp.Navigate(p.url+"/profile"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="token-form"]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="token-form"] input[name="name"]`), "laptop"),
		chromedp.Click(chromedp.CSS(`[data-testid="token-form"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="new-token"]`)),
	)
	tok := strings.TrimSpace(b.text(`[data-testid="new-token"] code`))
	if !strings.HasPrefix(tok, "pat_") {
		t.Fatalf("token page: %.8q…", tok)
	}
	t.Logf("the token page's address: %s", b.eval(`location.pathname`))
	b.eval(`window.__left = "yes"; ""`) // still there on Back only if the browser kept the page
	b.do(
		chromedp.Navigate(p.url+"/rules"),
		chromedp.WaitReady(chromedp.CSS(`body`)),
	)
	if err := chromedp.Do(b.ctx, chromedp.NavigateBack(), chromedp.WaitReady(chromedp.CSS(`body`))); err != nil {
		t.Logf("Back: %v", err)
	}
	b.poll(`location.pathname !== "/rules"`)
	t.Logf("back at %s; the page kept by the back/forward cache: %s", b.eval(`location.pathname`), b.eval(`String(window.__left === "yes")`))
	if html := b.eval(`document.documentElement.outerHTML`); strings.Contains(html, tok) {
		t.Fatal("Back shows the token again")
	}
}
