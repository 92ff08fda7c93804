package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
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

// focusRingJS describes the focused element's ring: "none" when it has
// none, "cut by …" when a box that clips its content (one that scrolls)
// hides part of it around an element it shows whole, "" otherwise. A ring
// of box-shadows drawn inside the element (inset) reaches no further than
// it.
const focusRingJS = `(() => {
	const e = document.activeElement;
	if (!e || e === document.body) return '';
	const s = getComputedStyle(e);
	let ext;
	if (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) ext = parseFloat(s.outlineOffset) + parseFloat(s.outlineWidth);
	else if (s.boxShadow !== 'none') ext = s.boxShadow.split(/,(?![^(]*\))/).every(x => x.includes('inset')) ? 0 : 3;
	else return 'none';
	const r = e.getBoundingClientRect();
	for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
		const ps = getComputedStyle(p);
		if (ps.overflowX === 'visible' && ps.overflowY === 'visible') continue;
		const pr = p.getBoundingClientRect();
		// Partly scrolled out of its box: the box hides the element, not just its ring.
		if (r.left < pr.left - 0.5 || r.right > pr.right + 0.5 || r.top < pr.top - 0.5 || r.bottom > pr.bottom + 0.5) return '';
		if (r.left - ext < pr.left - 0.5 || r.right + ext > pr.right + 0.5 || r.top - ext < pr.top - 0.5 || r.bottom + ext > pr.bottom + 0.5) return 'cut by ' + p.tagName.toLowerCase() + '.' + String(p.className).split(' ')[0];
	}
	return '';
})()`

// TestFocusRingsShowWhole tabs through pages with tabs, tables, forms and
// the docs' sidebar on a phone and on a desktop: every element the keyboard reaches shows a
// focus ring, and no box that scrolls cuts it.
func TestFocusRingsShowWhole(t *testing.T) {
	p, _ := tablesPortal(t)
	b := newBrowser(t)
	b.login(p, "admin")
	for _, width := range []int64{375, 1280} {
		b.screen(width, 800)
		for _, path := range []string{"/apis/nexmo-sms", "/apis/nexmo-sms/versions/1.0.0", "/reviews", "/teams/commerce", "/apps/storefront"} {
			b.visit(p.url + path)
			seen := map[string]bool{}
			for range 80 {
				got := b.tab()
				if seen[got] {
					break // round the page once
				}
				seen[got] = true
				if ring := b.eval(focusRingJS); ring != "" {
					t.Errorf("%s at %d px: %s: focus ring %s", path, width, got, ring)
				}
			}
		}
	}
	b.checkClean()
}

// TestEscapeClosesMenus: the Menu of a phone's top bar and the version
// switcher, opened from the keyboard, close with Escape, and the focus
// goes back to the button that opened them.
func TestEscapeClosesMenus(t *testing.T) {
	p := startPortal(t)
	p.publish(t, "commerce", "nexmo-sms", "SMS API", "nexmo.com__sms__1.0.11.yaml")
	b := newBrowser(t)
	b.login(p, "admin")
	cases := []struct {
		width      int64
		path, menu string
	}{
		{375, "/catalog", `[data-testid="nav-menu"]`},
		{1280, "/apis/nexmo-sms/versions/1.0.0", `[data-testid="version-switcher"]`},
	}
	for _, c := range cases {
		b.screen(c.width, 800)
		b.visit(p.url + c.path)
		b.eval(`document.querySelector(` + strconv.Quote(c.menu+" > summary") + `).focus(), ""`)
		b.do(chromedp.KeyEvent("\r"))
		if got := b.eval(`String(document.querySelector(` + strconv.Quote(c.menu) + `).open)`); got != "true" {
			t.Fatalf("%s at %d px: Enter on %s does not open it", c.path, c.width, c.menu)
		}
		inside := b.tab()
		b.do(chromedp.KeyEvent(kb.Escape))
		if got := b.eval(`String(document.querySelector(` + strconv.Quote(c.menu) + `).open)`); got != "false" {
			t.Errorf("%s at %d px: Escape, with the focus on %s inside it, leaves %s open", c.path, c.width, inside, c.menu)
		}
		if got := b.eval(`String(document.activeElement === document.querySelector(` + strconv.Quote(c.menu+" > summary") + `))`); got != "true" {
			t.Errorf("%s at %d px: after Escape the focus is on %s, not on the button of %s", c.path, c.width,
				b.eval(`document.activeElement.tagName + ' ' + document.activeElement.textContent.trim().slice(0, 30)`), c.menu)
		}
	}
	b.checkClean()
}

// TestReferenceShowsFocus tabs through the interactive reference (Scalar)
// on a phone and on a desktop: every control the keyboard reaches in it
// shows a focus ring, whole: its Download buttons, the links of the
// description's contact (in a row that scrolls) and the client libraries'
// buttons (in a row that clips) included, the latter Portico's ring.
func TestReferenceShowsFocus(t *testing.T) {
	p := startPortal(t)
	p.publish(t, "commerce", "nexmo-sms", "SMS API", "nexmo.com__sms__1.0.11.yaml")
	b := newBrowser(t)
	b.login(p, "dev")
	for _, width := range []int64{360, 1280} {
		b.screen(width, 800)
		b.visit(p.url + "/apis/nexmo-sms/versions/1.0.0/reference")
		b.poll(`document.querySelector("#api-reference").innerText.includes("Send an SMS")`)
		b.eval(`(document.querySelector('#api-reference').scrollIntoView(), document.activeElement.blur(), '')`)
		seen, downloads, contacts, clients := map[string]bool{}, 0, 0, 0
		for range 80 {
			got := b.tab()
			if b.eval(`String(document.querySelector('#api-reference').contains(document.activeElement))`) != "true" {
				continue
			}
			if seen[got] {
				break
			}
			seen[got] = true
			if strings.Contains(got, "Download") {
				downloads++
			}
			// The links of the description's contact: its email and URL.
			href := b.eval(`document.activeElement.getAttribute('href') || ''`)
			contact := href == "mailto:devrel@vonage.com" || href == "https://developer.nexmo.com/"
			if contact {
				contacts++
				got += " (" + href + ")"
			}
			// The buttons that choose the client library of the examples:
			// Scalar marks their focus with a 1 px line only; they show
			// Portico's ring, as every other control of the page.
			if b.eval(`String(document.activeElement.classList.contains('client-libraries'))`) == "true" {
				clients++
				if r := b.eval(`(s => s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor)(getComputedStyle(document.activeElement))`); r != "solid 2px rgb(79, 70, 229)" {
					t.Errorf("reference at %d px: %s: focus outline %s, want Portico's ring (solid 2px rgb(79, 70, 229))", width, got, r)
				}
			}
			ring := b.eval(focusRingJS)
			if ring == "none" {
				t.Errorf("reference at %d px: %s: no focus ring", width, got)
			} else if ring != "" {
				t.Errorf("reference at %d px: %s: focus ring %s", width, got, ring)
			}
		}
		if clients == 0 {
			t.Errorf("reference at %d px: the keyboard reached no button of the client libraries", width)
		}
		if downloads == 0 {
			t.Errorf("reference at %d px: the keyboard reached no Download button", width)
		}
		if contacts != 2 {
			t.Errorf("reference at %d px: the keyboard reached %d links of the contact, want its email and URL", width, contacts)
		}
	}
	b.checkClean("script-src eval")
}
