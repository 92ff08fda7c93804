package e2e

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
)

// smallPathsJS lists the paths of the docs (the sidebar's and the
// operations') whose text is drawn smaller than 12 px.
const smallPathsJS = `(() => {
	const bad = [];
	for (const e of document.querySelectorAll('[data-testid="sidebar-op"] .mono, [data-testid="operation-path"]')) {
		if (!e.checkVisibility()) continue;
		const size = parseFloat(getComputedStyle(e).fontSize);
		if (size < 12) bad.push(e.textContent.trim() + ': ' + size + ' px');
	}
	return JSON.stringify(bad);
})()`

// TestDocsPathsReadable: on phones (360 and 414 px) and on a desktop, the
// paths of the docs' operations, in the sidebar and in the operations
// themselves, are drawn at 12 px or more.
func TestDocsPathsReadable(t *testing.T) {
	p := startPortal(t)
	p.publish(t, "commerce", "nexmo-sms", "SMS API", "nexmo.com__sms__1.0.11.yaml")
	b := newBrowser(t)
	b.login(p, "dev")
	for _, width := range []int64{360, 414, 1280} {
		b.screen(width, 800)
		b.visit(p.url + "/apis/nexmo-sms/versions/1.0.0")
		if !b.visible(`[data-testid="sidebar-op"] .mono`) {
			t.Fatalf("at %d px: no path in the docs' sidebar", width)
		}
		var bad []string
		if err := json.Unmarshal([]byte(b.eval(smallPathsJS)), &bad); err != nil {
			t.Fatal(err)
		}
		for _, s := range bad {
			t.Errorf("at %d px: path %s, want 12 px or more", width, s)
		}
	}
	b.checkClean()
}

// coveredJS says what the user sees at the middle of the part of the box
// of the element over that the box of the element under overlaps: "" when
// it is over (or something in it), else what covers it, or "no overlap".
const coveredJS = `((over, under) => {
	const a = document.querySelector(over).getBoundingClientRect();
	const b = document.querySelector(under).getBoundingClientRect();
	const left = Math.max(a.left, b.left), right = Math.min(a.right, b.right);
	const top = Math.max(a.top, b.top, 0), bottom = Math.min(a.bottom, b.bottom, innerHeight);
	if (right - left < 4 || bottom - top < 4) return 'no overlap';
	const e = document.elementFromPoint((left + right) / 2, (top + bottom) / 2);
	if (e && document.querySelector(over).contains(e)) return '';
	return e ? e.tagName.toLowerCase() + '.' + String(e.className).split(' ')[0] + ' "' + e.textContent.trim().slice(0, 30) + '"' : 'nothing';
})`

// TestVersionSwitcherStaysUnderTheTopBar: on phones the version
// switcher, left open, opens under the top bar and its Menu: scrolled up
// to the top bar, it passes under it, and the Menu opened over it shows
// whole.
func TestVersionSwitcherStaysUnderTheTopBar(t *testing.T) {
	p := startPortal(t)
	p.publish(t, "commerce", "nexmo-sms", "SMS API", "nexmo.com__sms__1.0.11.yaml")
	b := newBrowser(t)
	b.login(p, "admin")
	for _, width := range []int64{360, 414} {
		b.screen(width, 740)
		b.visit(p.url + "/apis/nexmo-sms/versions/1.0.0")
		b.do(chromedp.Click(chromedp.CSS(`[data-testid="version-switcher"] > summary`)))
		if !b.visible(`[data-testid="version-switcher"] .dropdown-menu`) {
			t.Fatalf("at %d px: the version switcher does not open", width)
		}
		// Scroll the open list halfway under the sticky top bar.
		b.eval(`(() => { const m = document.querySelector('[data-testid="version-switcher"] .dropdown-menu').getBoundingClientRect();
			const bar = document.querySelector('.topbar').getBoundingClientRect();
			scrollBy(0, m.top - bar.bottom + Math.min(m.height, bar.height) / 2); return '' })()`)
		if got := b.eval(coveredJS + `('.topbar', '[data-testid="version-switcher"] .dropdown-menu')`); got != "" {
			t.Errorf("at %d px: scrolled under the top bar, the version list covers it: %s shows where the top bar is", width, got)
		}
		b.eval(`(scrollTo(0, 0), '')`)
		b.do(chromedp.Click(chromedp.CSS(`[data-testid="menu-button"]`)))
		if got := b.eval(coveredJS + `('.nav-menu-panel', '[data-testid="version-switcher"] .dropdown-menu')`); got != "" {
			t.Errorf("at %d px: the open Menu is covered by the version list: %s shows where the Menu is", width, got)
		}
	}
	b.checkClean()
}

// fadesJS describes, for each box sel selects that scrolls sideways, the
// hint that it does: the widths in px of the fades at its left and right
// edges, and the controls its right edge cuts.
func fadesJS(sel string) string {
	return `JSON.stringify([...document.querySelectorAll(` + strconv.Quote(sel) + `)].filter(w => w.checkVisibility()).map(w => {
	const s = getComputedStyle(w), r = w.getBoundingClientRect();
	const cut = [...w.querySelectorAll('a, button, input, select, summary')].filter(c => {
		const cr = c.getBoundingClientRect();
		return c.checkVisibility() && cr.left < r.right - 1 && cr.right > r.right + 1;
	}).map(c => c.textContent.trim().slice(0, 30));
	return {scrolls: w.scrollWidth > w.clientWidth + 1, left: parseFloat(s.getPropertyValue('--scroll-fade-left')) || 0,
		right: parseFloat(s.getPropertyValue('--scroll-fade-right')) || 0, mask: s.maskImage, cut: cut};
}))`
}

type tableFade struct {
	Scrolls     bool
	Left, Right float64
	Mask        string
	Cut         []string
}

// frames waits for the browser to draw two frames, in which a scroll
// timeline follows a scroll.
func (b *browser) frames() {
	b.t.Helper()
	b.eval(`(window.__frames = 0, requestAnimationFrame(() => requestAnimationFrame(() => window.__frames = 2)), '')`)
	b.poll(`window.__frames === 2`)
}

func (b *browser) tableFades() []tableFade {
	b.t.Helper()
	return b.fades(".table-wrap")
}

func (b *browser) fades(sel string) []tableFade {
	b.t.Helper()
	var out []tableFade
	if err := json.Unmarshal([]byte(b.eval(fadesJS(sel))), &out); err != nil {
		b.t.Fatal(err)
	}
	return out
}

// TestScrollingTablesShowTheyScroll: on phones a table wider than the
// screen scrolls in its box, and the box shows it: its right edge fades
// out while the table goes on to the right (so a button cut there reads
// as going on), its left edge while the table goes on to the left, and
// neither once scrolled to that end. A table that fits is not faded.
func TestScrollingTablesShowTheyScroll(t *testing.T) {
	p, subID := tablesPortal(t)
	b := newBrowser(t)
	b.login(p, "admin")
	pages := []string{"/teams/commerce", "/reviews", "/apps", "/audit", "/users", "/apis/nexmo-sms",
		"/apis/nexmo-sms/subscribers", fmt.Sprintf("/subscriptions/%d/keys", subID), "/gateway", "/apps/storefront"}
	const minFade = 16
	cutSeen := false
	for _, width := range []int64{360, 414} {
		b.screen(width, 800)
		for _, path := range pages {
			b.visit(p.url + path)
			start := b.tableFades()
			if len(start) == 0 {
				t.Errorf("%s: no table", path)
			}
			for i, f := range start {
				if !f.Scrolls {
					continue
				}
				if len(f.Cut) > 0 {
					cutSeen = true
				}
				if f.Right < minFade || f.Left != 0 {
					t.Errorf("%s at %d px, table %d scrolled to its start: fades left %v px, right %v px (cutting %q), want none left and %d px or more right",
						path, width, i+1, f.Left, f.Right, f.Cut, minFade)
				}
				// Scrolled to its end, the fades swap sides.
				js := fmt.Sprintf(`(() => { const w = [...document.querySelectorAll('.table-wrap')].filter(w => w.checkVisibility())[%d]; w.scrollLeft = w.scrollWidth; return '' })()`, i)
				b.eval(js)
				b.frames()
				end := b.tableFades()[i]
				if end.Right != 0 || end.Left < minFade {
					t.Errorf("%s at %d px, table %d scrolled to its end: fades left %v px, right %v px, want %d px or more left and none right",
						path, width, i+1, end.Left, end.Right, minFade)
				}
			}
		}
	}
	if !cutSeen {
		t.Error("no page had a control cut at a table's edge: the pages no longer test what they were chosen for")
	}
	b.screen(1280, 900)
	b.visit(p.url + "/users")
	for i, f := range b.tableFades() {
		if f.Scrolls || f.Mask != "none" {
			t.Errorf("/users at 1280 px, table %d: scrolls %v, mask %s; want a table that fits, not faded", i+1, f.Scrolls, f.Mask)
		}
	}
	b.checkClean()
}

// squeezedFieldsJS lists the fields in tables whose box is too narrow
// for the text they show: a select's chosen option, a text field's
// placeholder.
const squeezedFieldsJS = `(() => {
	const bad = [];
	const ctx = document.createElement('canvas').getContext('2d');
	for (const f of document.querySelectorAll('.table select, .table input[type=text]')) {
		if (!f.checkVisibility()) continue;
		const s = getComputedStyle(f);
		const text = f.tagName === 'SELECT' ? f.options[f.selectedIndex].text : f.placeholder;
		ctx.font = s.font;
		const need = ctx.measureText(text).width;
		const room = f.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
		if (room < need) bad.push(f.name + ' "' + text + '": ' + Math.round(room) + ' px for ' + Math.round(need) + ' px of text');
	}
	return JSON.stringify(bad);
})()`

// TestTableFieldsShowTheirText: on phones, where tables scroll sideways,
// the fields in a table (a member's role, the reason for revoking a
// subscription) keep room for what they show rather than being squeezed
// to their padding; on a desktop too.
func TestTableFieldsShowTheirText(t *testing.T) {
	p, _ := tablesPortal(t)
	b := newBrowser(t)
	b.login(p, "admin")
	for _, width := range []int64{360, 414, 1280} {
		b.screen(width, 800)
		for _, c := range []struct{ path, field string }{
			{"/teams/commerce", `.table select[name="role"]`},
			{"/apis/nexmo-sms/subscribers", `.table input[name="reason"]`},
		} {
			b.visit(p.url + c.path)
			if !b.visible(c.field) {
				t.Errorf("%s at %d px: no %s", c.path, width, c.field)
				continue
			}
			var bad []string
			if err := json.Unmarshal([]byte(b.eval(squeezedFieldsJS)), &bad); err != nil {
				t.Fatal(err)
			}
			for _, s := range bad {
				t.Errorf("%s at %d px: field %s", c.path, width, s)
			}
		}
	}
	b.checkClean()
}

// TestScrollingTabsShowTheyScroll: on phones the row of an API's tabs,
// wider than the screen, scrolls sideways in its box, and the box shows
// it as a table's does: its right edge fades out while tabs follow to the
// right, its left edge once scrolled.
func TestScrollingTabsShowTheyScroll(t *testing.T) {
	p, _ := tablesPortal(t)
	b := newBrowser(t)
	b.login(p, "admin")
	const minFade = 16
	for _, width := range []int64{360, 414} {
		b.screen(width, 800)
		b.visit(p.url + "/apis/nexmo-sms")
		start := b.fades(".tabs")
		if len(start) != 1 || !start[0].Scrolls {
			t.Fatalf("/apis/nexmo-sms at %d px: tabs %+v, want one row that scrolls", width, start)
		}
		if f := start[0]; f.Right < minFade || f.Left != 0 {
			t.Errorf("/apis/nexmo-sms at %d px, tabs at their start: fades left %v px, right %v px (cutting %q), want none left and %d px or more right",
				width, f.Left, f.Right, f.Cut, minFade)
		}
		b.eval(`(document.querySelector('.tabs').scrollLeft = 1e6, '')`)
		b.frames()
		if f := b.fades(".tabs")[0]; f.Right != 0 || f.Left < minFade {
			t.Errorf("/apis/nexmo-sms at %d px, tabs scrolled to their end: fades left %v px, right %v px, want %d px or more left and none right",
				width, f.Left, f.Right, minFade)
		}
	}
	b.checkClean()
}

// TestMonospaceTextReadable: on a phone, code-like text (.mono: versions,
// paths, names, content types) on a version's page, its sections and the
// version switcher opened, is drawn at 12 px or more, in small buttons
// and badges too.
func TestMonospaceTextReadable(t *testing.T) {
	p := startPortal(t)
	p.publish(t, "commerce", "nexmo-sms", "SMS API", "nexmo.com__sms__1.0.11.yaml")
	b := newBrowser(t)
	b.login(p, "admin")
	b.screen(360, 800)
	b.visit(p.url + "/apis/nexmo-sms/versions/1.0.0")
	got := b.eval(`(() => {
		document.querySelectorAll('#main details').forEach(d => d.open = true);
		const bad = new Set();
		let n = 0;
		for (const e of document.querySelectorAll('#main .mono')) {
			if (!e.checkVisibility() || !e.textContent.trim()) continue;
			n++;
			const size = parseFloat(getComputedStyle(e).fontSize);
			if (size < 12) bad.add(e.textContent.trim().slice(0, 30) + ' in ' + e.parentElement.tagName.toLowerCase() + '.' + String(e.parentElement.className).split(' ')[0] + ': ' + size + ' px');
		}
		return n + ' ' + JSON.stringify([...bad]);
	})()`)
	var n int
	var rest string
	if _, err := fmt.Sscanf(got, "%d %s", &n, &rest); err != nil || n < 10 {
		t.Fatalf("measured %q: want ten code-like texts or more", got)
	}
	var bad []string
	if err := json.Unmarshal([]byte(got[len(strconv.Itoa(n))+1:]), &bad); err != nil {
		t.Fatal(err)
	}
	for _, s := range bad {
		t.Errorf("at 360 px: %s, want 12 px or more", s)
	}
	b.checkClean()
}

// TestMethodBadgesReadable: on a phone, the HTTP method badges (GET, POST)
// of a version's operations and of its docs' sidebar are drawn at 12 px or
// more, their text not cut, and they keep one width, so the paths after
// them line up.
func TestMethodBadgesReadable(t *testing.T) {
	p := startPortal(t)
	p.publish(t, "commerce", "nexmo-sms", "SMS API", "nexmo.com__sms__1.0.11.yaml")
	b := newBrowser(t)
	b.login(p, "admin")
	b.screen(360, 800)
	b.visit(p.url + "/apis/nexmo-sms/versions/1.0.0")
	got := b.eval(`(() => {
		document.querySelectorAll('#main details').forEach(d => d.open = true);
		const bad = [], widths = new Set();
		let n = 0;
		for (const e of document.querySelectorAll('#main .method')) {
			if (!e.checkVisibility()) continue;
			n++;
			const size = parseFloat(getComputedStyle(e).fontSize);
			if (size < 12) bad.push(e.textContent.trim() + ': ' + size + ' px');
			if (e.scrollWidth > e.clientWidth) bad.push(e.textContent.trim() + ': text ' + e.scrollWidth + ' px wide in ' + e.clientWidth + ' px');
			widths.add(Math.round(e.getBoundingClientRect().width));
		}
		if (widths.size > 1) bad.push('widths ' + [...widths].join(', ') + ' px');
		return n + ' ' + JSON.stringify(bad);
	})()`)
	var n int
	if _, err := fmt.Sscanf(got, "%d", &n); err != nil || n < 2 {
		t.Fatalf("measured %q: want two method badges or more", got)
	}
	var bad []string
	if err := json.Unmarshal([]byte(got[len(strconv.Itoa(n))+1:]), &bad); err != nil {
		t.Fatal(err)
	}
	for _, s := range bad {
		t.Errorf("at 360 px: %s, want 12 px or more, the text whole, one width", s)
	}
	if w := b.eval(`String(document.documentElement.scrollWidth - innerWidth)`); w != "0" {
		t.Errorf("at 360 px the page is %s px wider than the screen", w)
	}
	b.checkClean()
}

// focusedFadeJS focuses the last control of the first box sel selects
// that scrolls sideways, as a keyboard would reach it, and describes the
// box then: its mask, and how far into the fade at its right edge (2.5rem)
// the control's right side lies, in px.
func focusedFadeJS(sel string) string {
	return `(() => {
	const w = [...document.querySelectorAll(` + strconv.Quote(sel) + `)].find(w => w.checkVisibility() && w.scrollWidth > w.clientWidth + 1);
	if (!w) return 'no box that scrolls';
	const cs = [...w.querySelectorAll('a[href], button, input, select, summary')].filter(c => c.checkVisibility());
	const c = cs[cs.length - 1];
	c.focus({focusVisible: true});
	const r = w.getBoundingClientRect(), cr = c.getBoundingClientRect();
	return JSON.stringify({control: c.textContent.trim().slice(0, 30) || c.name, mask: getComputedStyle(w).maskImage,
		into: Math.max(0, Math.round(cr.right - (r.right - 40)))});
})()`
}

// TestFocusedControlNotFaded: on phones, a control of a table or of a row
// of tabs that scrolls sideways, once focused, is not drawn under the fade
// that shows the box goes on: the box drops its fade while a control in it
// has focus, so the control and its focus ring show whole, and fades
// again when the focus leaves.
func TestFocusedControlNotFaded(t *testing.T) {
	p, _ := tablesPortal(t)
	b := newBrowser(t)
	b.login(p, "admin")
	for _, width := range []int64{360, 414} {
		b.screen(width, 800)
		for _, c := range []struct{ path, sel string }{
			{"/teams/commerce", ".table-wrap"},
			{"/apis/nexmo-sms/subscribers", ".table-wrap"},
			{"/apis/nexmo-sms", ".tabs"},
		} {
			b.visit(p.url + c.path)
			b.frames()
			got := b.eval(focusedFadeJS(c.sel))
			var f struct {
				Control string
				Mask    string
				Into    int
			}
			if err := json.Unmarshal([]byte(got), &f); err != nil {
				t.Fatalf("%s at %d px: %s", c.path, width, got)
			}
			b.frames()
			// The mask once the box has drawn the focus.
			f.Mask = b.eval(`getComputedStyle(document.activeElement.closest(` + strconv.Quote(c.sel) + `)).maskImage`)
			if f.Mask != "none" {
				t.Errorf("%s at %d px: %q focused in a %s that scrolls, %d px into its right fade: mask %s, want none while a control in it has focus",
					c.path, width, f.Control, c.sel, f.Into, f.Mask)
			}
			b.eval(`(document.activeElement.blur(), '')`)
			b.frames()
			if got := b.fades(c.sel); len(got) == 0 || !got[0].Scrolls || got[0].Right == 0 && got[0].Left == 0 {
				t.Errorf("%s at %d px: after the focus left, the %s shows no fade: %+v", c.path, width, c.sel, got)
			}
		}
	}
	b.checkClean()
}

// everyMethodSpec has one operation of each HTTP method, OPTIONS and
// DELETE, the longest names, among them.
const everyMethodSpec = `openapi: 3.0.3
info: {title: Methods, version: 1.0.0}
paths:
  /things:
    get: {operationId: getThings, responses: {"200": {description: ok}}}
    put: {operationId: putThings, responses: {"200": {description: ok}}}
    post: {operationId: postThings, responses: {"200": {description: ok}}}
    delete: {operationId: deleteThings, responses: {"200": {description: ok}}}
    options: {operationId: optionsThings, responses: {"200": {description: ok}}}
    head: {operationId: headThings, responses: {"200": {description: ok}}}
    patch: {operationId: patchThings, responses: {"200": {description: ok}}}
    trace: {operationId: traceThings, responses: {"200": {description: ok}}}
`

// TestMethodBadgesFitTheLongestMethod: at phone and desktop widths every
// method badge of a version's page, OPTIONS and DELETE included, has the
// same width to the fraction of a pixel, and its text fits inside its
// padding: the column of badges is as wide as the longest method needs.
func TestMethodBadgesFitTheLongestMethod(t *testing.T) {
	p := startPortal(t)
	p.publishData(t, "commerce", "methods", "Methods", []byte(everyMethodSpec))
	b := newBrowser(t)
	b.login(p, "admin")
	for _, width := range []int64{360, 414, 1280} {
		b.screen(width, 800)
		b.visit(p.url + "/apis/methods/versions/1.0.0")
		got := b.eval(`(() => {
			document.querySelectorAll('#main details').forEach(d => d.open = true);
			const out = {methods: [], widths: [], bad: []};
			for (const e of document.querySelectorAll('#main .method')) {
				if (!e.checkVisibility()) continue;
				const s = getComputedStyle(e), box = e.getBoundingClientRect();
				const range = document.createRange();
				range.selectNodeContents(e);
				const text = range.getBoundingClientRect().width;
				const room = box.width - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
				out.methods.push(e.textContent.trim());
				if (!out.widths.includes(box.width)) out.widths.push(box.width);
				if (text > room + 0.01) out.bad.push(e.textContent.trim() + ': text ' + text + ' px in ' + room + ' px between the paddings');
			}
			return JSON.stringify(out);
		})()`)
		var m struct {
			Methods []string
			Widths  []float64
			Bad     []string
		}
		if err := json.Unmarshal([]byte(got), &m); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"OPTIONS", "DELETE", "GET"} {
			if !slices.Contains(m.Methods, want) {
				t.Fatalf("at %d px: badges %v, want %s among them", width, m.Methods, want)
			}
		}
		if len(m.Widths) != 1 {
			t.Errorf("at %d px: method badges %v px wide, want one width", width, m.Widths)
		}
		for _, s := range m.Bad {
			t.Errorf("at %d px: %s", width, s)
		}
	}
	b.checkClean()
}
