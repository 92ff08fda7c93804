package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
)

// pageSamplesDir holds the real-world descriptions the tests upload.
const pageSamplesDir = "../samples/openapi"

func readPageSample(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(pageSamplesDir, name))
	if err != nil {
		t.Fatalf("read sample %s: %v", name, err)
	}
	return data
}

// lifeOf returns a lifecycle service over the env's store, for fixtures.
func pageLife(t testing.TB, e *env) *lifecycle.Service {
	t.Helper()
	p, err := policy.New(context.Background(), e.store)
	if err != nil {
		t.Fatal(err)
	}
	return lifecycle.New(e.store, p, lifecycle.Options{MinSunsetNotice: 30 * 24 * time.Hour})
}

// publishedAPI creates an API in a team with version 1.0.0 published
// directly by an org admin (an import).
func pagePublishedAPI(t testing.TB, e *env, admin *store.User, teamSlug, slug, visibility, specText string) *store.API {
	t.Helper()
	ctx := context.Background()
	svc := pageLife(t, e)
	a, err := svc.CreateAPI(ctx, admin, e.team(teamSlug), lifecycle.APIInput{Slug: slug, Name: strings.ToUpper(slug[:1]) + slug[1:], Visibility: visibility})
	if err != nil {
		t.Fatal(err)
	}
	v, err := svc.CreateVersion(ctx, admin, a, "1.0.0", []byte(specText))
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Import(ctx, admin, a, v); err != nil {
		t.Fatal(err)
	}
	return a
}

// pagesMatrixFixtures creates the permission matrix's fixtures for the
// lifecycle pages and returns the id of the withdrawn request.
func pagesMatrixFixtures(t *testing.T, e *env) string {
	t.Helper()
	ctx := context.Background()
	admin, dev := mustUser(t, e, "admin"), mustUser(t, e, "developer")
	a := pagePublishedAPI(t, e, admin, "payments", "payments-web", store.VisibilityPublic, spectest.PetsV1)
	svc := pageLife(t, e)
	v, err := svc.CreateVersion(ctx, dev, a, "1.1.0", nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := svc.Submit(ctx, dev, a, v, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Withdraw(ctx, dev, r); err != nil {
		t.Fatal(err)
	}
	return itoa(r.ID)
}

// upload submits a multipart form with a file (when filename is not empty)
// and the browser's CSRF token.
func (b *browser) upload(path string, fields map[string]string, filename string, content []byte) *http.Response {
	b.e.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", b.csrf())
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	if filename != "" {
		fw, err := w.CreateFormFile("file", filename)
		if err != nil {
			b.e.t.Fatal(err)
		}
		_, _ = fw.Write(content)
	}
	if err := w.Close(); err != nil {
		b.e.t.Fatal(err)
	}
	req := httptest.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

func pageWantStatus(t *testing.T, what string, res *http.Response, want int) {
	t.Helper()
	if res.StatusCode != want {
		body := readAll(t, res)
		if len(body) > 600 {
			body = body[:600]
		}
		t.Fatalf("%s: status %d, want %d (location %q): %s", what, res.StatusCode, want, res.Header.Get("Location"), body)
	}
}

func pageWantRedirect(t *testing.T, what string, res *http.Response, location string) {
	t.Helper()
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != location {
		t.Fatalf("%s: %d to %q, want 303 to %q", what, res.StatusCode, res.Header.Get("Location"), location)
	}
}

func TestAPIPagesCreateUploadAndShow(t *testing.T) {
	e := newEnv(t)
	e.user("maintainer", policy.RoleMember, "payments", policy.RoleMaintainer)
	e.user("developer", policy.RoleMember, "payments", policy.RoleDeveloper)
	b := e.browser()
	b.login("maintainer")

	d := doc(t, b.get("/teams/payments"))
	if d.Find(`[data-testid="new-api"]`).Length() != 1 {
		t.Error("a maintainer sees no New API button on the team page")
	}
	dev := e.browser()
	dev.login("developer")
	if doc(t, dev.get("/teams/payments")).Find(`[data-testid="new-api"]`).Length() != 0 {
		t.Error("a developer sees the New API button, without the api create permission")
	}

	// Field errors are shown with the submitted values.
	res := b.post("/teams/payments/apis", url.Values{"slug": {"-Bad-"}, "name": {""}, "upstreams": {"ftp://x"}, "summary": {"kept"}})
	pageWantStatus(t, "invalid API", res, http.StatusUnprocessableEntity)
	d = doc(t, res)
	for _, field := range []string{"slug", "name", "upstreams"} {
		if d.Find(`[data-testid="error-`+field+`"]`).Length() != 1 {
			t.Errorf("no error shown for %s", field)
		}
	}
	if got := d.Find(`input[name="summary"]`).AttrOr("value", ""); got != "kept" {
		t.Errorf("summary = %q, want the submitted value", got)
	}

	description := "# Payments\n\nHello <script>alert('x')</script> <img src=x onerror=alert(1)> [click](javascript:alert(1))\n\n| code | meaning |\n|---|---|\n| 402 | payment required |\n"
	res = b.post("/teams/payments/apis", url.Values{"slug": {"payments"}, "name": {"Payments"}, "summary": {"Take money."},
		"description": {description}, "tags": {"Money, cards"}, "visibility": {"public"}, "upstreams": {"https://pay.internal\nhttps://pay2.internal"}})
	pageWantRedirect(t, "create API", res, "/apis/payments/versions/new")

	// A description that cannot be used is refused with what and where; nothing is saved.
	res = b.upload("/apis/payments/versions", map[string]string{"version": "1.0.0"}, "broken.yaml", []byte("openapi: 3.0.3\ninfo: {title: X}\npaths:\n  /a: {get: {responses: {'200': {$ref: '#/components/responses/Nope'}}}}\n"))
	pageWantStatus(t, "unusable spec", res, http.StatusUnprocessableEntity)
	d = doc(t, res)
	if msg := d.Find(`[data-testid="error-spec"]`).Text(); !strings.Contains(msg, "line 4") || !strings.Contains(msg, "#/components/responses/Nope") {
		t.Errorf("spec error = %q, want it to say what and where (line 4)", msg)
	}
	if got := d.Find(`input[name="version"]`).AttrOr("value", ""); got != "1.0.0" {
		t.Errorf("version field = %q, want the submitted value", got)
	}
	if d.Find(`form[enctype="multipart/form-data"]`).Length() != 1 {
		t.Error("the version form is not multipart")
	}
	// The upload is kept: the text area holds the file again, named, with the error on it.
	if got := d.Find(`textarea[name="spec"]`).Text(); !strings.Contains(got, "#/components/responses/Nope") {
		t.Errorf("text area after a refused upload = %q, want the uploaded description", got)
	}
	if got := d.Find(`[data-testid="kept-upload"]`).Text(); !strings.Contains(got, "broken.yaml") {
		t.Errorf("kept-upload note = %q, want the file's name", got)
	}
	// A wrong version with a good file keeps the file too.
	res = b.upload("/apis/payments/versions", map[string]string{"version": "one"}, "apod.yaml", readPageSample(t, "nasa.gov__apod__1.0.0.yaml"))
	pageWantStatus(t, "bad version, good file", res, http.StatusUnprocessableEntity)
	d = doc(t, res)
	if d.Find(`[data-testid="error-version"]`).Length() != 1 || d.Find(`[data-testid="error-spec"]`).Length() != 0 {
		t.Error("a bad version number is not shown on the version field alone")
	}
	if got := d.Find(`textarea[name="spec"]`).Text(); !strings.Contains(got, "/apod") {
		t.Error("a good upload is dropped when the version number is refused")
	}
	// A file that is not text is the file field's error.
	res = b.upload("/apis/payments/versions", map[string]string{"version": "1.0.0"}, "logo.png", []byte{0x89, 'P', 'N', 'G', 0xff, 0xfe, 0})
	pageWantStatus(t, "binary upload", res, http.StatusUnprocessableEntity)
	if msg := doc(t, res).Find(`[data-testid="error-file"]`).Text(); !strings.Contains(msg, "logo.png") {
		t.Errorf("file error = %q, want the file named", msg)
	}
	a, err := e.store.APIBySlug(context.Background(), "payments")
	if err != nil {
		t.Fatal(err)
	}
	if vs, _ := e.store.Versions(context.Background(), a.ID); len(vs) != 0 {
		t.Fatalf("versions after an invalid upload = %d, want 0", len(vs))
	}
	// Neither file nor text for a first version.
	res = b.upload("/apis/payments/versions", map[string]string{"version": "1.0.0"}, "", nil)
	pageWantStatus(t, "no spec", res, http.StatusUnprocessableEntity)
	res.Body.Close()

	// A real sample, uploaded as a file.
	res = b.upload("/apis/payments/versions", map[string]string{"version": "1.0.0"}, "apod.yaml", readPageSample(t, "nasa.gov__apod__1.0.0.yaml"))
	pageWantRedirect(t, "upload sample", res, "/apis/payments/versions/1.0.0")
	d = doc(t, b.get("/apis/payments/versions/1.0.0"))
	if got := d.Find(`[data-testid="operation-path"]`).First().Text(); got != "/apod" {
		t.Errorf("first operation path = %q, want /apod", got)
	}
	if got := d.Find(`[data-testid="state"]`).First().Text(); got != "draft" {
		t.Errorf("state = %q, want draft", got)
	}
	if d.Find(`[data-testid="submit-form"]`).Length() != 1 || d.Find(`[data-testid="edit-draft"]`).Length() != 1 {
		t.Error("the draft page has no submit form or edit link for a maintainer")
	}
	if d.Find(`[data-testid="deprecate-form"]`).Length() != 0 || d.Find(`[data-testid="retire-form"]`).Length() != 0 {
		t.Error("a draft offers deprecate or retire")
	}
	if d.Find(`[data-testid="lint-count"]`).Length() != 1 {
		t.Error("no lint count on the version page")
	}

	// Pasted text for the next version; and a copy of the latest.
	res = b.upload("/apis/payments/versions", map[string]string{"version": "1.1.0", "spec": spectest.PetsV1}, "", nil)
	pageWantRedirect(t, "paste spec", res, "/apis/payments/versions/1.1.0")
	res = b.upload("/apis/payments/versions", map[string]string{"version": "1.2.0"}, "", nil)
	pageWantRedirect(t, "copy latest", res, "/apis/payments/versions/1.2.0")
	if n := doc(t, b.get("/apis/payments/versions/1.2.0")).Find(`[data-testid="operation"]`).Length(); n != 2 {
		t.Errorf("operations of the copy = %d, want the 2 of 1.1.0", n)
	}

	// Replace a draft's spec.
	res = b.upload("/apis/payments/versions/1.2.0/spec", map[string]string{"spec": "not: [valid"}, "", nil)
	pageWantStatus(t, "replace with invalid", res, http.StatusUnprocessableEntity)
	res.Body.Close()
	res = b.upload("/apis/payments/versions/1.2.0/spec", nil, "apod.yaml", readPageSample(t, "nasa.gov__apod__1.0.0.yaml"))
	pageWantRedirect(t, "replace draft", res, "/apis/payments/versions/1.2.0")

	// Downloads. Their links are not boosted: htmx would swap the file's
	// text into the page as HTML.
	d = doc(t, b.get("/apis/payments/versions/1.0.0"))
	for _, link := range []string{"download-raw", "download-json"} {
		if got := d.Find(`[data-testid="`+link+`"]`).AttrOr("hx-boost", ""); got != "false" {
			t.Errorf("%s link: hx-boost = %q, want \"false\"", link, got)
		}
	}
	// A boosted link to a file (one a description's Markdown holds) is sent
	// to the browser to fetch itself, never swapped into the page.
	for _, path := range []string{"/apis/payments/versions/1.0.0/openapi", "/apis/payments/versions/1.0.0/openapi.json"} {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Boosted", "true")
		res := b.do(req)
		if body := readAll(t, res); res.Header.Get("HX-Redirect") != path || strings.Contains(body, "openapi") {
			t.Errorf("boosted GET %s: HX-Redirect %q and %d bytes, want HX-Redirect %q and not the file", path, res.Header.Get("HX-Redirect"), len(body), path)
		}
	}
	res = b.get("/apis/payments/versions/1.0.0/openapi")
	raw := readAll(t, res)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/yaml") {
		t.Errorf("raw content type = %q, want application/yaml", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="payments-1.0.0.yaml"` {
		t.Errorf("raw content disposition = %q", cd)
	}
	if raw != string(readPageSample(t, "nasa.gov__apod__1.0.0.yaml")) {
		t.Error("the raw download differs from the upload")
	}
	res = b.get("/apis/payments/versions/1.0.0/openapi.json")
	js := readAll(t, res)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || !strings.HasPrefix(js, "{") {
		t.Errorf("json download: content type %q, body starts %q", ct, js[:min(len(js), 20)])
	}
	d = doc(t, b.get("/apis/payments/versions/1.0.0/reference"))
	if got := d.Find(`#api-reference`).AttrOr("data-spec-url", ""); got != "/apis/payments/versions/1.0.0/openapi.json" {
		t.Errorf("reference spec url = %q", got)
	}
	if d.Find(`script[src="/static/js/api-docs.js"]`).Length() != 1 {
		t.Error("the reference page does not load api-docs.js")
	}
	// Test Request may reach the servers the description declares, and the page says so.
	res = b.get("/apis/payments/versions/1.0.0/reference")
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self' https://api.nasa.gov http://api.nasa.gov;") {
		t.Errorf("reference CSP = %q, want connect-src naming the API's servers", csp)
	}
	d = doc(t, res)
	if note := d.Find(`[data-testid="try-it-note"]`).Text(); !strings.Contains(note, "https://api.nasa.gov") || !strings.Contains(note, "CORS") {
		t.Errorf("try-it note = %q, want the servers it reaches and the CORS condition", note)
	}
	if d.Find(`#api-reference[data-try-it="off"]`).Length() != 0 {
		t.Error("Test Request is turned off although the API declares https servers")
	}
	if csp := b.get("/apis/payments/versions/1.0.0").Header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self';") {
		t.Errorf("version page CSP = %q, want connect-src 'self' only", csp)
	}
	// A boosted link would swap the reference into a page whose CSP the
	// browser keeps: htmx is told to load it whole. A page of htmx's
	// history (restored in the reference's own document) is answered as is.
	for _, tc := range []struct {
		name     string
		headers  map[string]string
		redirect string
	}{
		{"boosted link", map[string]string{"HX-Request": "true", "HX-Boosted": "true"}, "/apis/payments/versions/1.0.0/reference"},
		{"history restore", map[string]string{"HX-Request": "true", "HX-History-Restore-Request": "true"}, ""},
	} {
		req := httptest.NewRequest("GET", "/apis/payments/versions/1.0.0/reference", nil)
		for k, v := range tc.headers {
			req.Header.Set(k, v)
		}
		res := b.do(req)
		body := readAll(t, res)
		if got := res.Header.Get("HX-Redirect"); got != tc.redirect {
			t.Errorf("%s: HX-Redirect = %q, want %q", tc.name, got, tc.redirect)
		}
		if got, want := strings.Contains(body, `data-testid="api-reference"`), tc.redirect == ""; got != want {
			t.Errorf("%s: page rendered = %v, want %v", tc.name, got, want)
		}
	}
	// A description without a reachable server: the button is off, and the page says why.
	res = b.upload("/apis/payments/versions", map[string]string{"version": "1.3.0", "spec": strings.Replace(spectest.PetsV1, "https://pets.example.com", "/v1", 1)}, "", nil)
	pageWantRedirect(t, "relative server", res, "/apis/payments/versions/1.3.0")
	res = b.get("/apis/payments/versions/1.3.0/reference")
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self';") {
		t.Errorf("reference CSP without servers = %q, want connect-src 'self' only", csp)
	}
	d = doc(t, res)
	if d.Find(`#api-reference[data-try-it="off"]`).Length() != 1 {
		t.Error("Test Request is not turned off for a description without a reachable server")
	}
	if note := d.Find(`[data-testid="try-it-note"]`).Text(); !strings.Contains(note, "Test Request is off") || !strings.Contains(note, "/v1") {
		t.Errorf("try-it note = %q, want it to say the button is off and name the declared server", note)
	}

	// The API page: sanitised description, versions and history.
	res = b.get("/apis/payments")
	pageWantStatus(t, "API page", res, http.StatusOK)
	d = doc(t, res)
	descHTML, _ := d.Find(`[data-testid="api-description"]`).Html()
	for _, bad := range []string{"<script", "onerror", "javascript:"} {
		if strings.Contains(descHTML, bad) {
			t.Errorf("description HTML contains %q: %s", bad, descHTML)
		}
	}
	if d.Find(`[data-testid="api-description"] table td`).First().Text() != "402" {
		t.Error("the description's table is not rendered")
	}
	if n := d.Find(`[data-testid="versions-table"] [data-testid="version-row"]`).Length(); n != 4 {
		t.Errorf("version rows = %d, want 4", n)
	}
	if got := d.Find(`[data-testid="tag"]`).First().Text(); got != "money" {
		t.Errorf("first tag = %q, want money", got)
	}
	actions := d.Find(`[data-testid="api-history"] [data-testid="audit-action"]`).Map(func(_ int, s *goquery.Selection) string { return s.Text() })
	if !slices.Contains(actions, "api.create") || !slices.Contains(actions, "version.create") || !slices.Contains(actions, "version.update") {
		t.Errorf("history actions = %v, want api.create, version.create and version.update", actions)
	}

	// Editing uses the lock version: a stale form is refused with a reload message.
	d = doc(t, b.get("/apis/payments/edit"))
	lock := d.Find(`input[name="lock_version"]`).AttrOr("value", "")
	form := url.Values{"name": {"Payments v2"}, "visibility": {"public"}, "lock_version": {lock}}
	pageWantRedirect(t, "edit API", b.post("/apis/payments", form), "/apis/payments")
	res = b.post("/apis/payments", url.Values{"name": {"Stale"}, "visibility": {"public"}, "lock_version": {lock}})
	pageWantStatus(t, "stale edit", res, http.StatusConflict)
	if msg := doc(t, res).Find(`[data-testid="form-error"]`).Text(); !strings.Contains(msg, "Reload") {
		t.Errorf("conflict message = %q, want it to say reload", msg)
	}
}

func TestVersionPageRendersStripe(t *testing.T) {
	e := newEnv(t)
	admin := e.user("admin", policy.RoleAdmin, "", "")
	pagePublishedAPI(t, e, admin, "payments", "stripe", store.VisibilityPublic, string(readPageSample(t, "stripe.com__stripe__2018-05-21.yaml")))
	b := e.browser()
	b.login("admin")
	res := b.get("/apis/stripe/versions/1.0.0")
	pageWantStatus(t, "stripe version page", res, http.StatusOK)
	d := doc(t, res)
	if n := d.Find(`[data-testid="operation"]`).Length(); n < 203 {
		t.Errorf("operations listed = %d, want at least the 203 of Stripe", n)
	}
	if d.Find(`[data-testid="deprecate-form"]`).Length() != 1 {
		t.Error("an admin sees no deprecate form on a published version")
	}
}

func TestReviewPages(t *testing.T) {
	e := newEnv(t)
	e.user("developer", policy.RoleMember, "payments", policy.RoleDeveloper)
	e.user("approver", policy.RoleApprover, "", "")
	e.user("admin", policy.RoleAdmin, "", "")
	e.user("outsider", policy.RoleMember, "search", policy.RoleOwner)
	svc := pageLife(t, e)
	ctx := context.Background()
	a, err := svc.CreateAPI(ctx, mustUser(t, e, "admin"), e.team("payments"), lifecycle.APIInput{Slug: "pets", Name: "Pets"})
	if err != nil {
		t.Fatal(err)
	}
	_ = a

	dev := e.browser()
	dev.login("developer")
	appr := e.browser()
	appr.login("approver")
	adm := e.browser()
	adm.login("admin")
	out := e.browser()
	out.login("outsider")

	// First version: submit, approve.
	pageWantRedirect(t, "create 1.0.0", dev.upload("/apis/pets/versions", map[string]string{"version": "1.0.0", "spec": spectest.PetsV1}, "", nil), "/apis/pets/versions/1.0.0")
	res := dev.post("/apis/pets/versions/1.0.0/submit", url.Values{"note": {"First cut."}})
	res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/reviews/") {
		t.Fatalf("submit: %d to %q, want 303 to the review", res.StatusCode, loc)
	}
	first := loc

	// The reviewer's inbox and unread count.
	d := doc(t, appr.get("/reviews"))
	if n := d.Find(`[data-testid="review-row"]`).Length(); n != 1 {
		t.Fatalf("approver inbox rows = %d, want 1", n)
	}
	if got := d.Find(`[data-testid="unread-count"]`).Text(); got != "1" {
		t.Errorf("approver unread count = %q, want 1", got)
	}
	if n := doc(t, out.get("/reviews")).Find(`[data-testid="review-row"]`).Length(); n != 0 {
		t.Errorf("outsider inbox rows = %d, want 0 (not their team)", n)
	}
	if n := doc(t, dev.get("/reviews")).Find(`[data-testid="review-row"]`).Length(); n != 1 {
		t.Errorf("developer inbox rows = %d, want their team's request", n)
	}
	d = doc(t, dev.get(first))
	if d.Find(`[data-testid="approve-form"]`).Length() != 0 || d.Find(`[data-testid="withdraw-form"]`).Length() != 1 {
		t.Error("the requester should see withdraw and no approve form")
	}
	if got := d.Find(`[data-testid="request-note"]`).Text(); got != "First cut." {
		t.Errorf("note = %q", got)
	}
	pageWantRedirect(t, "approve 1.0.0", appr.post(first+"/approve", url.Values{"comment": {"Looks good."}}), "/apis/pets/versions/1.0.0")

	// A breaking change in the same major.
	pageWantRedirect(t, "create 1.1.0", dev.upload("/apis/pets/versions", map[string]string{"version": "1.1.0", "spec": spectest.PetsBreaking}, "", nil), "/apis/pets/versions/1.1.0")
	res = dev.post("/apis/pets/versions/1.1.0/submit", nil)
	res.Body.Close()
	second := res.Header.Get("Location")

	d = doc(t, appr.get(second))
	if got := d.Find(`[data-testid="breaking-banner"]`).Text(); !strings.Contains(got, "1 breaking change(s) against 1.0.0") || !strings.Contains(got, "2.0.0") {
		t.Errorf("breaking banner = %q", got)
	}
	if got := d.Find(`[data-testid="summary-breaking"]`).AttrOr("data-count", ""); got != "1" {
		t.Errorf("summary breaking count = %q, want 1", got)
	}
	if got := d.Find(`[data-testid="version-line"]`).Text(); !strings.Contains(got, "1.1.0") || !strings.Contains(got, "1.0.0") {
		t.Errorf("version line = %q, want Portico's 1.1.0 compared with 1.0.0", got)
	}
	if got := d.Find(`[data-testid="breaking-operation"]`).First().Text(); !strings.Contains(got, "GET /pets/{id}") {
		t.Errorf("breaking changes grouped under %q, want GET /pets/{id}", got)
	}
	if got := d.Find(`[data-testid="endpoints-removed"]`).Text(); !strings.Contains(got, "/pets/{id}") {
		t.Errorf("removed endpoints = %q, want /pets/{id}", got)
	}
	// Blocked: no Approve that can only fail, a Reject with the reason filled in.
	if d.Find(`[data-testid="approve-form"]`).Length() != 0 {
		t.Error("a blocked request offers Approve")
	}
	if got := d.Find(`[data-testid="reject-next-major"]`).Text(); !strings.Contains(got, "Reject: publish as 2.0.0") {
		t.Errorf("reject button = %q, want Reject: publish as 2.0.0", got)
	}
	if got := d.Find(`[data-testid="reject-form"] textarea[name="reason"]`).Text(); !strings.Contains(got, "2.0.0") {
		t.Errorf("reject reason = %q, want it filled in", got)
	}
	rules := d.Find(`[data-testid="rule-group"]`).Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("data-rule", "") })
	if !slices.Contains(rules, "operation-operationid") || !slices.Contains(rules, "servers-defined") {
		t.Errorf("collapsed rules = %v, want operation-operationid and servers-defined", rules)
	}
	d = doc(t, appr.get(second+"?severity=warning&rule=servers-defined"))
	if got := d.Find(`[data-testid="filtered-table"] [data-testid="finding-row"]`).Length(); got != 1 {
		t.Errorf("filtered rows = %d, want 1", got)
	}
	if doc(t, appr.get(second+"?tab=spec")).Find(`[data-testid="operation"]`).Length() != 1 {
		t.Error("the description tab does not list the operation")
	}

	// Approval is refused with the reason; rejection needs a reason.
	res = appr.post(second+"/approve", nil)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("refused approve: status %d, want 303", res.StatusCode)
	}
	d = doc(t, appr.get(res.Header.Get("Location")))
	if got := d.Find(`[data-testid="flash"]`).Text(); !strings.Contains(got, "breaking change") || !strings.Contains(got, "2.0.0") {
		t.Errorf("flash = %q, want the breaking changes and the major version to use", got)
	}
	res = appr.post(second+"/reject", url.Values{"reason": {"  "}})
	pageWantStatus(t, "reject without reason", res, http.StatusUnprocessableEntity)
	if doc(t, res).Find(`[data-testid="error-reason"]`).Length() != 1 {
		t.Error("no error for the missing reason")
	}
	pageWantRedirect(t, "reject", appr.post(second+"/reject", url.Values{"reason": {"Keep /pets/{id}."}}), second)
	d = doc(t, dev.get(second))
	if got := d.Find(`[data-testid="request-state"]`).Text(); got != "rejected" {
		t.Errorf("request state = %q, want rejected", got)
	}
	if got := d.Find(`[data-testid="decision-comment"]`).Text(); got != "Keep /pets/{id}." {
		t.Errorf("decision comment = %q", got)
	}
	if n := doc(t, appr.get("/reviews?state=decided")).Find(`[data-testid="review-row"]`).Length(); n != 2 {
		t.Errorf("decided requests = %d, want 2", n)
	}

	// Four eyes: an admin's own request is refused unless they override.
	pageWantRedirect(t, "admin creates 2.0.0", adm.upload("/apis/pets/versions", map[string]string{"version": "2.0.0", "spec": spectest.PetsBreaking}, "", nil), "/apis/pets/versions/2.0.0")
	res = adm.post("/apis/pets/versions/2.0.0/submit", nil)
	res.Body.Close()
	third := res.Header.Get("Location")
	d = doc(t, adm.get(third))
	if d.Find(`[data-testid="override-four-eyes"]`).Length() != 1 {
		t.Error("an admin requester sees no override checkbox")
	}
	if doc(t, appr.get(third)).Find(`[data-testid="override-four-eyes"]`).Length() != 0 {
		t.Error("a reviewer who is not the requester sees the override checkbox")
	}
	pageWantRedirect(t, "self-approval", adm.post(third+"/approve", nil), third)
	if got := doc(t, adm.get(third)).Find(`[data-testid="flash"]`).Text(); !strings.Contains(got, "own publication request") {
		t.Errorf("self-approval flash = %q", got)
	}
	pageWantRedirect(t, "override", adm.post(third+"/approve", url.Values{"override": {"yes"}}), "/apis/pets/versions/2.0.0")
	if doc(t, adm.get(third)).Find(`[data-testid="override"]`).Length() != 1 {
		t.Error("the override is not shown on the request")
	}

	// The requester was notified of each decision.
	d = doc(t, dev.get("/notifications"))
	if n := d.Find(`[data-testid="notification"]`).Length(); n != 2 {
		t.Errorf("developer notifications = %d, want 2 (approved, rejected)", n)
	}
}

func TestDeprecateAndRetirePages(t *testing.T) {
	e := newEnv(t)
	admin := e.user("admin", policy.RoleAdmin, "", "")
	e.user("maintainer", policy.RoleMember, "payments", policy.RoleMaintainer)
	e.user("developer", policy.RoleMember, "payments", policy.RoleDeveloper)
	a := pagePublishedAPI(t, e, admin, "payments", "pets", store.VisibilityPublic, spectest.PetsV1)
	svc := pageLife(t, e)
	v2, err := svc.CreateVersion(context.Background(), admin, a, "2.0.0", []byte(spectest.PetsBreaking))
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Import(context.Background(), admin, a, v2); err != nil {
		t.Fatal(err)
	}

	dev := e.browser()
	dev.login("developer")
	if doc(t, dev.get("/apis/pets/versions/1.0.0")).Find(`[data-testid="deprecate-form"]`).Length() != 0 {
		t.Error("a developer sees the deprecate form")
	}

	b := e.browser()
	b.login("maintainer")
	d := doc(t, b.get("/apis/pets/versions/1.0.0"))
	successors := d.Find(`select[name="successor"] option`).Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("value", "") })
	if !slices.Contains(successors, "2.0.0") {
		t.Errorf("successor options = %v, want 2.0.0", successors)
	}
	tomorrow := time.Now().UTC().Add(24 * time.Hour).Format("2006-01-02")
	res := b.post("/apis/pets/versions/1.0.0/deprecate", url.Values{"sunset": {tomorrow}, "successor": {"2.0.0"}})
	pageWantStatus(t, "too-early sunset", res, http.StatusUnprocessableEntity)
	d = doc(t, res)
	if msg := d.Find(`[data-testid="error-sunset"]`).Text(); !strings.Contains(msg, "notice") {
		t.Errorf("sunset error = %q, want the minimum notice", msg)
	}
	if got := d.Find(`input[name="sunset"]`).AttrOr("value", ""); got != tomorrow {
		t.Errorf("sunset field = %q, want the submitted %q", got, tomorrow)
	}
	sunset := time.Now().UTC().Add(60 * 24 * time.Hour).Format("2006-01-02")
	pageWantRedirect(t, "deprecate", b.post("/apis/pets/versions/1.0.0/deprecate", url.Values{"sunset": {sunset}, "successor": {"2.0.0"}}), "/apis/pets/versions/1.0.0")
	d = doc(t, b.get("/apis/pets/versions/1.0.0"))
	banner := d.Find(`[data-testid="deprecation-banner"]`)
	if !strings.Contains(banner.Text(), sunset) || banner.Find(`a[href="/apis/pets/versions/2.0.0"]`).Length() != 1 {
		t.Errorf("deprecation banner = %q, want the sunset and a link to the successor", banner.Text())
	}
	if d.Find(`[data-testid="undeprecate-form"]`).Length() != 1 {
		t.Error("no undo form on a deprecated version")
	}
	// A refused transition: flash and back.
	pageWantRedirect(t, "deprecate twice", b.post("/apis/pets/versions/1.0.0/deprecate", url.Values{"sunset": {sunset}}), "/apis/pets/versions/1.0.0")
	if got := doc(t, b.get("/apis/pets/versions/1.0.0")).Find(`[data-testid="flash"]`).Text(); !strings.Contains(got, "Cannot deprecate") {
		t.Errorf("flash = %q, want the refusal", got)
	}
	pageWantRedirect(t, "undeprecate", b.post("/apis/pets/versions/1.0.0/undeprecate", nil), "/apis/pets/versions/1.0.0")
	if got := doc(t, b.get("/apis/pets/versions/1.0.0")).Find(`[data-testid="state"]`).First().Text(); got != "published" {
		t.Errorf("state after undo = %q, want published", got)
	}

	// Retire needs the version typed as confirmation.
	pageWantStatus(t, "retire unconfirmed", b.post("/apis/pets/versions/1.0.0/retire", nil), http.StatusUnprocessableEntity)
	if got := doc(t, b.get("/apis/pets/versions/1.0.0")).Find(`[data-testid="state"]`).First().Text(); got != "published" {
		t.Errorf("state after unconfirmed retire = %q, want published", got)
	}
	pageWantRedirect(t, "retire", b.post("/apis/pets/versions/1.0.0/retire", url.Values{"confirm": {"1.0.0"}}), "/apis/pets/versions/1.0.0")
	d = doc(t, b.get("/apis/pets"))
	if d.Find(`[data-testid="versions-table"] [data-version="1.0.0"]`).Length() != 0 {
		t.Error("the retired version is still in the main versions table")
	}
	if d.Find(`[data-testid="retired-versions"] [data-version="1.0.0"]`).Length() != 1 {
		t.Error("the retired version is not in the retired section")
	}
	if got := d.Find(`[data-testid="versions-table"] [data-testid="default-version"]`).Closest("tr").AttrOr("data-version", ""); got != "2.0.0" {
		t.Errorf("default version = %q, want 2.0.0", got)
	}
	actions := d.Find(`[data-testid="audit-action"]`).Map(func(_ int, s *goquery.Selection) string { return s.Text() })
	for _, want := range []string{"version.deprecate", "version.undeprecate", "version.retire"} {
		if !slices.Contains(actions, want) {
			t.Errorf("history actions = %v, want %s", actions, want)
		}
	}
}

func TestPrivateAPIPages(t *testing.T) {
	e := newEnv(t)
	admin := e.user("admin", policy.RoleAdmin, "", "")
	e.user("member", policy.RoleMember, "", "")
	e.user("outsider", policy.RoleMember, "search", policy.RoleOwner)
	e.user("viewer", policy.RoleMember, "payments", policy.RoleViewer)
	pagePublishedAPI(t, e, admin, "payments", "secret", store.VisibilityTeam, spectest.PetsV1)
	a := pagePublishedAPI(t, e, admin, "payments", "open", store.VisibilityPublic, spectest.PetsV1)
	if _, err := pageLife(t, e).CreateVersion(context.Background(), admin, a, "1.1.0", nil); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		who, path string
		want      int
	}{
		{"member", "/apis/secret", 404},
		{"outsider", "/apis/secret", 404},
		{"outsider", "/apis/secret/versions/1.0.0", 404},
		{"outsider", "/apis/secret/versions/1.0.0/openapi.json", 404},
		{"viewer", "/apis/secret", 200},
		{"viewer", "/apis/secret/versions/1.0.0", 200},
		{"member", "/apis/open", 200},
		{"member", "/apis/open/versions/1.0.0", 200},
		{"member", "/apis/open/versions/1.1.0", 404}, // a draft is the team's work in progress
		{"viewer", "/apis/open/versions/1.1.0", 200},
	}
	browsers := map[string]*browser{}
	for _, tt := range tests {
		b := browsers[tt.who]
		if b == nil {
			b = e.browser()
			b.login(tt.who)
			browsers[tt.who] = b
		}
		res := b.get(tt.path)
		res.Body.Close()
		if res.StatusCode != tt.want {
			t.Errorf("GET %s as %s: status %d, want %d", tt.path, tt.who, res.StatusCode, tt.want)
		}
	}
	if n := doc(t, browsers["member"].get("/apis/open")).Find(`[data-version="1.1.0"]`).Length(); n != 0 {
		t.Error("the draft is listed for a member outside the team")
	}
	if n := doc(t, browsers["member"].get("/teams/payments")).Find(`[data-testid="api-card"]`).Length(); n != 1 {
		t.Errorf("API cards on the team page for a member = %d, want only the public one", n)
	}
	if n := doc(t, browsers["viewer"].get("/teams/payments")).Find(`[data-testid="api-card"]`).Length(); n != 2 {
		t.Errorf("API cards on the team page for a viewer = %d, want 2", n)
	}
}

func TestNotificationsAndDashboard(t *testing.T) {
	e := newEnv(t)
	admin := e.user("admin", policy.RoleAdmin, "", "")
	dev := e.user("developer", policy.RoleMember, "payments", policy.RoleDeveloper)
	e.user("approver", policy.RoleApprover, "", "")
	a := pagePublishedAPI(t, e, admin, "payments", "pets", store.VisibilityPublic, spectest.PetsV1)
	svc := pageLife(t, e)
	v, err := svc.CreateVersion(context.Background(), dev, a, "1.1.0", nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := svc.Submit(context.Background(), dev, a, v, "")
	if err != nil {
		t.Fatal(err)
	}

	b := e.browser()
	b.login("approver")
	d := doc(t, b.get("/"))
	if got := d.Find(`[data-testid="unread-count"]`).Text(); got != "1" {
		t.Errorf("unread count = %q, want 1", got)
	}
	if href := d.Find(`[data-testid="waiting-reviews"] [data-testid="waiting-item"] a`).AttrOr("href", ""); href != fmt.Sprintf("/reviews/%d", r.ID) {
		t.Errorf("waiting review link = %q, want the request", href)
	}
	d = doc(t, b.get("/notifications"))
	if href := d.Find(`[data-testid="notification"] a`).AttrOr("href", ""); href != fmt.Sprintf("/reviews/%d", r.ID) {
		t.Errorf("notification link = %q, want the request", href)
	}
	pageWantRedirect(t, "mark read", b.post("/notifications/read", nil), "/notifications")
	d = doc(t, b.get("/notifications"))
	if d.Find(`[data-testid="unread-count"]`).Length() != 0 || d.Find(`[data-testid="unread"]`).Length() != 0 {
		t.Error("notifications are still unread after marking them read")
	}

	devB := e.browser()
	devB.login("developer")
	if got := doc(t, devB.get("/")).Find(`[data-testid="in-progress"] [data-testid="waiting-item"]`).Text(); !strings.Contains(got, "Pets 1.1.0") {
		t.Errorf("developer's in-progress list = %q, want Pets 1.1.0", got)
	}
}

func TestAuditPage(t *testing.T) {
	e := newEnv(t)
	admin := e.user("admin", policy.RoleAdmin, "", "")
	e.team("search")
	pagePublishedAPI(t, e, admin, "payments", "pets", store.VisibilityPublic, spectest.PetsV1)
	ctx := context.Background()
	searchTeam := e.team("search")
	for i := 0; i < 60; i++ {
		if err := e.store.Audit(ctx, e.store.DB(), &store.AuditEvent{Actor: "robot", Action: "test.event", ObjectType: "team", ObjectID: "search", TeamID: &searchTeam.ID}, store.Now()); err != nil {
			t.Fatal(err)
		}
	}
	b := e.browser()
	b.login("admin")

	count := func(path string) (int, string) {
		d := doc(t, b.get(path))
		return d.Find(`[data-testid="audit-row"]`).Length(), d.Find(`[data-testid="older"]`).AttrOr("href", "")
	}
	tests := []struct {
		path      string
		wantRows  int
		wantOlder bool
	}{
		{"/audit?action=api.create", 1, false},
		{"/audit?object_type=version", 2, false}, // version.create, version.import
		{"/audit?team=payments", 3, false},
		{"/audit?actor=admin", 3, false},
		{"/audit?actor=robot", 50, true},
		{"/audit?team=nope", 0, false},
	}
	for _, tt := range tests {
		rows, older := count(tt.path)
		if rows != tt.wantRows || (older != "") != tt.wantOlder {
			t.Errorf("%s: %d rows, older link %q; want %d rows, older link %v", tt.path, rows, older, tt.wantRows, tt.wantOlder)
		}
	}
	_, older := count("/audit?actor=robot")
	rows, next := count(older)
	if rows != 10 || next != "" || !strings.HasPrefix(older, "/audit?actor=robot&before=") {
		t.Errorf("older page %s: %d rows, older link %q; want /audit?actor=robot&before=… with 10 rows and no older page", older, rows, next)
	}
}
