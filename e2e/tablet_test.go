package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/subscriptions"
)

// screen makes the tab a screen of width × height CSS pixels, a phone's
// (mobile) below 500 px.
func (b *browser) screen(width, height int64) {
	b.t.Helper()
	params := emulation.SetDeviceMetricsOverrideParams{Width: width, Height: height, DeviceScaleFactor: 1, Mobile: width < 500}
	if _, err := chromedp.Call(b.ctx, emulation.SetDeviceMetricsOverride, params); err != nil {
		b.t.Fatalf("%d × %d screen: %v", width, height, err)
	}
}

// brokenWordsJS lists the words of the tables' cells that the browser
// breaks in the middle (a word whose letters sit on more than one line),
// apart from those that break where a line may break anyway (a hyphen, a
// slash, a dot, an underscore).
const brokenWordsJS = `(() => {
	const bad = [];
	for (const cell of document.querySelectorAll('.table td, .table th')) {
		if (!cell.checkVisibility()) continue;
		const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
		for (let n; (n = walker.nextNode()); ) {
			const re = /\S+/g;
			for (let m; (m = re.exec(n.textContent)); ) {
				if (m[0].length < 2 || /[-\/_.]/.test(m[0].slice(1, -1))) continue;
				const r = document.createRange();
				r.setStart(n, m.index);
				r.setEnd(n, m.index + m[0].length);
				if (new Set([...r.getClientRects()].map(x => Math.round(x.top))).size > 1) bad.push(m[0]);
			}
		}
	}
	return JSON.stringify([...new Set(bad)]);
})()`

// tablesPortal is a portal with something in each table: two teams, an API
// with a plan, an app subscribed to it, a version waiting for review, and
// the audit log of all that.
func tablesPortal(t *testing.T) (*portal, int64) {
	t.Helper()
	p := startPortal(t)
	ctx := context.Background()
	p.publish(t, "commerce", "nexmo-sms", "SMS API", "nexmo.com__sms__1.0.11.yaml")
	p.member(t, "farid", "platform", policy.RoleDeveloper)
	team, err := p.store.TeamBySlug(ctx, "commerce")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.store.SetTeamMember(ctx, p.store.DB(), team.ID, p.admin.ID, policy.RoleOwner); err != nil {
		t.Fatal(err)
	}
	pol, err := policy.New(ctx, p.store)
	if err != nil {
		t.Fatal(err)
	}
	subs := subscriptions.New(p.store, pol, p.life, subscriptions.Options{})
	a, err := p.store.APIBySlug(ctx, "nexmo-sms")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := subs.CreatePlan(ctx, p.admin, a, subscriptions.PlanInput{Slug: "starter", Name: "Starter", RatePerMinute: "600", Approval: subscriptions.ApprovalAuto, Open: true}); err != nil {
		t.Fatal(err)
	}
	sub, err := subs.SubscribeNewApp(ctx, p.admin, team, subscriptions.AppInput{Slug: "storefront", Name: "Storefront"},
		subscriptions.SubscribeInput{API: "nexmo-sms", Plan: "starter", Major: "1", Purpose: "Checkout of the web shop."})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := subs.IssueKey(ctx, p.admin, sub, subscriptions.KeyInput{Name: "production"}); err != nil {
		t.Fatal(err)
	}
	spec, err := os.ReadFile(filepath.Join("..", "samples", "openapi", "nexmo.com__sms__1.0.11.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := p.life.CreateVersion(ctx, p.admin, a, "1.1.0", spec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.life.Submit(ctx, p.admin, a, v, "A new minor version."); err != nil {
		t.Fatal(err)
	}
	if err := p.store.CreateGatewayNode(ctx, p.store.DB(), &store.GatewayNode{Name: "edge-frankfurt", TokenHash: fmt.Sprintf("%064x", 1), TokenPrefix: "pgn_abcdef"}); err != nil {
		t.Fatal(err)
	}
	return p, sub.ID
}

// TestTablesKeepWordsWhole: on a phone (375 px), a tablet (768 px) and a
// desktop (1280 px), the tables of the main pages keep each word of a name
// on one line: a table wider than the screen scrolls in its own box rather
// than squeezing a column to a letter or two a line.
func TestTablesKeepWordsWhole(t *testing.T) {
	p, subID := tablesPortal(t)
	b := newBrowser(t)
	b.login(p, "admin")
	pages := []string{"/reviews", "/apps", "/audit", "/users", "/teams/commerce", "/apis/nexmo-sms",
		"/apis/nexmo-sms/subscribers", fmt.Sprintf("/subscriptions/%d/keys", subID), "/gateway"}
	for _, width := range []int64{375, 768, 1280} {
		b.screen(width, 900)
		for _, path := range pages {
			b.visit(p.url + path)
			if b.eval(`String(document.querySelectorAll('.table td').length > 0)`) != "true" {
				t.Errorf("%s: no table to check", path)
				continue
			}
			var broken []string
			if err := json.Unmarshal([]byte(b.eval(brokenWordsJS)), &broken); err != nil {
				t.Fatal(err)
			}
			if len(broken) > 0 {
				t.Errorf("%s at %d px: words broken across lines in a table: %q", path, width, broken)
			}
			b.noWiderThanScreen(path)
		}
	}
	b.checkClean()
}

// navJS lists the top bar's links that a user cannot see in full: outside
// the screen, or outside a box that clips them (the navigation scrolled
// sideways), counting the 4 px of the focus ring around each.
const navJS = `(() => {
	const bad = [];
	for (const a of document.querySelectorAll('.topbar a, .topbar button, .topbar summary')) {
		if (!a.checkVisibility()) continue;
		const r = a.getBoundingClientRect();
		const name = a.textContent.trim().replace(/\s+/g, ' ');
		if (r.left < 0 || r.right > innerWidth) { bad.push(name + ': outside the screen'); continue; }
		for (let p = a.parentElement; p && p !== document.body; p = p.parentElement) {
			const s = getComputedStyle(p);
			if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
			const pr = p.getBoundingClientRect();
			if (r.left - 4 < pr.left || r.right + 4 > pr.right || r.top - 4 < pr.top || r.bottom + 4 > pr.bottom) {
				bad.push(name + ': cut by ' + p.tagName.toLowerCase() + '.' + p.className.split(' ')[0] + ' (' + Math.round(r.left) + '–' + Math.round(r.right) + ' in ' + Math.round(pr.left) + '–' + Math.round(pr.right) + ')');
			}
			break;
		}
	}
	return JSON.stringify(bad);
})()`

// TestTopBarShowsEveryLink: an admin, who has the most links, sees each of
// them whole on a tablet and on desktops, either in the open Menu or
// inline in the top bar: none is hidden in a navigation scrolled sideways
// without a scroll bar, and no focus ring is cut.
func TestTopBarShowsEveryLink(t *testing.T) {
	p := startPortal(t)
	ctx := context.Background()
	for range 12 {
		if err := p.store.Notify(ctx, p.store.DB(), []int64{p.admin.ID}, "test", "A notification.", "/", store.Now()); err != nil {
			t.Fatal(err)
		}
	}
	b := newBrowser(t)
	b.login(p, "admin")
	for _, width := range []int64{768, 1024, 1280, 1440} {
		b.screen(width, 800)
		b.visit(p.url + "/audit")
		if b.visible(`[data-testid="menu-button"]`) {
			b.do(chromedp.Click(chromedp.CSS(`[data-testid="menu-button"]`)))
		}
		for _, link := range []string{"/", "/catalog", "/teams", "/reviews", "/apps", "/subscriptions/requests", "/users", "/audit", "/gateway", "/notifications", "/profile"} {
			if !b.visible(`.topbar a[href="` + link + `"]`) {
				t.Errorf("at %d px: no link to %s in the top bar", width, link)
			}
		}
		var bad []string
		if err := json.Unmarshal([]byte(b.eval(navJS)), &bad); err != nil {
			t.Fatal(err)
		}
		for _, s := range bad {
			t.Errorf("at %d px: %s", width, s)
		}
	}
	b.checkClean()
}
