package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/subscriptions"
)

// member adds a user with a team role.
func (p *portal) member(t *testing.T, username, teamSlug, role string) {
	t.Helper()
	ctx := context.Background()
	team, err := p.store.TeamBySlug(ctx, teamSlug)
	if err != nil {
		team = &store.Team{Slug: teamSlug, Name: strings.ToUpper(teamSlug[:1]) + teamSlug[1:]}
		if err := p.store.CreateTeam(ctx, p.store.DB(), team); err != nil {
			t.Fatal(err)
		}
	}
	u := &store.User{Username: username, OrgRole: policy.RoleMember, PasswordHash: p.admin.PasswordHash}
	if err := p.store.CreateUser(ctx, p.store.DB(), u); err != nil {
		t.Fatal(err)
	}
	if _, err := p.store.SetTeamMember(ctx, p.store.DB(), team.ID, u.ID, role); err != nil {
		t.Fatal(err)
	}
}

// TestSubscriptionJourney: a developer of team shop finds an API of team
// payments in the catalog and subscribes a new app to its manual plan; an
// owner of payments approves from the requests inbox; the developer creates
// a key, sees it once, copies it, rotates it with a grace period and
// revokes the old one.
func TestSubscriptionJourney(t *testing.T) {
	p := startPortal(t)
	p.publish(t, "payments", "nexmo-sms", "SMS API", "nexmo.com__sms__1.0.11.yaml")
	p.member(t, "olga", "payments", policy.RoleOwner)
	p.member(t, "bea", "shop", policy.RoleDeveloper)
	ctx := context.Background()
	pol, err := policy.New(ctx, p.store)
	if err != nil {
		t.Fatal(err)
	}
	subs := subscriptions.New(p.store, pol, p.life, subscriptions.Options{})
	a, err := p.store.APIBySlug(ctx, "nexmo-sms")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := subs.CreatePlan(ctx, p.admin, a, subscriptions.PlanInput{Slug: "gold", Name: "Gold", RatePerMinute: "600", Approval: "manual", Open: true}); err != nil {
		t.Fatal(err)
	}

	// The developer of shop: catalog → API page → subscribe a new app.
	bea := newBrowser(t)
	bea.login(p, "bea")
	bea.do(
		chromedp.Navigate(p.url+"/catalog?q=sms"),
		chromedp.WaitVisible(chromedp.CSS(`#results a[href="/apis/nexmo-sms"]`)),
		chromedp.Click(chromedp.CSS(`#results a[href="/apis/nexmo-sms"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="plan"][data-plan="gold"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="subscribe-link"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="subscribe-form"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="choose-plan-gold"]`)),
		chromedp.SetValue(chromedp.CSS(`select[name="app"]`), "new"),
		chromedp.SendKeys(chromedp.CSS(`#f-app_name`), "Checkout"),
		chromedp.SendKeys(chromedp.CSS(`#f-app_slug`), "checkout"),
		chromedp.SendKeys(chromedp.CSS(`#f-purpose`), "Texts customers their receipts."),
		chromedp.Click(chromedp.CSS(`[data-testid="subscribe"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="app-name"]`)),
	)
	if got := bea.text(`[data-testid="subscription-state"]`); got != "pending" {
		t.Fatalf("state after subscribing = %q, want pending", got)
	}

	// The owner of payments: the count in the navigation, the inbox, approve.
	olga := newBrowser(t)
	olga.login(p, "olga")
	if got := olga.text(`[data-testid="requests-count"]`); got != "1" {
		t.Errorf("requests count = %q, want 1", got)
	}
	olga.do(
		chromedp.Click(chromedp.CSS(`[data-testid="requests-link"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="request"]`)),
	)
	if got := olga.text(`[data-testid="request-purpose"]`); got != "Texts customers their receipts." {
		t.Errorf("purpose in the inbox = %q", got)
	}
	olga.do(
		chromedp.Click(chromedp.CSS(`[data-testid="approve"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="flash"]`)),
	)
	if got := olga.text(`[data-testid="flash"]`); !strings.Contains(got, "approved") {
		t.Errorf("flash after approval = %q", got)
	}
	olga.checkClean()

	// The developer (a new tab: each has a time budget): a key, shown once, copied.
	bea.checkClean()
	bea = newBrowser(t)
	bea.login(p, "bea")
	bea.do(
		chromedp.Navigate(p.url+"/apps/checkout"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="key-form"]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="key-form"] input[name="name"]`), "production"),
		chromedp.Click(chromedp.CSS(`[data-testid="create-key"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="new-key"]`)),
	)
	key := bea.eval(`document.querySelector('[data-testid="new-key"]').value`)
	// The address stays the app's page: the one the form posted to answers
	// only POST, so a reload there found nothing.
	if path := bea.eval(`location.pathname`); path != "/apps/checkout" {
		t.Errorf("address after creating a key = %s, want /apps/checkout", path)
	}
	if !strings.HasPrefix(key, "ptk_") || !strings.Contains(bea.text(`[data-testid="key-warning"]`), "shown only once") {
		t.Fatalf("key page: key %.8q…", key)
	}
	bea.do(chromedp.Click(chromedp.CSS(`[data-testid="copy-key"]`)))
	bea.poll(`document.querySelector('[data-copy-status="new-key"]').textContent !== ""`)
	bea.do(
		chromedp.Click(chromedp.CSS(`[data-testid="key-done"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="key-row"]`)),
	)
	if html := bea.eval(`document.body.innerHTML`); strings.Contains(html, key) {
		t.Fatal("the app page shows the whole key again")
	}
	// htmx keeps the pages it leaves in its history cache (sessionStorage),
	// to show them again on Back: never the page of a key.
	if cache := bea.eval(`sessionStorage.getItem("htmx-history-cache") || ""`); strings.Contains(cache, key) {
		t.Fatal("the browser's history cache (sessionStorage) holds the whole key: Back would show it again")
	}
	kid := bea.eval(`document.querySelector('[data-testid="key-row"]').dataset.key`)

	// Rotate with a grace period (the default, 1 hour), then revoke the old key.
	bea.do(
		chromedp.Click(chromedp.CSS(`[data-key="`+kid+`"] [data-testid="rotate-open"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-key="`+kid+`"] [data-testid="rotate"]`)),
		chromedp.Click(chromedp.CSS(`[data-key="`+kid+`"] [data-testid="rotate"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="key-replaced"]`)),
	)
	if got := bea.text(`[data-testid="key-replaced"]`); !strings.Contains(got, "stays valid until") {
		t.Errorf("rotation note = %q", got)
	}
	if nk := bea.eval(`document.querySelector('[data-testid="new-key"]').value`); nk == key || !strings.HasPrefix(nk, "ptk_") {
		t.Errorf("rotation showed no new key")
	}
	// app.js shows the Copy button once the fragment is in, which moves the
	// link below it: wait for it, so that the click does not aim at where the
	// link was (a CI run on a loaded machine once timed out at this step).
	bea.do(
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="copy-key"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="key-done"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-key="`+kid+`"] [data-testid="revoke-key-open"]`)),
	)
	if got := bea.text(`[data-key="` + kid + `"] [data-testid="key-status"]`); got != "rotated, in grace" {
		t.Errorf("old key status = %q", got)
	}
	bea.do(
		// Revoking asks first: the button is behind its disclosure.
		chromedp.Click(chromedp.CSS(`[data-key="`+kid+`"] [data-testid="revoke-key-open"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-key="`+kid+`"] [data-testid="revoke-key"]`)),
		chromedp.Click(chromedp.CSS(`[data-key="`+kid+`"] [data-testid="revoke-key"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="flash"]`)),
	)
	if got := bea.text(`[data-key="` + kid + `"] [data-testid="key-status"]`); got != "revoked" {
		t.Errorf("old key status after revocation = %q", got)
	}
	bea.checkClean()
}
