package e2e

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
)

// phone makes the tab a 390 × 844 phone screen.
func (b *browser) phone() {
	b.t.Helper()
	params := emulation.SetDeviceMetricsOverrideParams{Width: 390, Height: 844, DeviceScaleFactor: 2, Mobile: true}
	if _, err := chromedp.Call(b.ctx, emulation.SetDeviceMetricsOverride, params); err != nil {
		b.t.Fatalf("phone screen: %v", err)
	}
}

// visible reports whether the first element sel selects is rendered with a size.
func (b *browser) visible(sel string) bool {
	b.t.Helper()
	return b.eval(`(() => { const e = document.querySelector(`+strconv.Quote(sel)+`); return String(!!e && e.checkVisibility() && e.getBoundingClientRect().height > 0) })()`) == "true"
}

// At 390 px, without JavaScript: the navigation is behind a Menu button
// that opens it, the catalog's filters are behind a Filters button so the
// first result shows in the first screen, and no page is wider than the
// screen (tables scroll inside their own box).
func TestPhoneNavigationAndCatalog(t *testing.T) {
	p := startPortal(t)
	p.publish(t, "commerce", "nexmo-sms", "SMS API", "nexmo.com__sms__1.0.11.yaml")
	p.publish(t, "media", "spotify", "Spotify Web API", "spotify.com__spotify-web-api__2021.8.15.yaml")
	b := newBrowser(t)
	b.login(p, "admin")

	// At 1280 px the links show inline and there is no Menu button.
	b.visit(p.url + "/catalog")
	if b.visible(`[data-testid="menu-button"]`) || !b.visible(`nav[aria-label="Main"] a[href="/teams"]`) {
		t.Error("at 1280 px: want the navigation inline and no Menu button")
	}
	if b.visible(`[data-testid="filters-button"]`) || !b.visible(`[data-testid="facets"]`) {
		t.Error("at 1280 px: want the filters open beside the results and no Filters button")
	}

	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	b.phone()
	b.visit(p.url + "/catalog")
	if b.visible(`nav[aria-label="Main"] a[href="/teams"]`) {
		t.Error("at 390 px: the navigation shows before the Menu button is pressed")
	}
	if !b.visible(`[data-testid="menu-button"]`) {
		t.Fatal("at 390 px: no Menu button")
	}
	if b.visible(`[data-testid="facets"]`) {
		t.Error("at 390 px: the filters show before the Filters button is pressed")
	}
	if got := b.eval(`String(document.querySelector('[data-testid="hit"]').getBoundingClientRect().top < window.innerHeight)`); got != "true" {
		t.Errorf("at 390 px: the first result is below the first screen (top %s px, screen %s px)",
			b.eval(`String(document.querySelector('[data-testid="hit"]').getBoundingClientRect().top)`), b.eval(`String(window.innerHeight)`))
	}
	b.noWiderThanScreen("/catalog")
	b.do(chromedp.Click(chromedp.CSS(`[data-testid="filters-button"]`)))
	if !b.visible(`[data-testid="facet-team"]`) {
		t.Error("at 390 px: the Filters button does not show the filters")
	}

	// The menu opens, and its links lead on.
	b.do(chromedp.Click(chromedp.CSS(`[data-testid="menu-button"]`)))
	for _, sel := range []string{`nav[aria-label="Main"] a[href="/teams"]`, `[data-testid="profile-link"]`, `[data-testid="logout"]`} {
		if !b.visible(sel) {
			t.Errorf("at 390 px with the menu open: %s is not shown", sel)
		}
	}
	b.do(
		chromedp.Click(chromedp.CSS(`nav[aria-label="Main"] a[href="/teams"]`)),
		chromedp.WaitVisible(chromedp.CSS(`h1`)),
	)
	if got := b.eval(`location.pathname`); got != "/teams" {
		t.Errorf("the menu's Teams link led to %s", got)
	}

	// An API page and pages with tables, /users with its page numbers.
	for i := range 60 {
		u := &store.User{Username: fmt.Sprintf("user-%02d", i), OrgRole: policy.RoleMember, PasswordHash: "x"}
		if err := p.store.CreateUser(context.Background(), p.store.DB(), u); err != nil {
			t.Fatal(err)
		}
	}
	for _, path := range []string{"/apis/nexmo-sms", "/apis/nexmo-sms/versions/1.0.0", "/audit", "/users"} {
		b.visit(p.url + path)
		if !b.visible(`[data-testid="menu-button"]`) {
			t.Errorf("%s at 390 px: no Menu button", path)
		}
		b.noWiderThanScreen(path)
	}
	if !b.visible(`[data-testid="pagination"] [data-testid="next"]`) {
		t.Error("/users at 390 px: no next page link")
	}
	b.do(chromedp.Click(chromedp.CSS(`[data-testid="menu-button"]`)))
	if !b.visible(`nav[aria-label="Main"] a[href="/catalog"]`) {
		t.Error("/users at 390 px with the menu open: no Catalog link")
	}
	b.checkClean()
}

// noWiderThanScreen fails when the page scrolls sideways.
func (b *browser) noWiderThanScreen(path string) {
	b.t.Helper()
	if got := b.eval(`String(document.documentElement.scrollWidth <= window.innerWidth)`); got != "true" {
		b.t.Errorf("%s at 390 px: the page is %s px wide, wider than the screen (%s px)", path,
			b.eval(`String(document.documentElement.scrollWidth)`), b.eval(`String(window.innerWidth)`))
	}
}
