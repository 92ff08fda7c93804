package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestCatalogDeprecatedFilter: an API that still serves a deprecated version
// is found by clicking the Deprecated filter, in a real browser.
func TestCatalogDeprecatedFilter(t *testing.T) {
	p := startPortal(t)
	p.publish(t, "commerce", "nexmo-sms", "SMS API", "nexmo.com__sms__1.0.11.yaml")
	p.publish(t, "media", "spotify", "Spotify Web API", "spotify.com__spotify-web-api__2021.8.15.yaml")
	ctx := context.Background()
	a, err := p.store.APIBySlug(ctx, "nexmo-sms")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join("..", "samples", "openapi", "nexmo.com__sms__1.0.11.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	v2, err := p.life.CreateVersion(ctx, p.admin, a, "2.0.0", data)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.life.Import(ctx, p.admin, a, v2); err != nil {
		t.Fatal(err)
	}
	v1, err := p.store.Version(ctx, a.ID, "1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.life.Deprecate(ctx, p.admin, a, v1, time.Now().Add(60*24*time.Hour), "2.0.0"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.worker.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := p.feed.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t)
	b.login(p, "dev")
	b.do(
		chromedp.Navigate(p.url+"/catalog"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="facet-state"] [data-value="deprecated"]`)),
	)
	if got := strings.TrimSpace(b.text(`[data-testid="facet-state"] [data-value="deprecated"] [data-testid="facet-count"]`)); got != "1" {
		t.Errorf("Deprecated count: got %q, want 1", got)
	}
	b.do(chromedp.Click(chromedp.CSS(`[data-testid="facet-state"] [data-value="deprecated"]`)))
	b.poll(`location.search.includes("state=deprecated") && document.querySelectorAll('[data-testid="hit"]').length === 1`)
	if got := b.eval(`document.querySelector('[data-testid="hit"]').dataset.slug`); got != "nexmo-sms" {
		t.Errorf("hit under Deprecated: got %q, want nexmo-sms", got)
	}
	b.checkClean()
}
