package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestLongSpecTextsFit: texts taken from an uploaded description (a tag, an
// operation's summary, a parameter's name and description, a response's and a
// request body's description, a security scheme's name, parameter and
// description), long and without a place to break a line, wrap in the
// version page's documentation at 1280 px and at 375 px, its operations
// unfolded; and each free text there takes its direction from itself.
func TestLongSpecTextsFit(t *testing.T) {
	p := startPortal(t)
	tag, summary := unbroken("Tag", 120), unbroken("Summary", 200)
	param, paramDesc := unbroken("param", 120), unbroken("Described", 300)
	respDesc, bodyDesc := unbroken("Answered", 300), unbroken("Bodied", 300)
	scheme, schemeParam, schemeDesc := unbroken("Scheme", 120), unbroken("Header", 120), unbroken("Secured", 300)
	doc := fmt.Sprintf(`openapi: 3.0.3
info: {title: Long, version: 1.0.0}
servers: [{url: "https://long.example.com"}]
tags: [{name: %[1]s}]
components:
  securitySchemes:
    %[7]s: {type: apiKey, in: header, name: %[8]s, description: %[9]s}
security: [{%[7]s: []}]
paths:
  /things:
    post:
      tags: [%[1]s]
      operationId: makeThing
      summary: %[2]s
      parameters:
        - {name: %[3]s, in: query, description: %[4]s, schema: {type: string}}
      requestBody:
        description: %[6]s
        content: {application/json: {schema: {type: object}}}
      responses:
        "200": {description: %[5]s}
`, tag, summary, param, paramDesc, respDesc, bodyDesc, scheme, schemeParam, schemeDesc)
	p.publishData(t, "long", "long", "Long", []byte(doc))
	texts := []string{tag, summary, param, paramDesc, respDesc, bodyDesc, scheme, schemeParam, schemeDesc}
	names, _ := json.Marshal(texts)

	b := newBrowser(t)
	b.login(p, "admin")
	for _, width := range []int64{1280, 375} {
		params := emulation.SetDeviceMetricsOverrideParams{Width: width, Height: 900, DeviceScaleFactor: 1, Mobile: width < 500}
		if _, err := chromedp.Call(b.ctx, emulation.SetDeviceMetricsOverride, params); err != nil {
			t.Fatal(err)
		}
		b.visit(p.url + "/apis/long/versions/1.0.0")
		b.eval(`document.querySelectorAll('details').forEach(d => d.open = true), ''`)
		var bad []string
		if err := json.Unmarshal([]byte(b.eval(fmt.Sprintf(overflowJS, names))), &bad); err != nil {
			t.Fatal(err)
		}
		for _, s := range bad {
			t.Errorf("version page at %d px: %s", width, s)
		}
	}
	// The interactive reference (Scalar, rendered in the browser) shows the
	// same texts: they must not widen the page either.
	for _, width := range []int64{1280, 375} {
		params := emulation.SetDeviceMetricsOverrideParams{Width: width, Height: 900, DeviceScaleFactor: 1, Mobile: width < 500}
		if _, err := chromedp.Call(b.ctx, emulation.SetDeviceMetricsOverride, params); err != nil {
			t.Fatal(err)
		}
		b.visit(p.url + "/apis/long/versions/1.0.0/reference")
		b.poll(fmt.Sprintf(`!!document.querySelector('#api-reference') && document.querySelector('#api-reference').textContent.includes(%q)`, summary[:40]))
		if got := b.eval(`(() => { const de = document.documentElement; return de.scrollWidth > de.clientWidth ? 'page: ' + de.scrollWidth + ' px wide in a ' + de.clientWidth + ' px window' : '' })()`); got != "" {
			t.Errorf("reference at %d px: %s", width, got)
		}
	}
	b.visit(p.url + "/apis/long/versions/1.0.0")
	// The free texts: each in an element of its own that takes its
	// direction from it.
	free, _ := json.Marshal([]string{summary, paramDesc, respDesc, bodyDesc, schemeDesc})
	out := b.eval(fmt.Sprintf(`JSON.stringify(%s.filter(s => ![...document.querySelectorAll('[data-testid="docs"] [dir="auto"]')].some(e => e.textContent.trim() === s)).map(s => s.slice(0, 12)))`, free))
	if out != "[]" {
		t.Errorf("free texts without an element of their own with dir=auto: %s", strings.TrimSpace(out))
	}
	b.checkClean()
}
