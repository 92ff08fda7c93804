package e2e

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
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

// TestCatalogStatusEndsWithTheLastAnswer types a query a character at a
// time in the catalog's search box, slowly enough that each character sends
// its own request, with the first answer held back 1.5 s (a slow search):
// the status region, the only part a screen reader is told of, ends with
// the count for the whole query, and says no count for a query the box no
// longer holds. An answer to a query the user has typed
// past is not swapped in (hx-sync replace aborts it): it would be
// announced late, a count for "s" while the box says "sms".
func TestCatalogStatusEndsWithTheLastAnswer(t *testing.T) {
	p := startPortal(t)
	p.publish(t, "commerce", "nexmo-sms", "SMS API", "nexmo.com__sms__1.0.11.yaml")
	p.publish(t, "media", "spotify", "Spotify Web API", "spotify.com__spotify-web-api__2021.8.15.yaml")
	b := newBrowser(t)
	b.login(p, "dev")
	b.do(
		chromedp.Navigate(p.url+"/catalog"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="catalog-q"]`)),
	)
	// Hold back the answer to "s".
	err := chromedp.Listen(b.ctx, func(ev any) {
		e, ok := ev.(*fetch.EventRequestPaused)
		if !ok {
			return
		}
		go func() {
			if u, err := url.Parse(e.Request.URL); err == nil && u.Query().Get("q") == "s" {
				time.Sleep(1500 * time.Millisecond)
			}
			_, _ = chromedp.Call(b.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: e.RequestID})
		}()
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(b.ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*/catalog?*"}}}); err != nil {
		t.Fatal(err)
	}
	// Each status text, with the query in the box when it came.
	b.eval(`window.__statuses = []; new MutationObserver(() => window.__statuses.push(
		document.querySelector("#catalog-status").textContent + " [box: " + document.querySelector("#catalog-q").value + "]")).
		observe(document.querySelector("#catalog-status"), {childList: true, characterData: true, subtree: true}); ""`)
	for _, k := range []string{"s", "m", "s"} {
		b.do(chromedp.SendKeys(chromedp.CSS(`[data-testid="catalog-q"]`), k))
		time.Sleep(350 * time.Millisecond) // longer than the box's 250 ms delay: a request per character
	}
	b.poll(`document.querySelector("#catalog-status").textContent.includes("sms")`)
	time.Sleep(2 * time.Second) // past the held-back answer
	statuses := b.eval(`JSON.stringify(window.__statuses)`)
	final := b.eval(`document.querySelector("#catalog-status").textContent`)
	if final != "1 API found for “sms”." {
		t.Errorf("status at the end %q (all: %s), want %q", final, statuses, "1 API found for “sms”.")
	}
	if got := b.eval(`location.search + " " + Array.from(document.querySelectorAll('[data-testid="hit"]')).map(h => h.dataset.slug).join(",")`); got != "?q=sms nexmo-sms" {
		t.Errorf("at the end: URL query and hits %q, want %q", got, "?q=sms nexmo-sms")
	}
	var said []string
	if err := json.Unmarshal([]byte(statuses), &said); err != nil {
		t.Fatal(err)
	}
	for _, s := range said {
		status, box, _ := strings.Cut(s, " [box: ")
		if !strings.Contains(status, "“"+strings.TrimSuffix(box, "]")+"”") {
			t.Errorf("status %q announced while the box said %q (all: %s): an answer to a query typed past", status, strings.TrimSuffix(box, "]"), statuses)
		}
	}
	b.checkClean()
}
