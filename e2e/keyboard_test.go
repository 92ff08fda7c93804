package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// tab presses Tab and returns a description of the element that has the
// focus then.
func (b *browser) tab() string {
	b.t.Helper()
	b.do(chromedp.KeyEvent("\t"))
	return b.eval(`(() => { const e = document.activeElement; return e ? e.tagName.toLowerCase() + ' "' + (e.textContent || '').trim().slice(0, 30) + '"' : 'nothing' })()`)
}

// TestSkipLinkLeadsToTheContent: the first Tab on a page reaches a visible
// "Skip to main content" link, and Enter on it takes the keyboard past the
// top bar: the next Tab lands in the page's content, on a phone and on a
// desktop.
func TestSkipLinkLeadsToTheContent(t *testing.T) {
	p := startPortal(t)
	p.publish(t, "commerce", "nexmo-sms", "SMS API", "nexmo.com__sms__1.0.11.yaml")
	b := newBrowser(t)
	b.login(p, "admin")
	for _, width := range []int64{375, 1280} {
		b.screen(width, 800)
		for _, path := range []string{"/apis/nexmo-sms", "/audit"} {
			b.visit(p.url + path)
			got := b.tab()
			if !strings.Contains(got, "Skip to main content") {
				t.Errorf("%s at %d px: the first Tab reaches %s, want the skip link", path, width, got)
				continue
			}
			if v := b.eval(`(() => { const r = document.activeElement.getBoundingClientRect(); return String(r.width > 20 && r.height > 20 && r.top >= 0 && r.bottom <= innerHeight) })()`); v != "true" {
				t.Errorf("%s at %d px: the focused skip link is not visible on the screen", path, width)
			}
			b.do(chromedp.KeyEvent("\r"))
			next := b.tab()
			if in := b.eval(`String(document.querySelector("#main").contains(document.activeElement))`); in != "true" {
				t.Errorf("%s at %d px: after Enter on the skip link, Tab reaches %s, outside the main content", path, width, next)
			}
		}
	}
	b.checkClean()
}
