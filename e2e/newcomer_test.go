package e2e

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// flashes returns the messages the current page shows.
func (b *browser) flashes() []string {
	b.t.Helper()
	got := b.eval(`JSON.stringify([...document.querySelectorAll('[data-testid="flash"]')].map(e => e.innerText.trim()))`)
	var out []string
	for _, s := range strings.Split(strings.Trim(got, "[]"), `","`) {
		if s = strings.Trim(s, `"`); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// visit opens a page and waits for it.
func (b *browser) visit(url string) {
	b.t.Helper()
	b.do(chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`#main`)))
}

// A message is shown once, on the page after the action, whatever the depth
// of the page that sets it and of the pages that follow.
func TestFlashOnceAndUploadKept(t *testing.T) {
	p := startPortal(t)
	p.publish(t, "commerce", "nexmo-sms", "SMS API", "nexmo.com__sms__1.0.11.yaml")
	p.publish(t, "commerce", "nexmo-sms-v2", "SMS API 2", "nexmo.com__sms__1.0.11.yaml")
	b := newBrowser(t)
	b.login(p, "admin")

	// Set at depth 1 (POST /teams), shown at depth 2.
	b.createTeam(p, "Payments", "payments")
	if got := b.flashes(); len(got) != 1 || !strings.Contains(got[0], "Payments created") {
		t.Errorf("after creating a team: flashes %q, want the one creation message", got)
	}
	later := []string{"/apis/nexmo-sms/versions/new", "/teams/payments", "/"}
	for _, path := range later {
		b.visit(p.url + path)
		if got := b.flashes(); len(got) != 0 {
			t.Errorf("%s after the team's message was shown: flashes %q, want none", path, got)
		}
	}

	// Set at depth 5 (POST /apis/…/deprecate), shown at depth 4.
	b.visit(p.url + "/apis/nexmo-sms/versions/1.0.0")
	b.do(
		chromedp.Click(chromedp.CSS(`[data-testid="deprecate-form"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="deprecation-banner"]`)),
	)
	if got := b.flashes(); len(got) != 1 || !strings.Contains(got[0], "is deprecated") {
		t.Errorf("after deprecating: flashes %q, want the one deprecation message", got)
	}
	for _, path := range later {
		b.visit(p.url + path)
		if got := b.flashes(); len(got) != 0 {
			t.Errorf("%s after the deprecation message was shown: flashes %q, want none", path, got)
		}
	}

	// Two messages in a row never stack: each shows on its own page.
	b.visit(p.url + "/apis/nexmo-sms-v2/versions/1.0.0")
	b.do(
		chromedp.Click(chromedp.CSS(`[data-testid="deprecate-form"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="deprecation-banner"]`)),
	)
	b.do(
		chromedp.Click(chromedp.CSS(`[data-testid="undeprecate-form"] button[type="submit"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="deprecation-banner"]`)),
	)
	if got := b.flashes(); len(got) != 1 || !strings.Contains(got[0], "published again") {
		t.Errorf("after deprecating and undoing it: flashes %q, want the last message alone", got)
	}

	// A refused upload comes back in the form: the text area holds the
	// file's content, the error sits on it, and the corrected text is
	// accepted. (In this test to start one browser less.)
	broken := filepath.Join(t.TempDir(), "broken.yaml")
	const content = "openapi: 3.0.3\ninfo: {title: Broken, version: '2'}\npaths:\n  /a: {get: {responses: {'200': {$ref: '#/components/responses/Nope'}}}}\n"
	if err := os.WriteFile(broken, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	b.do(
		chromedp.Navigate(p.url+"/apis/nexmo-sms/versions/new"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="version-form"]`)),
		chromedp.SendKeys(chromedp.CSS(`#f-version`), "2.0.0"),
		chromedp.SetUploadFiles(chromedp.CSS(`#f-file`), []string{broken}),
		chromedp.Click(chromedp.CSS(`[data-testid="version-form"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-spec"]`)),
	)
	if got := b.eval(`document.querySelector('#f-spec').value`); got != content {
		t.Errorf("text area after the refused upload = %q, want the file's content", got)
	}
	if got := b.text(`[data-testid="kept-upload"]`); !strings.Contains(got, "broken.yaml") {
		t.Errorf("kept-upload note = %q, want the file named", got)
	}
	if got := b.eval(`document.querySelector('#f-version').value`); got != "2.0.0" {
		t.Errorf("version after the refused upload = %q", got)
	}
	// The error is on the box that holds the description.
	if b.eval(`String(document.querySelector('#f-spec').closest('.field').contains(document.querySelector('[data-testid="error-spec"]')))`) != "true" {
		t.Error("the description's error is not next to the text area holding it")
	}
	// Correct it in place and send again.
	b.do(
		chromedp.SetValue(chromedp.CSS(`#f-spec`), strings.Replace(content, "{$ref: '#/components/responses/Nope'}", "{description: ok}", 1)),
		chromedp.Click(chromedp.CSS(`[data-testid="version-form"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="version"]`)),
	)
	if got := b.text(`[data-testid="version"]`); got != "2.0.0" {
		t.Errorf("version page after the corrected text = %q", got)
	}
	b.checkClean()
	b.checkClean()
}

// The reference's "Test Request" may reach the servers the description
// declares (the page's CSP names them, and the page says so), nothing else.
// (Without a reachable server the page turns it off: handlers tests that.)
func TestTryItReachesDeclaredServersOnly(t *testing.T) {
	api := corsServer(t)
	other := corsServer(t)
	p := startPortal(t)
	spec := func(server string) string {
		return "openapi: 3.0.3\ninfo: {title: Echo, version: '1'}\nservers: [{url: '" + server + "'}]\npaths:\n  /ping: {get: {summary: Ping, responses: {'200': {description: ok}}}}\n"
	}
	p.publishData(t, "platform", "echo", "Echo", []byte(spec(api+"/v1")))
	b := newBrowser(t)
	b.login(p, "dev")

	b.visit(p.url + "/apis/echo/versions/1.0.0/reference")
	if got := b.text(`[data-testid="try-it-note"]`); !strings.Contains(got, api) {
		t.Errorf("try-it note = %q, want the server %s", got, api)
	}
	b.poll(`document.querySelector("#api-reference").innerText.includes("Ping")`)
	b.poll(`document.querySelector(".show-api-client-button") !== null`)
	// What Test Request does: a fetch from the page to the API's server.
	if got := b.await(`fetch(` + strconv.Quote(api+"/v1/ping") + `).then(r => r.text(), e => "blocked: " + e)`); got != "pong" {
		t.Errorf("fetch to the declared server = %q, want pong", got)
	}
	if got := b.await(`fetch(` + strconv.Quote(other+"/v1/ping") + `).then(r => r.text(), e => "blocked")`); got != "blocked" {
		t.Errorf("fetch to an undeclared server = %q, want it blocked", got)
	}
	b.checkClean("script-src eval", "connect-src "+other+"/v1/ping")
}

// await evaluates a JavaScript expression giving a promise of a string.
func (b *browser) await(js string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("eval %s: %v", js, err)
	}
	return s
}

// corsServer serves "pong" to any origin on 127.0.0.1 and returns its origin.
func corsServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Write([]byte("pong")) //nolint:errcheck
	})}
	go srv.Serve(ln) //nolint:errcheck // ends with Close
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// A user reaches the reference from the version page's link, which the
// body's hx-boost would turn into a swap of the page's body: the browser
// would keep the version page's Content-Security-Policy (connect-src
// 'self'), and "Test Request" could reach no server, though the page says
// it can. The reference is loaded as a page of its own.
func TestTryItReachesDeclaredServersFromTheVersionPage(t *testing.T) {
	api := corsServer(t)
	p := startPortal(t)
	spec := "openapi: 3.0.3\ninfo: {title: Echo, version: '1'}\nservers: [{url: '" + api + "/v1'}]\npaths:\n  /ping: {get: {summary: Ping, responses: {'200': {description: ok}}}}\n"
	p.publishData(t, "platform", "echo", "Echo", []byte(spec))
	b := newBrowser(t)
	b.login(p, "dev")

	b.visit(p.url + "/apis/echo/versions/1.0.0")
	b.do(chromedp.Click(chromedp.CSS(`[data-testid="reference-link"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="try-it-note"]`)))
	b.poll(`document.querySelector('[data-testid="api-reference"]').innerText.includes("Ping")`)
	if got := b.await(`fetch(` + strconv.Quote(api+"/v1/ping") + `).then(r => r.text(), e => "blocked: " + e)`); got != "pong" {
		t.Errorf("fetch to the declared server from the reference reached by its link = %q, want pong", got)
	}
	b.checkClean("script-src eval")
}

// "Download as uploaded" gives the description as a file. With the body's
// hx-boost, htmx fetched it and swapped its text into the page as HTML: the
// markup a description holds became the page's, htmx attributes included
// (an hx-post fired on load with the viewer's CSRF token).
func TestDownloadLinksAreNotSwappedIntoThePage(t *testing.T) {
	p := startPortal(t)
	spec := "openapi: 3.0.3\ninfo:\n  title: Echo\n  version: '1'\n  description: '<p id=\"injected\" hx-get=\"/profile\" hx-trigger=\"load\" hx-swap=\"none\">hi</p>'\npaths:\n  /ping: {get: {summary: Ping, responses: {'200': {description: ok}}}}\n"
	p.publishData(t, "platform", "echo", "Echo", []byte(spec))
	b := newBrowser(t)
	b.login(p, "dev")
	for _, link := range []string{"download-raw", "download-json"} {
		b.visit(p.url + "/apis/echo/versions/1.0.0")
		b.do(chromedp.Click(chromedp.CSS(`[data-testid="` + link + `"]`)))
		time.Sleep(time.Second)
		// Kept: the file was downloaded. application/json: the browser shows the file.
		got := b.eval(`document.getElementById("injected") ? "injected" :
			document.contentType !== "text/html" ? document.contentType :
			document.querySelector('[data-testid="download-raw"]') ? "kept" : "swapped: " + document.body.innerText.slice(0, 60)`)
		if got != "kept" && got != "application/json" {
			t.Errorf("after clicking %s the page is %q, want the version page kept or the file shown by the browser", link, got)
		}
	}
}

// A description's Markdown may link to a file of the portal (its own raw
// description, say): the link is boosted like any other, so the answer
// must not be swapped into the page as HTML.
func TestDescriptionLinkToAFileIsNotSwappedIntoThePage(t *testing.T) {
	p := startPortal(t)
	spec := "openapi: 3.0.3\ninfo:\n  title: Echo\n  version: '1'\n  description: '[the file](/apis/echo/versions/1.0.0/openapi) <p id=\"injected\">hi</p>'\npaths:\n  /ping: {get: {summary: Ping, responses: {'200': {description: ok}}}}\n"
	p.publishData(t, "platform", "echo", "Echo", []byte(spec))
	b := newBrowser(t)
	b.login(p, "dev")
	b.visit(p.url + "/apis/echo/versions/1.0.0")
	b.do(chromedp.Click(chromedp.CSS(`[data-testid="docs"] a[href="/apis/echo/versions/1.0.0/openapi"]`)))
	time.Sleep(time.Second)
	got := b.eval(`document.getElementById("injected") ? "injected" :
		document.contentType !== "text/html" ? document.contentType :
		document.querySelector('[data-testid="download-raw"]') ? "kept" : "swapped: " + document.body.innerText.slice(0, 60)`)
	if got != "kept" {
		t.Errorf("after clicking the description's link to its file the page is %q, want the version page kept (the file downloaded)", got)
	}
}
