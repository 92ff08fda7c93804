package handlers_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/spec/spectest"
)

// TestPagesAreAccessible opens every page of the route table, and forms
// answered with field errors, as an admin over seeded data, and checks the
// rules of accessibility and of well-formed HTML that can be checked
// mechanically: a language, a title and one h1; every control, button and
// link with an accessible name; labels pointing at a control; unique ids;
// field errors tied to their field; nothing clickable that a keyboard cannot
// reach; no nested forms or links, no block in a paragraph, nothing left
// open.
func TestPagesAreAccessible(t *testing.T) {
	se := newEnvWithSearch(t)
	e := &lcEnv{env: se.env, tok: map[string]string{}}
	for _, u := range []struct{ name, orgRole, team, teamRole string }{
		{"admin", policy.RoleAdmin, "", ""},
		{"dev", policy.RoleMember, "payments", policy.RoleDeveloper},
		{"maint", policy.RoleMember, "payments", policy.RoleMaintainer},
		{"appr", policy.RoleApprover, "", ""},
		{"outsider", policy.RoleMember, "search", policy.RoleOwner},
	} {
		e.tok[u.name] = e.token(e.user(u.name, u.orgRole, u.team, u.teamRole))
	}
	e.createAPI("pets", "public")
	e.call("PATCH", "/api/v1/apis/pets", "maint", map[string]any{"tags": []string{"animals"}}, 200)
	e.version("pets", "1.0.0", lifecycle.Published)
	e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "free", "name": "Free", "approval": "auto"}, 201)
	e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "gold", "name": "Gold", "approval": "manual"}, 201)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "finder", "name": "Finder"}, 201)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "seeker", "name": "Seeker"}, 201)
	active := fmt.Sprint(e.call("POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "free", "purpose": "search pets"}, 201)["id"])
	pending := fmt.Sprint(e.call("POST", "/api/v1/apps/seeker/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "gold", "purpose": "seek pets"}, 201)["id"])
	kid := fmt.Sprint(e.call("POST", "/api/v1/subscriptions/"+active+"/keys", "outsider", map[string]any{"name": "production"}, 201)["id"])
	e.call("POST", "/api/v1/subscriptions/"+active+"/keys", "outsider", map[string]any{"name": "staging"}, 201)
	e.version("pets", "2.0.0", lifecycle.Published)
	e.call("POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "free", "major": 2, "purpose": "search pets, v2"}, 201)
	e.call("POST", "/api/v1/apis/pets/versions", "dev", map[string]any{"version": "1.1.0", "spec": spectest.PetsBreaking}, 201)
	review := fmt.Sprint(e.call("POST", "/api/v1/apis/pets/versions/1.1.0/submit", "dev", nil, 201)["id"])
	detail := e.call("GET", "/api/v1/reviews/"+review+"?kind=change&severity=error", "appr", nil, 200)
	acceptPath := "/reviews/" + review + "/findings/" + detail["findings"].([]any)[0].(map[string]any)["key"].(string) + "/accept"
	e.createAPI("dogs", "public")
	e.version("dogs", "1.0.0", lifecycle.Draft)
	e.call("POST", "/api/v1/gateway/nodes", "admin", map[string]any{"name": "node-a"}, 201)
	se.drain()

	// Every GET route that answers a page, opened at one path.
	pages := map[string]string{
		"/login":                                 "/login",
		"/":                                      "/",
		"/profile":                               "/profile",
		"/password":                              "/password",
		"/users":                                 "/users",
		"/users/new":                             "/users/new",
		"/users/:username/edit":                  "/users/dev/edit",
		"/teams":                                 "/teams",
		"/teams/new":                             "/teams/new",
		"/teams/:team":                           "/teams/payments",
		"/teams/:team/apis/new":                  "/teams/payments/apis/new",
		"/apis/:api":                             "/apis/pets",
		"/apis/:api/edit":                        "/apis/pets/edit",
		"/apis/:api/versions/new":                "/apis/pets/versions/new",
		"/apis/:api/versions/:version":           "/apis/pets/versions/1.0.0",
		"/apis/:api/versions/:version/edit":      "/apis/dogs/versions/1.0.0/edit",
		"/apis/:api/versions/:version/reference": "/apis/pets/versions/1.0.0/reference",
		"/reviews":                               "/reviews",
		"/reviews/:id":                           "/reviews/" + review,
		"/rules":                                 "/rules",
		"/notifications":                         "/notifications",
		"/audit":                                 "/audit",
		"/apps":                                  "/apps",
		"/apps/:app":                             "/apps/finder",
		"/apis/:api/subscribe":                   "/apis/pets/subscribe",
		"/apis/:api/subscribers":                 "/apis/pets/subscribers",
		"/apis/:api/usage":                       "/apis/pets/usage",
		"/subscriptions/requests":                "/subscriptions/requests",
		"/subscriptions/:id/keys":                "/subscriptions/" + active + "/keys",
		"/subscriptions/:id/usage":               "/subscriptions/" + active + "/usage",
		"/gateway":                               "/gateway",
		"/apis/:api/gateway":                     "/apis/pets/gateway",
		"/catalog":                               "/catalog",
		"/catalog/facets/:facet":                 "/catalog/facets/tag",
		"/search/synonyms":                       "/search/synonyms",
	}
	notPages := map[string]bool{ // GET routes that answer no page
		"/healthz": true, "/readyz": true, "/metrics": true, "/mcp": true,
		"/apis/:api/versions/:version/openapi": true, "/apis/:api/versions/:version/openapi.json": true,
	}
	for _, r := range routesOf(t, e.env) {
		if r[0] == "GET" && !strings.HasPrefix(r[1], "/api/") && !notPages[r[1]] && pages[r[1]] == "" {
			t.Errorf("GET %s: the test opens no page for this route", r[1])
		}
	}

	check := func(who, method, path string, res *http.Response, want int, form ...url.Values) {
		t.Helper()
		defer res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("%s %s as %s: status %d, want %d", method, path, who, res.StatusCode, want)
			return
		}
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range a11yProblems(string(body)) {
			t.Errorf("%s %s: %s", method, path, p)
		}
		if len(form) > 0 {
			for _, p := range requiredProblems(string(body), form[0]) {
				t.Errorf("%s %s: %s", method, path, p)
			}
		}
	}

	routes := make([]string, 0, len(pages))
	for r := range pages {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	admin := e.browser()
	admin.login("admin")
	for _, r := range routes {
		path := pages[r]
		switch r {
		case "/login":
			check("nobody", "GET", path, e.browser().get(path), 200)
		case "/password": // only a user with a one-time password sees it
			d := doc(t, admin.post("/users", url.Values{"username": {"dana"}, "org_role": {"member"}}))
			oneTime := strings.TrimSpace(d.Find(`[data-testid="one-time-password"]`).Text())
			dana := e.browser()
			dana.post("/login", url.Values{"username": {"dana"}, "password": {oneTime}}).Body.Close()
			check("dana", "GET", path, dana.get(path), 200)
		default:
			check("admin", "GET", path, admin.get(path), 200)
		}
	}
	for _, who := range []string{"dev", "maint", "appr", "outsider"} {
		b := e.browser()
		b.login(who)
		for _, r := range routes {
			if r == "/login" || r == "/password" {
				continue
			}
			res := b.get(pages[r])
			if res.StatusCode == 200 {
				check(who, "GET", pages[r], res, 200)
			} else {
				res.Body.Close()
			}
		}
	}
	// The page that shows a reset password once (dana, created for the
	// one-time password page above, is not used after it).
	check("admin", "POST", "/users/dana/password-reset", admin.post("/users/dana/password-reset", nil), 200)
	for _, pth := range []string{"/apis/nope", "/catalog?q=zzzzqqq", "/audit?team=payments", "/reviews?tab=decided", "/apis/pets/versions/1.1.0", "/apis/pets/subscribers?state=pending"} {
		res := admin.get(pth)
		check("admin", "GET", pth, res, res.StatusCode)
	}
	// A page with an error flash: editing a published version is refused.
	if res := admin.get("/apis/pets/versions/1.0.0/edit"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("GET /apis/pets/versions/1.0.0/edit: status %d, want 303 with an error flash", res.StatusCode)
	} else {
		res.Body.Close()
		to := res.Header.Get("Location")
		check("admin", "GET", to+" (error flash)", admin.get(to), 200)
	}
	// The catalog with a query, as its search box asks for it.
	check("admin", "GET", "/catalog?q=pets", admin.get("/catalog?q=pets"), 200)

	// Forms answered with their field errors.
	for _, f := range []struct {
		who, path string
		form      url.Values
	}{
		{"admin", "/users", url.Values{"username": {"Bad Name"}, "email": {"not an address"}, "org_role": {"member"}}},
		{"admin", "/users/dev", url.Values{"display_name": {"Dev"}, "email": {"not an address"}, "org_role": {"member"}}},
		{"admin", "/teams", url.Values{"slug": {"Bad!"}, "name": {""}}},
		{"admin", "/teams/payments/members", url.Values{"username": {"nobody"}, "role": {"maintainer"}}},
		{"admin", "/teams/payments/members/dev", url.Values{"role": {"boss"}}},
		{"admin", "/teams/payments/apis", url.Values{"slug": {"Bad Slug!"}, "name": {"Cards"}, "visibility": {"team"}}},
		{"admin", "/apis/pets", url.Values{"name": {""}, "visibility": {"public"}}},
		{"admin", "/apis/pets/versions", url.Values{"version": {"two"}, "spec": {"openapi: [this is not"}}},
		{"admin", "/apis/dogs/versions/1.0.0/spec", url.Values{"spec": {"openapi: [this is not"}}},
		{"admin", "/apis/pets/versions/1.0.0/deprecate", url.Values{"sunset": {"2001-01-01"}}},
		{"appr", "/reviews/" + review + "/reject", url.Values{"reason": {""}}},
		{"admin", "/apis/pets/plans", url.Values{"slug": {"Bad!"}, "name": {"Silver"}, "rate_per_minute": {"-1"}, "approval": {"manual"}}},
		{"outsider", "/apps", url.Values{"team": {"search"}, "slug": {"Bad!"}, "name": {"Hunter"}}},
		{"outsider", "/apps/finder", url.Values{"name": {""}}},
		{"outsider", "/apis/pets/subscribe", url.Values{"plan": {"gold"}, "major": {"1"}, "app": {"new"}, "team": {"search"}, "app_name": {"Tracker"}, "app_slug": {"tracker"}, "purpose": {""}}},
		{"outsider", "/apis/pets/subscribe", url.Values{"major": {"1"}, "app": {"new"}, "team": {"search"}, "app_name": {"Tracker"}, "app_slug": {"tracker"}, "purpose": {"track"}}},
		{"outsider", "/apps", url.Values{"team": {"nope"}, "slug": {"hunter"}, "name": {"Hunter"}}},
		{"outsider", "/subscriptions/" + active + "/keys", url.Values{"name": {"staging"}, "expires_at": {"2001-01-01"}}},
		{"outsider", "/keys/" + kid + "/rotate", url.Values{"grace": {"86400"}, "grace_until": {"2001-01-01"}}},
		{"maint", "/subscriptions/" + pending + "/reject", url.Values{"back": {"/subscriptions/requests"}, "reason": {strings.Repeat("too long ", 300)}}},
		{"admin", "/search/synonyms", url.Values{"synonyms": {"repo, repository\n" + strings.Repeat("x", 500) + ", y"}}},
		{"admin", "/rules?kind=breaking", url.Values{"severity:api-path-removed-without-deprecation": {"loud"}}},
		{"admin", "/profile", url.Values{"display_name": {"Admin"}, "email": {"not an address"}}},
		{"admin", "/profile/password", url.Values{"current": {"wrong password here"}, "new": {"a new long password"}, "confirm": {"a new long password"}}},
		{"admin", "/profile/tokens", url.Values{"name": {""}, "expires_days": {"30"}}},
		{"admin", "/gateway/nodes", url.Values{"name": {"Bad Node!"}}},
		// Fields left empty that the server requires.
		{"admin", "/users", url.Values{"username": {""}, "org_role": {"member"}}},
		{"admin", "/teams/payments/members", url.Values{"username": {""}, "role": {"maintainer"}}},
		{"admin", "/teams/payments/apis", url.Values{"slug": {""}, "name": {""}, "visibility": {"team"}}},
		{"admin", "/apis/pets/versions", url.Values{"version": {""}, "spec": {""}}},
		{"admin", "/apis/pets/plans", url.Values{"slug": {""}, "name": {""}, "approval": {"manual"}}},
		{"admin", "/apis/pets/plans/free", url.Values{"name": {""}, "approval": {"auto"}}},
		{"outsider", "/apps", url.Values{"team": {"search"}, "slug": {""}, "name": {""}}},
		{"appr", acceptPath, url.Values{"reason": {""}}},
		{"maint", "/subscriptions/" + pending + "/reject", url.Values{"back": {"/subscriptions/requests"}, "reason": {""}}},
		{"admin", "/gateway/nodes", url.Values{"name": {""}}},
		{"admin", "/apis/pets/gateway/1", url.Values{"targets": {""}}},
		{"admin", "/apis/pets/gateway/1", url.Values{"targets": {"not a url"}, "connect_timeout_ms": {"100"}, "response_timeout_ms": {"2000"}}},
	} {
		b := e.browser()
		b.login(f.who)
		check(f.who, "POST", f.path, b.post(f.path, f.form), http.StatusUnprocessableEntity, f.form)
	}
}

// requiredProblems lists the fields of the form that were sent empty, are
// answered with an error beside them, and are not marked required: the
// browser and assistive technology could have said so before sending.
func requiredProblems(body string, form url.Values) []string {
	if !a11yRules["required"] {
		return nil
	}
	doc, err := xhtml.Parse(strings.NewReader(body))
	if err != nil {
		return []string{"unparsable: " + err.Error()}
	}
	var out []string
	for _, n := range elements(doc) {
		field := strings.TrimPrefix(attr(n, "data-testid"), "error-")
		if field == attr(n, "data-testid") || !form.Has(field) || strings.TrimSpace(form.Get(field)) != "" {
			continue
		}
		scope := n
		for scope.Parent != nil && scope.Data != "form" {
			scope = scope.Parent
		}
		for _, c := range elements(scope) {
			if (c.Data == "input" || c.Data == "select" || c.Data == "textarea") && attr(c, "name") == field && attr(c, "type") != "hidden" &&
				!hasAttr(c, "required") && attr(c, "aria-required") != "true" {
				out = append(out, fmt.Sprintf("field %q was sent empty and refused, but is not marked required", field))
				break
			}
		}
	}
	return out
}

// a11yRules are the rules a11yProblems checks: structure (no nested
// forms, links or buttons, no block in a paragraph, every element closed),
// document (a language, a title naming the page, one h1, no heading level
// skipped), keyboard (nothing htmx makes clickable is out of reach of the
// keyboard), live (what htmx swaps in as the user types is in a live
// region), tables (a data table has header cells), names (every control,
// button, summary and link with an accessible name, every link with an
// href, every image with an alt), ids (ids unique, every label and aria
// reference pointing at an element, a label at a control), field-errors (a
// field answered with an error carries aria-invalid and points at its
// message with aria-describedby), hints (a field's hint is in its
// aria-describedby), purpose (a field asking users about themselves has
// an autocomplete naming it), current (what is shown as the current tab,
// link or filter has aria-current), flash (an error flash is an alert,
// the others a status); and required, which requiredProblems checks.
var a11yRules = map[string]bool{"structure": true, "document": true, "keyboard": true, "ids": true, "names": true, "live": true, "tables": true, "field-errors": true, "hints": true, "purpose": true, "current": true, "flash": true, "required": true}

// ownData gives the autocomplete of the fields (form action and name)
// where users give their own name, address or username.
var ownData = map[string]string{
	"/login username":       "username",
	"/profile display_name": "name",
	"/profile email":        "email",
}

// voidElements have no end tag.
var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
	"img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}

// blockElements close an open <p>: a browser moves them out of it.
var blockElements = map[string]bool{"address": true, "article": true, "aside": true, "blockquote": true, "details": true,
	"div": true, "dl": true, "fieldset": true, "figure": true, "footer": true, "form": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "header": true, "hr": true, "main": true, "nav": true, "ol": true,
	"p": true, "pre": true, "section": true, "table": true, "ul": true}

// a11yProblems lists what is wrong with the page body.
func a11yProblems(body string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(rule, format string, args ...any) {
		p := fmt.Sprintf(format, args...)
		if a11yRules[rule] && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}

	// The markup as written: the parser would repair what follows
	// silently (an inner form dropped, a paragraph closed early).
	z := xhtml.NewTokenizer(strings.NewReader(body))
	var stack []string
	in := func(name string) bool {
		for _, s := range stack {
			if s == name {
				return true
			}
		}
		return false
	}
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			break
		}
		tok := z.Token()
		name := tok.Data
		switch tt {
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			switch {
			case name == "form" && in("form"):
				add("structure", "a form inside a form")
			case name == "a" && in("a"):
				add("structure", "a link inside a link")
			case (name == "a" || name == "button" || name == "select" || name == "textarea") && in("button"):
				add("structure", "<%s> inside a button", name)
			case name == "button" && in("a"):
				add("structure", "a button inside a link")
			case blockElements[name] && in("p"):
				add("structure", "<%s> inside <p>", name)
			}
			if tt == xhtml.StartTagToken && !voidElements[name] {
				stack = append(stack, name)
			}
		case xhtml.EndTagToken:
			i := len(stack) - 1
			for i >= 0 && stack[i] != name {
				i--
			}
			if i < 0 {
				add("structure", "</%s> closes nothing", name)
				continue
			}
			for _, open := range stack[i+1:] {
				add("structure", "<%s> left open inside <%s>", open, name)
			}
			stack = stack[:i]
		}
	}
	for _, open := range stack {
		add("structure", "<%s> never closed", open)
	}

	doc, err := xhtml.Parse(strings.NewReader(body))
	if err != nil {
		return append(out, "unparsable: "+err.Error())
	}
	var all []*xhtml.Node
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode {
			all = append(all, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	ids := map[string]*xhtml.Node{}
	for _, n := range all {
		if id := attr(n, "id"); id != "" {
			if ids[id] != nil {
				add("ids", "id %q used twice", id)
			}
			ids[id] = n
		}
	}
	labelFor := map[string]*xhtml.Node{}
	var h1s, lastLevel int
	for _, n := range all {
		switch n.Data {
		case "html":
			if strings.TrimSpace(attr(n, "lang")) == "" {
				add("document", "<html> has no lang")
			}
		case "title":
			if title := strings.TrimSpace(text(n)); title == "" || title == "Portico" {
				add("document", "the title %q does not name the page", title)
			}
		case "label":
			if f := attr(n, "for"); f != "" {
				labelFor[f] = n
				if t := ids[f]; t == nil {
					add("ids", "label %q is for %q, which is no element", strings.TrimSpace(text(n)), f)
				} else if !labelable(t) {
					add("ids", "label %q is for <%s id=%q>, which takes no label", strings.TrimSpace(text(n)), t.Data, f)
				}
			}
		case "h1", "h2", "h3", "h4", "h5", "h6":
			level := int(n.Data[1] - '0')
			if level == 1 {
				h1s++
			}
			if level > lastLevel+1 {
				add("document", "heading <%s> %q follows <h%d>", n.Data, strings.TrimSpace(text(n)), lastLevel)
			}
			lastLevel = level
		}
	}
	if h1s != 1 {
		add("document", "%d <h1>, want 1", h1s)
	}
	for _, n := range all {
		for _, a := range []string{"aria-labelledby", "aria-describedby", "aria-controls"} {
			for _, id := range strings.Fields(attr(n, a)) {
				if ids[id] == nil {
					add("ids", "<%s> %s names %q, which is no element", n.Data, a, id)
				}
			}
		}
		switch n.Data {
		case "input", "select", "textarea":
			typ := strings.ToLower(attr(n, "type"))
			if n.Data == "input" && (typ == "hidden" || typ == "submit" || typ == "reset" || typ == "button" || typ == "image") {
				if typ != "hidden" && name(n, ids) == "" && attr(n, "value") == "" && typ != "submit" && typ != "reset" {
					add("names", "<input type=%s> has no accessible name", typ)
				}
				continue
			}
			if controlName(n, ids, labelFor) == "" {
				add("names", "<%s name=%q> has no accessible name (no label, no aria-label)", n.Data, attr(n, "name"))
			}
		case "button", "summary":
			if name(n, ids) == "" {
				add("names", "<%s> has no accessible name", n.Data)
			}
		case "a":
			if !hasAttr(n, "href") {
				add("names", "<a> %q has no href", strings.TrimSpace(text(n)))
			} else if name(n, ids) == "" {
				add("names", "link to %q has no accessible name", attr(n, "href"))
			}
		case "img":
			if !hasAttr(n, "alt") {
				add("names", "<img src=%q> has no alt", attr(n, "src"))
			}
		case "table":
			if !hasDescendant(n, "th") {
				add("tables", "a table without header cells")
			}
		}
		// Something htmx makes clickable must be reachable by keyboard.
		for _, verb := range []string{"hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete"} {
			if !hasAttr(n, verb) {
				continue
			}
			switch n.Data {
			case "a", "button", "form", "input", "select", "textarea":
			default:
				trigger := attr(n, "hx-trigger")
				if (trigger == "" || strings.Contains(trigger, "click")) && !hasAttr(n, "tabindex") {
					add("keyboard", "<%s %s=%q> is clickable but not focusable", n.Data, verb, attr(n, verb))
				}
			}
		}
		// What htmx swaps in from a search must be announced.
		if target := attr(n, "hx-target"); strings.HasPrefix(target, "#") && (n.Data == "input" || n.Data == "select") {
			// A region replaced whole (outerHTML) is a new node: only a
			// live region around it announces the change.
			live := false
			for r := ids[target[1:]]; r != nil && r.Type == xhtml.ElementNode; r = r.Parent {
				if (attr(r, "aria-live") != "" || attr(r, "role") == "status" || attr(r, "role") == "log") &&
					(r != ids[target[1:]] || !strings.HasPrefix(attr(n, "hx-swap"), "outerHTML")) {
					live = true
					break
				}
			}
			// Or a status region apart from it (data-status-of names the
			// region), which the answer fills out of band: the catalog says
			// "12 APIs found", not every result.
			for _, r := range all {
				if !live && ids[target[1:]] != nil && attr(r, "role") == "status" && attr(r, "data-status-of") == target[1:] &&
					!inside(r, ids[target[1:]]) {
					live = true
				}
			}
			if ids[target[1:]] != nil && !live {
				add("live", "%s, which htmx fills as the user types, is in no aria-live region and no status announces it", target)
			}
		}
	}
	// The fields asking users about themselves say so (WCAG 1.3.5): the
	// browser fills them, assistive technology can mark them.
	for _, n := range all {
		if n.Data != "form" {
			continue
		}
		for _, c := range elements(n) {
			if c.Data != "input" || attr(c, "type") == "hidden" {
				continue
			}
			want := ownData[attr(n, "action")+" "+attr(c, "name")]
			if attr(c, "type") == "password" && want == "" {
				want = "current-password or new-password"
			}
			if got := attr(c, "autocomplete"); want != "" && (got == "" || !strings.Contains(want, got)) {
				add("purpose", "field %q of the form to %s has autocomplete %q, want %s", attr(c, "name"), attr(n, "action"), got, want)
			}
		}
	}
	// A flash saying that something failed interrupts (role=alert, which
	// screen readers announce as it appears); the others wait their turn.
	for _, n := range all {
		classes := strings.Fields(attr(n, "class"))
		if !contains(classes, "flash") {
			continue
		}
		want := "status"
		if contains(classes, "flash-error") {
			want = "alert"
		}
		if got := attr(n, "role"); got != want {
			add("flash", "the flash %q has role %q, want %q", clip(text(n)), got, want)
		}
	}
	// The tab, link or filter shown as the current one says so.
	for _, n := range all {
		for _, class := range strings.Fields(attr(n, "class")) {
			if strings.HasSuffix(class, "-active") && attr(n, "aria-current") == "" && attr(n, "aria-selected") != "true" {
				add("current", "<%s class=%q> %q is shown as the current one but has no aria-current value (empty means false)", n.Data, class, clip(text(n)))
			}
		}
	}
	// A field's hint is read with the field.
	for _, n := range all {
		if n.Data != "div" || !contains(strings.Fields(attr(n, "class")), "field") {
			continue
		}
		var hints, controls []*xhtml.Node
		for _, c := range elements(n) {
			if contains(strings.Fields(attr(c, "class")), "hint") {
				hints = append(hints, c)
			}
			if (c.Data == "input" || c.Data == "select" || c.Data == "textarea") && attr(c, "type") != "hidden" {
				controls = append(controls, c)
			}
		}
		for _, h := range hints {
			for _, c := range controls {
				if id := attr(h, "id"); id == "" || !contains(strings.Fields(attr(c, "aria-describedby")), id) {
					add("hints", "the hint %q of field %q is not in its aria-describedby", clip(text(h)), attr(c, "name"))
				}
			}
		}
	}
	// Field errors are tied to their field.
	for _, n := range all {
		tid := attr(n, "data-testid")
		if !strings.HasPrefix(tid, "error-") {
			continue
		}
		field := strings.TrimPrefix(tid, "error-")
		scope := n
		for scope.Parent != nil && scope.Data != "form" {
			scope = scope.Parent
		}
		var controls []*xhtml.Node
		for _, c := range elements(scope) {
			if (c.Data == "input" || c.Data == "select" || c.Data == "textarea") && attr(c, "name") == field && attr(c, "type") != "hidden" {
				controls = append(controls, c)
			}
		}
		if len(controls) == 0 {
			continue // an error of the form as a whole, shown where its field would be
		}
		id := attr(n, "id")
		for _, c := range controls {
			if attr(c, "aria-invalid") != "true" {
				add("field-errors", "field %q has an error but no aria-invalid=\"true\"", field)
			}
			if id == "" || !contains(strings.Fields(attr(c, "aria-describedby")), id) {
				add("field-errors", "the error of field %q is not in its aria-describedby", field)
			}
		}
	}
	return out
}

func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func attr(n *xhtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *xhtml.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func elements(n *xhtml.Node) []*xhtml.Node {
	var out []*xhtml.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == xhtml.ElementNode {
			out = append(out, c)
			out = append(out, elements(c)...)
		}
	}
	return out
}

func hasDescendant(n *xhtml.Node, tag string) bool {
	for _, c := range elements(n) {
		if c.Data == tag {
			return true
		}
	}
	return false
}

func labelable(n *xhtml.Node) bool {
	switch n.Data {
	case "input":
		return attr(n, "type") != "hidden"
	case "select", "textarea", "button", "meter", "output", "progress":
		return true
	}
	return false
}

// text is the text a screen reader reads for n's content: its text, the
// alt of its images, nothing hidden from assistive technology.
func text(n *xhtml.Node) string {
	var b strings.Builder
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		switch n.Type {
		case xhtml.TextNode:
			b.WriteString(n.Data)
		case xhtml.ElementNode:
			if attr(n, "aria-hidden") == "true" || n.Data == "script" || n.Data == "style" {
				return
			}
			if n.Data == "img" {
				b.WriteString(attr(n, "alt"))
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.TrimSpace(b.String())
}

// name is the accessible name of a button or link.
func name(n *xhtml.Node, ids map[string]*xhtml.Node) string {
	if by := attr(n, "aria-labelledby"); by != "" {
		var parts []string
		for _, id := range strings.Fields(by) {
			if t := ids[id]; t != nil {
				parts = append(parts, text(t))
			}
		}
		if s := strings.TrimSpace(strings.Join(parts, " ")); s != "" {
			return s
		}
	}
	if s := strings.TrimSpace(attr(n, "aria-label")); s != "" {
		return s
	}
	if s := text(n); s != "" {
		return s
	}
	return strings.TrimSpace(attr(n, "title"))
}

// controlName is the accessible name of a form control.
func controlName(n *xhtml.Node, ids, labelFor map[string]*xhtml.Node) string {
	if by := attr(n, "aria-labelledby"); by != "" {
		var parts []string
		for _, id := range strings.Fields(by) {
			if t := ids[id]; t != nil {
				parts = append(parts, text(t))
			}
		}
		if s := strings.TrimSpace(strings.Join(parts, " ")); s != "" {
			return s
		}
	}
	if s := strings.TrimSpace(attr(n, "aria-label")); s != "" {
		return s
	}
	if id := attr(n, "id"); id != "" && labelFor[id] != nil {
		if s := text(labelFor[id]); s != "" {
			return s
		}
	}
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Data == "label" {
			if s := text(p); s != "" {
				return s
			}
		}
	}
	return strings.TrimSpace(attr(n, "title"))
}

// inside reports whether n is in the subtree of root.
func inside(n, root *xhtml.Node) bool {
	for ; n != nil; n = n.Parent {
		if n == root {
			return true
		}
	}
	return false
}
