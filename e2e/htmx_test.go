package e2e

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// pollFor waits up to d for a JavaScript expression to be true, failing
// with what (a shorter wait than the browser's own, for a test whose
// failure is a thing that never appears).
func (b *browser) pollFor(d time.Duration, js, what string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, d)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js)); err != nil {
		b.t.Fatalf("%s: %v (page: %q)", what, err, b.eval(`document.querySelector("#main") ? document.querySelector("#main").innerText.slice(0, 300) : document.body.innerText.slice(0, 300)`))
	}
}

// TestFacetFilterErrorIsShown types a filter past the box's 200 characters
// in a facet page: the portal refuses it (400), and the browser shows that
// page's message in place of the page's content, under the one top bar,
// with the focus on its heading. Before, the answer's list (hx-select
// #facet-values) was empty, so the list vanished and nothing said why.
func TestFacetFilterErrorIsShown(t *testing.T) {
	p := startPortal(t)
	p.publish(t, "commerce", "nexmo-sms", "SMS API", "nexmo.com__sms__1.0.11.yaml")
	b := newBrowser(t)
	b.login(p, "dev")
	b.do(
		chromedp.Navigate(p.url+"/catalog/facets/team"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="facet-find-input"]`)),
	)
	b.eval(`(function () {
		var box = document.querySelector('[data-testid="facet-find-input"]');
		box.focus();
		box.value = "x".repeat(201);
		box.dispatchEvent(new Event("input", { bubbles: true }));
		return "";
	})()`)
	b.pollFor(15*time.Second, `!!document.querySelector('#main [data-testid="error-page"]')`, "the error page never showed")
	if got := b.text(`#main [data-testid="error-page"]`); !strings.Contains(got, "This list cannot be shown") {
		t.Errorf("error shown = %q", got)
	}
	if n := b.eval(`String(document.querySelectorAll(".topbar").length + " " + document.querySelectorAll("#main").length)`); n != "1 1" {
		t.Errorf("top bars and #main: %s, want 1 1", n)
	}
	b.pollFor(5*time.Second, `document.activeElement && document.activeElement.matches("#main h1")`, "the focus is not on the error's heading")
	b.checkClean()
}

// TestFormSentOnceWhileInFlight double-clicks a boosted form's submit
// button while its first answer is held back 1.5 s (a slow server): the
// form is sent once, its buttons disabled until the answer, and the user
// sees the team created. Before, htmx queued the second click and sent it
// after the first answer: two POSTs, the second one answered "already
// exists" (for a key or a token: two of them).
func TestFormSentOnceWhileInFlight(t *testing.T) {
	p := startPortal(t)
	b := newBrowser(t)
	b.login(p, "admin")
	b.do(
		chromedp.Navigate(p.url+"/teams/new"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="team-form"]`)),
		chromedp.SendKeys(chromedp.CSS(`#f-name`), "Payments"),
		chromedp.SendKeys(chromedp.CSS(`#f-slug`), "payments"),
	)
	var mu sync.Mutex
	posts := 0
	err := chromedp.Listen(b.ctx, func(ev any) {
		e, ok := ev.(*fetch.EventRequestPaused)
		if !ok {
			return
		}
		go func() {
			if e.Request.Method == "POST" {
				mu.Lock()
				posts++
				first := posts == 1
				mu.Unlock()
				if first {
					time.Sleep(1500 * time.Millisecond)
				}
			}
			_, _ = chromedp.Call(b.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: e.RequestID})
		}()
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(b.ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*/teams"}}}); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.Click(chromedp.CSS(`[data-testid="team-form"] button[type="submit"]`)))
	if got := b.eval(`String(document.querySelector('[data-testid="team-form"] button[type="submit"]').disabled)`); got != "true" {
		t.Errorf("the submit button while the form is sent: disabled %s, want true", got)
	}
	b.do(chromedp.Click(chromedp.CSS(`[data-testid="team-form"] button[type="submit"]`)))
	b.do(chromedp.WaitVisible(chromedp.CSS(`[data-testid="team-name"]`)))
	time.Sleep(time.Second) // time for a second request to show
	mu.Lock()
	n := posts
	mu.Unlock()
	if n != 1 {
		t.Errorf("the form was sent %d times, want once", n)
	}
	if got := b.text(`[data-testid="flash"]`); !strings.Contains(got, "Payments created") {
		t.Errorf("flash = %q, want the team created", got)
	}
	b.checkClean()
}

// TestBackAfterLogoutShowsTheLogin: the session ends (logged out from
// another tab) and the user goes Back to a page htmx no longer holds in
// its history cache; htmx asks the server for it. The login page shows.
// Before, the answer was HX-Redirect, which htmx does not follow when it
// restores history: the page showed "OK" and nothing else.
func TestBackAfterLogoutShowsTheLogin(t *testing.T) {
	p := startPortal(t)
	b := newBrowser(t)
	b.login(p, "dev")
	b.do(
		chromedp.Navigate(p.url+"/profile"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="password-form"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="brand"]`)),
	)
	b.poll(`location.pathname === "/" && !document.querySelector('[data-testid="password-form"]')`)
	b.eval(`fetch("/logout", {method: "POST", headers: {"X-CSRF-Token": document.querySelector('meta[name="csrf-token"]').content}}).then(() => { window.__out = true }); ""`)
	b.poll(`window.__out === true`)
	b.eval(`sessionStorage.removeItem("htmx-history-cache"); history.back(); ""`)
	b.pollFor(15*time.Second, `!!document.querySelector('[data-testid="login-form"]')`, "no login form after Back")
	if got := b.eval(`document.querySelector('[data-testid="login-form"] input[name="next"]').value`); got != "/profile" {
		t.Errorf("the login leads to %q, want /profile", got)
	}
	b.checkClean()
}

// TestUnreachablePortalIsSaid submits a boosted form whose request fails
// (the portal or the network down): a message says so and the form can be
// sent again. Before, nothing happened at all.
func TestUnreachablePortalIsSaid(t *testing.T) {
	p := startPortal(t)
	b := newBrowser(t)
	b.login(p, "admin")
	b.do(
		chromedp.Navigate(p.url+"/teams/new"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="team-form"]`)),
		chromedp.SendKeys(chromedp.CSS(`#f-name`), "Payments"),
		chromedp.SendKeys(chromedp.CSS(`#f-slug`), "payments"),
	)
	var mu sync.Mutex
	failing := true
	err := chromedp.Listen(b.ctx, func(ev any) {
		e, ok := ev.(*fetch.EventRequestPaused)
		if !ok {
			return
		}
		go func() {
			mu.Lock()
			fail := failing && e.Request.Method == "POST"
			mu.Unlock()
			if fail {
				_, _ = chromedp.Call(b.ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: e.RequestID, ErrorReason: network.ErrorReasonConnectionRefused})
				return
			}
			_, _ = chromedp.Call(b.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: e.RequestID})
		}()
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(b.ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*/teams"}}}); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.Click(chromedp.CSS(`[data-testid="team-form"] button[type="submit"]`)))
	b.pollFor(15*time.Second, `!!document.querySelector('#main [data-testid="flash"][role="alert"]')`, "no message when the portal cannot be reached")
	if got := b.text(`#main [data-testid="flash"]`); !strings.Contains(got, "could not be reached") {
		t.Errorf("message = %q", got)
	}
	// The form is still there, and goes once the portal answers.
	mu.Lock()
	failing = false
	mu.Unlock()
	b.do(
		chromedp.Click(chromedp.CSS(`[data-testid="team-form"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="team-name"]`)),
	)
	// htmx logs the failed request itself (console.error): that is expected.
	b.mu.Lock()
	kept := b.problems[:0]
	for _, pr := range b.problems {
		if !strings.HasPrefix(pr, `console.error: "htmx:sendError,`) && !strings.HasPrefix(pr, `console.error: "htmx:afterRequest,`) {
			kept = append(kept, pr)
		}
	}
	b.problems = kept
	b.mu.Unlock()
	b.checkClean()
}

// TestLogoutLeavesNoPageInTheTab: htmx keeps copies of the pages left by
// boosted links in the tab's sessionStorage, to show them again on Back.
// After a logout none is left there: before, the pages of the session (the
// profile, with the user's name and tokens) stayed in the tab's storage
// for whoever used it next.
func TestLogoutLeavesNoPageInTheTab(t *testing.T) {
	p := startPortal(t)
	b := newBrowser(t)
	b.login(p, "dev")
	b.do(
		chromedp.Navigate(p.url+"/profile"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="password-form"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="brand"]`)),
	)
	b.poll(`location.pathname === "/" && !document.querySelector('[data-testid="password-form"]')`)
	if got := b.eval(`String((sessionStorage.getItem("htmx-history-cache") || "").includes("Dev Eloper"))`); got != "true" {
		t.Fatalf("htmx kept no copy of the profile page (%s): the test has nothing to check", got)
	}
	b.do(
		chromedp.Click(chromedp.CSS(`[data-testid="logout"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="login-form"]`)),
	)
	if got := b.eval(`String(sessionStorage.getItem("htmx-history-cache"))`); strings.Contains(got, "Dev Eloper") {
		t.Errorf("after the logout the tab still holds the session's pages: %.200s", got)
	}
	b.checkClean()
}
