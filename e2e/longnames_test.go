package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/people"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/slug"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/subscriptions"
)

// unbroken is a word of n characters without a space or a hyphen, made of
// stem repeated.
func unbroken(stem string, n int) string {
	return strings.Repeat(stem, n/len(stem)+1)[:n]
}

// overflowJS lists, for the names in the page, what is wider than it may be:
// the page itself (wider than the screen), a name's text wider than the box
// that holds it (unless that box cuts it with an ellipsis and a title), and
// an element holding a name wider than its parent, up to a box that
// scrolls sideways: a table of many columns may scroll in its own box on a
// phone, as long as each name wraps in its cell.
const overflowJS = `(() => {
	const names = %s;
	const bad = [];
	const de = document.documentElement;
	const label = e => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '') + (e.dataset.testid ? '[' + e.dataset.testid + ']' : '');
	if (de.scrollWidth > de.clientWidth) {
		const out = [...document.body.querySelectorAll('*')].filter(e => e.checkVisibility() && e.getBoundingClientRect().right > de.clientWidth + 1 && ![...e.children].some(c => c.checkVisibility() && c.getBoundingClientRect().right > de.clientWidth + 1));
		bad.push('page: ' + de.scrollWidth + ' px wide in a ' + de.clientWidth + ' px window, past its edge: ' + out.slice(0, 3).map(e => label(e) + ' "' + e.textContent.trim().slice(0, 30) + '"').join(', '));
	}
	const cut = e => { for (; e && e !== document.body; e = e.parentElement) { const s = getComputedStyle(e); if (s.textOverflow === 'ellipsis' && s.overflowX === 'hidden' && e.title) return true; } return false; };
	const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	for (let n; (n = walker.nextNode()); ) {
		const name = names.find(nm => n.textContent.includes(nm.slice(0, 40)));
		if (!name) continue;
		const el = n.parentElement;
		if (!el.checkVisibility() || cut(el)) continue;
		let box = el;
		while (box !== document.body && getComputedStyle(box).display.startsWith('inline') && !getComputedStyle(box).display.includes('block')) box = box.parentElement;
		const r = document.createRange(); r.selectNodeContents(n);
		const tw = r.getBoundingClientRect().width, bw = box.getBoundingClientRect().width;
		if (tw > bw + 1) bad.push(name.slice(0, 12) + '…: text ' + Math.round(tw) + ' px in ' + label(box) + ' of ' + Math.round(bw) + ' px');
		for (let e = el; e.parentElement && e.parentElement !== document.body; e = e.parentElement) {
			const p = e.parentElement, ps = getComputedStyle(p);
			if (ps.overflowX === 'auto' || ps.overflowX === 'scroll') break;
			const ew = e.getBoundingClientRect().width, pw = p.getBoundingClientRect().width;
			if (ew > pw + 1) { bad.push(name.slice(0, 12) + '…: ' + label(e) + ' ' + Math.round(ew) + ' px in ' + label(p) + ' of ' + Math.round(pw) + ' px'); break; }
		}
	}
	return JSON.stringify([...new Set(bad)]);
})()`

// TestLongNamesFit: a team, an app, an API, a plan and a person with names
// (and slugs) of the longest length allowed and no place to break a line
// fit in the main pages at 1280 px and at 375 px: no page scrolls sideways
// and no name sticks out of its box. So do a key's and a gateway node's
// names, on the keys pages, the users' list, the reviews, the subscribe
// form and the gateway page.
func TestLongNamesFit(t *testing.T) {
	p := startPortal(t)
	ctx := context.Background()
	teamName, apiName := unbroken("Team", people.MaxTeamName), unbroken("Interface", lifecycle.MaxAPIName)
	appName, planName := unbroken("Application", subscriptions.MaxAppName), unbroken("Plan", subscriptions.MaxPlanName)
	displayName := unbroken("Person", people.MaxDisplayName)
	teamSlug, apiSlug, appSlug := unbroken("team", slug.MaxLength), unbroken("api", slug.MaxLength), unbroken("app", slug.MaxLength)

	team := &store.Team{Slug: teamSlug, Name: teamName}
	if err := p.store.CreateTeam(ctx, p.store.DB(), team); err != nil {
		t.Fatal(err)
	}
	if _, err := p.store.SetTeamMember(ctx, p.store.DB(), team.ID, p.admin.ID, policy.RoleOwner); err != nil {
		t.Fatal(err)
	}
	if _, err := p.store.DB().NewUpdate().Table("users").Set("display_name = ?", displayName).Where("id = ?", p.admin.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	p.publish(t, teamSlug, apiSlug, apiName, "nexmo.com__sms__1.0.11.yaml")
	pol, err := policy.New(ctx, p.store)
	if err != nil {
		t.Fatal(err)
	}
	subs := subscriptions.New(p.store, pol, p.life, subscriptions.Options{})
	a, err := p.store.APIBySlug(ctx, apiSlug)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := subs.CreatePlan(ctx, p.admin, a, subscriptions.PlanInput{Slug: "gold", Name: planName, RatePerMinute: "600", Approval: subscriptions.ApprovalAuto, Open: true}); err != nil {
		t.Fatal(err)
	}
	sub, err := subs.SubscribeNewApp(ctx, p.admin, team, subscriptions.AppInput{Slug: appSlug, Name: appName},
		subscriptions.SubscribeInput{API: apiSlug, Plan: "gold", Major: "1", Purpose: "Sends texts."})
	if err != nil {
		t.Fatal(err)
	}
	msg := fmt.Sprintf("The app %s (%s) subscribed to %s v1 on the plan %s.", store.Isolate(appName), store.Isolate(teamName), store.Isolate(apiName), store.Isolate(planName))
	if err := p.store.Notify(ctx, p.store.DB(), []int64{p.admin.ID}, "subscription.created", msg, "/apis/"+apiSlug+"/subscribers", store.Now()); err != nil {
		t.Fatal(err)
	}
	keyName, nodeName := unbroken("Key", subscriptions.MaxKeyName), unbroken("node", 64)
	if _, _, err := subs.IssueKey(ctx, p.admin, sub, subscriptions.KeyInput{Name: keyName}); err != nil {
		t.Fatal(err)
	}
	if err := p.store.CreateGatewayNode(ctx, p.store.DB(), &store.GatewayNode{Name: nodeName, TokenHash: strings.Repeat("ab", 32), TokenPrefix: "pgn_abcdef"}); err != nil {
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
	req, err := p.life.Submit(ctx, p.admin, a, v, "A new minor version.")
	if err != nil {
		t.Fatal(err)
	}
	names, _ := json.Marshal([]string{teamName, apiName, appName, planName, displayName, teamSlug, apiSlug, appSlug, keyName, nodeName})

	b := newBrowser(t)
	b.login(p, "admin")
	pages := []string{"/", "/catalog", "/catalog?q=interface", "/apis/" + apiSlug, "/apis/" + apiSlug + "/versions/1.0.0",
		"/apis/" + apiSlug + "/subscribers", "/teams", "/teams/" + teamSlug, "/apps", "/apps/" + appSlug,
		fmt.Sprintf("/subscriptions/%d/usage", sub.ID), "/audit", "/notifications", "/profile",
		"/users", "/reviews", fmt.Sprintf("/reviews/%d", req.ID), "/apis/" + apiSlug + "/subscribe",
		fmt.Sprintf("/subscriptions/%d/keys", sub.ID), "/gateway", "issued key"}
	// The pages added for the key's and the node's names must show them, or
	// the check below would pass for want of a name to check.
	shows := map[string]string{"/users": displayName, "/reviews": apiName, fmt.Sprintf("/reviews/%d", req.ID): apiName,
		"/apis/" + apiSlug + "/subscribe": apiName, fmt.Sprintf("/subscriptions/%d/keys", sub.ID): keyName,
		"/gateway": nodeName, "issued key": keyName}
	for _, width := range []int64{1280, 375} {
		params := emulation.SetDeviceMetricsOverrideParams{Width: width, Height: 900, DeviceScaleFactor: 1, Mobile: width < 500}
		if _, err := chromedp.Call(b.ctx, emulation.SetDeviceMetricsOverride, params); err != nil {
			t.Fatal(err)
		}
		for _, path := range pages {
			if path == "issued key" {
				// The page that shows a new key once, after the form on the app's page.
				b.visit(p.url + "/apps/" + appSlug)
				b.do(chromedp.SetValue(chromedp.CSS(`[data-testid="key-form"] input[name="name"]`), keyName),
					chromedp.Click(chromedp.CSS(`[data-testid="create-key"]`)),
					chromedp.WaitVisible(chromedp.CSS(`[data-testid="key-warning"]`)))
			} else {
				b.visit(p.url + path)
			}
			if name, ok := shows[path]; ok && b.eval(fmt.Sprintf(`String(document.body.textContent.includes(%q))`, name)) != "true" {
				t.Errorf("%s at %d px does not show the name %.12s…", path, width, name)
			}
			var bad []string
			if err := json.Unmarshal([]byte(b.eval(fmt.Sprintf(overflowJS, names))), &bad); err != nil {
				t.Fatal(err)
			}
			for _, s := range bad {
				t.Errorf("%s at %d px: %s", path, width, s)
			}
		}
	}
	b.checkClean()
}
