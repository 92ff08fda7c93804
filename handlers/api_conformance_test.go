package handlers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/handlers"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/spec/spectest"
)

// apiDoc is the JSON API's published description, as a checker of answers.
type apiDoc struct {
	t     *testing.T
	doc   *openapi3.T
	paths []docPath
	// seen counts the documented operations an answer was checked against.
	seen map[string]bool
}

type docPath struct {
	template string
	re       *regexp.Regexp
}

func loadAPIDoc(t *testing.T, e *env) *apiDoc {
	t.Helper()
	res, err := e.app.Test(httptest.NewRequest("GET", "/api/v1/openapi.json", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatal(err)
	}
	d := &apiDoc{t: t, doc: doc, seen: map[string]bool{}}
	param := regexp.MustCompile(`\\\{[^}]+\\\}`)
	for template := range doc.Paths.Map() {
		re := param.ReplaceAllString(regexp.QuoteMeta(template), `[^/]+`)
		d.paths = append(d.paths, docPath{template, regexp.MustCompile("^" + re + "$")})
	}
	// Literal segments win over parameters (/gateway/nodes before /gateway/{x}).
	sort.Slice(d.paths, func(i, j int) bool {
		return strings.Count(d.paths[i].template, "{") < strings.Count(d.paths[j].template, "{")
	})
	return d
}

// operation finds the documented operation of a concrete request path.
func (d *apiDoc) operation(method, path string) (string, *openapi3.Operation) {
	path, _, _ = strings.Cut(path, "?")
	for _, p := range d.paths {
		if p.re.MatchString(path) {
			if op := d.doc.Paths.Value(p.template).GetOperation(method); op != nil {
				return method + " " + p.template, op
			}
		}
	}
	return "", nil
}

// check reports where an answer departs from the description: an
// undocumented status or media type, a body the schema refuses, a field the
// schema does not name.
func (d *apiDoc) check(method, path string, res *http.Response, raw []byte) {
	d.t.Helper()
	what := fmt.Sprintf("%s %s → %d", method, path, res.StatusCode)
	name, op := d.operation(method, path)
	if op == nil {
		d.t.Errorf("%s: no documented operation", what)
		return
	}
	d.seen[name] = true
	resp := op.Responses.Status(res.StatusCode)
	if resp == nil {
		resp = op.Responses.Default()
	}
	if resp == nil || resp.Value == nil {
		d.t.Errorf("%s: status not documented for %s (%s)", what, name, raw)
		return
	}
	if len(resp.Value.Content) == 0 {
		if len(bytes.TrimSpace(raw)) > 0 {
			d.t.Errorf("%s: documented without a body, answered %q", what, raw)
		}
		return
	}
	mt, _, err := mime.ParseMediaType(res.Header.Get("Content-Type"))
	if err != nil {
		d.t.Errorf("%s: Content-Type %q: %v", what, res.Header.Get("Content-Type"), err)
		return
	}
	media := resp.Value.Content.Get(mt)
	if media == nil {
		d.t.Errorf("%s: Content-Type %s not documented (documented: %v)", what, mt, contentTypes(resp.Value.Content))
		return
	}
	if media.Schema == nil || media.Schema.Value == nil {
		return
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&v); err != nil {
		d.t.Errorf("%s: body is not JSON: %v", what, err)
		return
	}
	if err := media.Schema.Value.VisitJSON(v, openapi3.MultiErrors(), openapi3.EnableFormatValidation()); err != nil {
		d.t.Errorf("%s: body does not match the schema: %v\nbody: %.600s", what, err, raw)
	}
	for _, extra := range undocumented(media.Schema.Value, v, "") {
		d.t.Errorf("%s: field %s is not in the schema", what, extra)
	}
}

func contentTypes(c openapi3.Content) []string {
	var out []string
	for k := range c {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// undocumented lists the object fields of v that schema s does not name.
func undocumented(s *openapi3.Schema, v any, at string) []string {
	if s == nil {
		return nil
	}
	switch v := v.(type) {
	case map[string]any:
		props := map[string]*openapi3.Schema{}
		open := s.AdditionalProperties.Has != nil && *s.AdditionalProperties.Has || s.AdditionalProperties.Schema != nil
		collect := func(s *openapi3.Schema) {
			for k, p := range s.Properties {
				props[k] = p.Value
			}
		}
		collect(s)
		for _, part := range s.AllOf {
			collect(part.Value)
			if part.Value.AdditionalProperties.Has != nil || part.Value.AdditionalProperties.Schema != nil {
				open = true
			}
		}
		if len(props) == 0 && (s.Type == nil || len(s.AllOf) == 0 && s.Properties == nil) {
			open = true // a free-form object
		}
		var out []string
		for k, val := range v {
			p, ok := props[k]
			switch {
			case ok:
				out = append(out, undocumented(p, val, at+"."+k)...)
			case s.AdditionalProperties.Schema != nil:
				out = append(out, undocumented(s.AdditionalProperties.Schema.Value, val, at+"."+k)...)
			case !open:
				out = append(out, at+"."+k)
			}
		}
		sort.Strings(out)
		return out
	case []any:
		if s.Items == nil {
			return nil
		}
		var out []string
		for i, item := range v {
			out = append(out, undocumented(s.Items.Value, item, at+"["+strconv.Itoa(i)+"]")...)
		}
		return out
	}
	return nil
}

// conformEnv is lcEnv whose every API call is checked against the description.
type conformEnv struct {
	*lcEnv
	doc *apiDoc
}

func (e *conformEnv) call(method, path, who string, body any, want int) map[string]any {
	e.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, path, r)
	if tok := e.tok[who]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := e.app.Test(req, -1)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	if res.StatusCode != want {
		e.t.Errorf("%s %s as %s: status %d, want %d: %s", method, path, who, res.StatusCode, want, raw)
	}
	e.doc.check(method, path, res, raw)
	if loc := res.Header.Get("Location"); res.StatusCode == http.StatusCreated && loc != "" {
		// What was created is at its Location (RFC 9110, 15.3.2), with
		// the times the answer gave.
		sameTimes(e.t, method+" "+path, out, e.call("GET", loc, who, nil, http.StatusOK))
	}
	if res.StatusCode == http.StatusOK && out != nil {
		// What was changed reads back with the times the answer gave:
		// at its own path (PATCH, PUT), or at the object an action is
		// on (POST …/approve).
		at := path
		if method == "POST" {
			at = path[:strings.LastIndex(path, "/")]
		}
		if _, op := e.doc.operation("GET", at); op != nil && method != "GET" && method != "DELETE" {
			sameTimes(e.t, method+" "+path, out, e.call("GET", at, who, nil, http.StatusOK))
		}
	}
	return out
}

// sameTimes reports the times (fields named *_at) that an answer about an
// object gives otherwise than a later read of it: the answer that creates
// or changes it must not be more precise than the database keeps.
func sameTimes(t testing.TB, what string, answer, read map[string]any) {
	t.Helper()
	for k, v := range answer {
		if !strings.HasSuffix(k, "_at") {
			continue
		}
		if w, ok := read[k]; ok && fmt.Sprint(v) != fmt.Sprint(w) {
			t.Errorf("%s answered %s %v; reading it back gives %v", what, k, v, w)
		}
	}
}

// TestAPIAnswersMatchTheDescription calls every operation of the JSON API,
// in success and in the usual failures, and checks each answer against
// openapi.json: its status, media type, schema and fields; the Location of
// a 201 answers GET.
func TestAPIAnswersMatchTheDescription(t *testing.T) {
	// With the gateways' public base URL, versions and subscriptions
	// carry gateway_url, which the description must name too.
	se := newEnvWithSearchAnd(t, func(o *handlers.Options) { o.PublicGatewayURL = "https://api.example.com" })
	lc := &lcEnv{env: se.env, tok: map[string]string{}}
	for _, u := range []struct{ name, orgRole, team, teamRole string }{
		{"admin", policy.RoleAdmin, "", ""},
		{"dev", policy.RoleMember, "payments", policy.RoleDeveloper},
		{"maint", policy.RoleMember, "payments", policy.RoleMaintainer},
		{"viewer", policy.RoleMember, "payments", policy.RoleViewer},
		{"appr", policy.RoleApprover, "", ""},
		{"appr2", policy.RoleApprover, "", ""},
		{"outsider", policy.RoleMember, "search", policy.RoleOwner},
		{"alice", policy.RoleMember, "", ""},
	} {
		lc.tok[u.name] = lc.token(lc.user(u.name, u.orgRole, u.team, u.teamRole))
	}
	e := &conformEnv{lcEnv: lc, doc: loadAPIDoc(t, lc.env)}

	e.call("GET", "/api/v1/openapi.json", "", nil, 200)
	e.call("GET", "/api/v1/me", "dev", nil, 200)
	e.call("GET", "/api/v1/me", "", nil, 401)

	// People and teams.
	e.call("POST", "/api/v1/users", "admin", map[string]any{"username": "bob", "email": "bob@example.com", "org_role": "member"}, 201)
	e.call("POST", "/api/v1/users", "admin", map[string]any{"username": "no spaces"}, 422)
	e.call("POST", "/api/v1/users", "admin", map[string]any{"username": "carol", "king": true}, 400)
	e.call("POST", "/api/v1/users", "dev", map[string]any{"username": "carol"}, 403)
	e.call("GET", "/api/v1/users/bob", "admin", nil, 200)
	e.call("GET", "/api/v1/users/ghost", "admin", nil, 404)
	e.call("GET", "/api/v1/users/bob", "dev", nil, 403)
	e.call("PATCH", "/api/v1/users/bob", "admin", map[string]any{"disabled": false}, 200)
	e.call("PATCH", "/api/v1/users/ghost", "admin", map[string]any{"disabled": true}, 404)
	e.call("POST", "/api/v1/users/bob/password-reset", "admin", nil, 200)
	e.call("POST", "/api/v1/users/admin/password-reset", "admin", nil, 409)
	e.call("POST", "/api/v1/users/ghost/password-reset", "admin", nil, 404)
	e.call("POST", "/api/v1/users/bob/password-reset", "dev", nil, 403)
	e.call("POST", "/api/v1/teams", "admin", map[string]any{"slug": "billing", "name": "Billing"}, 201)
	e.call("POST", "/api/v1/teams", "admin", map[string]any{"slug": "billing", "name": "Billing"}, 422)
	e.call("GET", "/api/v1/teams/payments", "dev", nil, 200)
	e.call("GET", "/api/v1/teams/nobody", "admin", nil, 404)
	e.call("PUT", "/api/v1/teams/billing/members/alice", "admin", map[string]any{"role": "owner"}, 201)
	e.call("PUT", "/api/v1/teams/billing/members/bob", "admin", map[string]any{"role": "developer"}, 201)
	e.call("PUT", "/api/v1/teams/billing/members/bob", "admin", map[string]any{"role": "developer"}, 200)
	e.call("PUT", "/api/v1/teams/billing/members/bob", "admin", map[string]any{"role": "emperor"}, 422)
	e.call("PUT", "/api/v1/teams/billing/members/alice", "dev", map[string]any{"role": "viewer"}, 403)
	e.call("DELETE", "/api/v1/teams/billing/members/bob", "alice", nil, 204)
	e.call("DELETE", "/api/v1/teams/billing/members/alice", "alice", nil, 409)

	// APIs and versions.
	e.call("POST", "/api/v1/apis", "maint", map[string]any{"team": "payments", "slug": "pets", "name": "Pets", "visibility": "public", "tags": []string{"animals"}}, 201)
	e.call("POST", "/api/v1/apis", "maint", map[string]any{"team": "payments", "slug": "vault", "name": "Vault", "visibility": "team"}, 201)
	e.call("POST", "/api/v1/apis", "maint", map[string]any{"team": "nobody", "slug": "x", "name": "X"}, 404)
	e.call("POST", "/api/v1/apis", "dev", map[string]any{"team": "payments", "slug": "y", "name": "Y"}, 403)
	e.call("POST", "/api/v1/apis", "maint", map[string]any{"team": "payments", "slug": "Not A Slug", "name": "Y"}, 422)
	e.call("GET", "/api/v1/apis/pets", "dev", nil, 200)
	e.call("GET", "/api/v1/apis/vault", "outsider", nil, 404)
	e.call("PATCH", "/api/v1/apis/pets", "maint", map[string]any{"summary": "Pets for everyone", "upstreams": []string{"https://pets.example.com"}}, 200)
	e.call("PATCH", "/api/v1/apis/pets", "maint", map[string]any{"summary": "x", "lock_version": 0}, 409)
	e.call("PATCH", "/api/v1/apis/pets", "viewer", map[string]any{"summary": "x"}, 403)
	e.call("POST", "/api/v1/apis/pets/versions", "dev", map[string]any{"version": "1.0.0", "spec": spectest.PetsV1}, 201)
	e.call("POST", "/api/v1/apis/pets/versions", "dev", map[string]any{"version": "nope", "spec": spectest.PetsV1}, 422)
	e.call("POST", "/api/v1/apis/pets/versions", "viewer", map[string]any{"version": "1.0.1"}, 403)
	e.call("GET", "/api/v1/apis/pets/versions", "dev", nil, 200)
	e.call("GET", "/api/v1/apis/pets/versions/1.0.0", "dev", nil, 200)
	e.call("GET", "/api/v1/apis/pets/versions/1.0.0", "outsider", nil, 404)
	e.call("PUT", "/api/v1/apis/pets/versions/1.0.0", "dev", map[string]any{"spec": spectest.PetsV1}, 200)
	e.call("PUT", "/api/v1/apis/pets/versions/1.0.0", "dev", map[string]any{"spec": "openapi: 3.0.3\ninfo: [broken"}, 422)
	review := e.call("POST", "/api/v1/apis/pets/versions/1.0.0/submit", "dev", map[string]any{"note": "first"}, 201)
	e.call("POST", "/api/v1/apis/pets/versions/1.0.0/submit", "dev", nil, 409)
	rid := fmt.Sprint(review["id"])
	e.call("GET", "/api/v1/apis/pets/versions/1.0.0", "dev", nil, 200)
	e.call("GET", "/api/v1/reviews", "appr", nil, 200)
	e.call("GET", "/api/v1/reviews?state=open&limit=1", "appr", nil, 200)
	e.call("GET", "/api/v1/reviews?limit=100000", "appr", nil, 422)
	e.call("GET", "/api/v1/reviews/"+rid, "appr", nil, 200)
	e.call("GET", "/api/v1/reviews/"+rid+"?per_page=5&page=1", "appr", nil, 200)
	e.call("GET", "/api/v1/reviews/"+rid, "outsider", nil, 404)
	e.call("POST", "/api/v1/reviews/"+rid+"/approve", "dev", nil, 403)
	e.call("POST", "/api/v1/reviews/"+rid+"/reject", "appr", map[string]any{}, 422)
	e.call("POST", "/api/v1/reviews/"+rid+"/approve", "appr", map[string]any{"comment": "fine"}, 200)
	e.call("POST", "/api/v1/reviews/"+rid+"/approve", "appr2", map[string]any{"comment": "again"}, 409)
	e.call("GET", "/api/v1/apis/pets", "outsider", nil, 200)
	e.call("POST", "/api/v1/apis/pets/versions", "dev", map[string]any{"version": "1.1.0"}, 201)
	r2 := fmt.Sprint(e.call("POST", "/api/v1/apis/pets/versions/1.1.0/submit", "dev", nil, 201)["id"])
	e.call("POST", "/api/v1/reviews/"+r2+"/reject", "appr", map[string]any{"reason": "not yet"}, 200)
	r3 := fmt.Sprint(e.call("POST", "/api/v1/apis/pets/versions/1.1.0/submit", "dev", nil, 201)["id"])
	e.call("POST", "/api/v1/reviews/"+r3+"/withdraw", "dev", nil, 200)
	e.call("POST", "/api/v1/reviews/"+r3+"/withdraw", "dev", nil, 409)
	e.call("POST", "/api/v1/reviews/"+r3+"/findings/nothing-here/accept", "appr", map[string]any{"reason": "fine"}, 409)
	e.call("POST", "/api/v1/apis/pets/versions/1.0.0/deprecate", "maint", map[string]any{"sunset": "yesterday"}, 422)
	e.call("POST", "/api/v1/apis/pets/versions/1.0.0/deprecate", "maint", map[string]any{"sunset": lcSunset(90)}, 200)
	e.call("POST", "/api/v1/apis/pets/versions/1.0.0/undeprecate", "maint", nil, 200)
	e.call("POST", "/api/v1/apis/pets/versions/1.0.0/undeprecate", "maint", nil, 409)
	e.call("POST", "/api/v1/apis/pets/versions/1.0.0/retire", "dev", nil, 403)
	e.call("GET", "/api/v1/rules?kind=lint", "dev", nil, 200)
	e.call("GET", "/api/v1/rules?kind=lints", "dev", nil, 422)
	rules := e.call("GET", "/api/v1/rules", "dev", nil, 200)
	var ruleID string
	if list, _ := rules["rules"].([]any); len(list) > 0 {
		ruleID, _ = list[0].(map[string]any)["id"].(string)
	}
	if ruleID == "" {
		t.Fatalf("no rule to set: %v", rules)
	}
	e.call("PUT", "/api/v1/rules/"+ruleID, "admin", map[string]any{"severity": "warning"}, 200)
	e.call("PUT", "/api/v1/rules/"+ruleID, "admin", map[string]any{"severity": "fatal"}, 422)
	e.call("PUT", "/api/v1/rules/no-such-rule", "admin", map[string]any{"severity": "warning"}, 404)
	e.call("PUT", "/api/v1/rules/"+ruleID, "dev", map[string]any{"severity": "warning"}, 403)
	e.call("GET", "/api/v1/audit", "admin", nil, 200)
	e.call("GET", "/api/v1/audit?limit=2", "admin", nil, 200)
	e.call("GET", "/api/v1/audit", "dev", nil, 403)
	e.call("GET", "/api/v1/search/synonyms", "dev", nil, 200)
	e.call("PUT", "/api/v1/search/synonyms", "admin", map[string]any{"synonyms": [][]string{{"pet", "animal"}}}, 200)
	e.call("PUT", "/api/v1/search/synonyms", "dev", map[string]any{"synonyms": [][]string{}}, 403)

	// Plans, apps, subscriptions, keys.
	e.call("GET", "/api/v1/apis/pets/plans", "outsider", nil, 200)
	e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "gold", "name": "Gold", "rate_per_minute": 600, "burst": 50, "quota_per_day": 100000, "approval": "manual"}, 201)
	e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "free", "name": "Free", "rate_per_minute": 60, "approval": "auto"}, 201)
	e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "bad", "name": "Bad", "rate_per_minute": -1, "approval": "auto"}, 422)
	e.call("POST", "/api/v1/apis/pets/plans", "dev", map[string]any{"slug": "x", "name": "X", "approval": "auto"}, 403)
	e.call("PATCH", "/api/v1/apis/pets/plans/gold", "maint", map[string]any{"name": "Gold plan"}, 200)
	e.call("PATCH", "/api/v1/apis/pets/plans/none", "maint", map[string]any{"name": "x"}, 404)
	e.call("GET", "/api/v1/apis/pets/plans/gold", "outsider", nil, 200)
	e.call("GET", "/api/v1/apis/pets/plans/none", "outsider", nil, 404)
	e.call("GET", "/api/v1/apis/pets/plans", "outsider", nil, 200)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "finder", "name": "Finder", "contact": "finder@example.com"}, 201)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "finder", "name": "Again"}, 422)
	e.call("POST", "/api/v1/teams/search/apps", "dev", map[string]any{"slug": "other", "name": "Other"}, 403)
	e.call("GET", "/api/v1/teams/search/apps", "outsider", nil, 200)
	e.call("GET", "/api/v1/teams/search/apps?limit=1", "outsider", nil, 200)
	e.call("GET", "/api/v1/apps/finder", "outsider", nil, 200)
	e.call("GET", "/api/v1/apps/finder", "maint", nil, 404)
	e.call("PATCH", "/api/v1/apps/finder", "outsider", map[string]any{"description": "Finds pets"}, 200)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "gone", "name": "Gone"}, 201)
	e.call("DELETE", "/api/v1/apps/gone", "maint", nil, 404)
	e.call("DELETE", "/api/v1/apps/gone", "outsider", nil, 204)
	e.call("DELETE", "/api/v1/apps/gone", "outsider", nil, 404)
	sub := e.call("POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "gold", "purpose": "search"}, 201)
	e.call("POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "nope"}, 422)
	id := fmt.Sprint(sub["id"])
	base := "/api/v1/subscriptions/" + id
	e.call("GET", "/api/v1/subscriptions", "outsider", nil, 200)
	e.call("GET", "/api/v1/subscriptions?role=provider&state=pending", "maint", nil, 200)
	e.call("GET", "/api/v1/subscriptions?role=everyone", "maint", nil, 422)
	e.call("GET", base, "maint", nil, 200)
	e.call("GET", base, "alice", nil, 404)
	e.call("POST", base+"/approve", "outsider", nil, 403)
	e.call("POST", base+"/keys", "outsider", map[string]any{"name": "early"}, 409)
	if approved := e.call("POST", base+"/approve", "maint", nil, 200); approved["gateway_url"] != "https://api.example.com/pets/v1/" {
		t.Errorf("the approved subscription's gateway_url %v", approved["gateway_url"])
	}
	e.call("POST", base+"/approve", "maint", nil, 409)
	k := e.call("POST", base+"/keys", "outsider", map[string]any{"name": "production"}, 201)
	e.call("GET", base+"/keys", "outsider", nil, 200)
	e.call("GET", base+"/keys", "maint", nil, 403)
	kid := fmt.Sprint(k["id"])
	e.call("POST", "/api/v1/keys/"+kid+"/rotate", "outsider", map[string]any{"grace_seconds": 60}, 201)
	e.call("POST", "/api/v1/keys/"+kid+"/rotate", "outsider", map[string]any{"grace_seconds": -5}, 422)
	e.call("GET", "/api/v1/keys/"+kid, "outsider", nil, 200)
	e.call("GET", "/api/v1/keys/"+kid, "maint", nil, 404)
	e.call("POST", "/api/v1/keys/"+kid+"/revoke", "maint", nil, 404)
	e.call("POST", "/api/v1/keys/"+kid+"/revoke", "outsider", nil, 200)
	e.call("GET", base+"/keys", "outsider", nil, 200)

	// Usage from a node, and the gateway.
	node := e.call("POST", "/api/v1/gateway/nodes", "admin", map[string]any{"name": "node-a"}, 201)
	e.call("POST", "/api/v1/gateway/nodes", "admin", map[string]any{"name": "node-a"}, 422)
	e.call("POST", "/api/v1/gateway/nodes", "dev", map[string]any{"name": "node-b"}, 403)
	e.call("GET", "/api/v1/gateway/nodes", "admin", nil, 200)
	e.call("GET", "/api/v1/gateway/nodes/node-a", "admin", nil, 200)
	e.call("GET", "/api/v1/gateway/nodes/node-z", "admin", nil, 404)
	e.call("GET", "/api/v1/gateway/nodes/node-a", "maint", nil, 403)
	e.tok["node"] = node["token"].(string)
	minute := time.Now().UTC().Add(-30 * time.Minute).Truncate(time.Minute)
	e.call("POST", gateway.UsagePath, "node", gateway.UsageBatch{ID: "b1", Points: []gateway.UsagePoint{
		{Minute: minute.Unix(), Subscription: id, Key: "k1", API: "pets/v1", S2xx: 10, BytesOut: 500, Latency: make([]int64, gateway.LatencyBuckets)},
	}}, 200)
	e.call("POST", gateway.UsagePath, "admin", gateway.UsageBatch{ID: "b2"}, 401)
	e.call("GET", "/api/v1/usage?subscription="+id, "outsider", nil, 200)
	e.call("GET", "/api/v1/usage?api=pets&step=60", "maint", nil, 200)
	e.call("GET", "/api/v1/usage?subscription="+id, "alice", nil, 404)
	e.call("GET", "/api/v1/usage?step=30", "maint", nil, 422)
	e.call("GET", "/api/v1/apis/pets/gateway", "maint", nil, 200)
	d := e.call("PUT", "/api/v1/apis/pets/gateway/1", "maint", map[string]any{"targets": []string{"https://a.example.com"}, "connect_timeout_ms": 1000}, 201)
	e.call("PUT", "/api/v1/apis/pets/gateway/1", "maint", map[string]any{"targets": []string{"ftp://nope"}}, 422)
	e.call("PUT", "/api/v1/apis/pets/gateway/1", "dev", map[string]any{"targets": []string{"https://b.example.com"}}, 403)
	e.call("PUT", "/api/v1/apis/pets/gateway/1", "maint", map[string]any{"targets": []string{"https://b.example.com"}}, 201)
	e.call("POST", "/api/v1/apis/pets/gateway/1/rollback", "maint", map[string]any{"deployment": d["id"]}, 201)
	e.call("POST", "/api/v1/apis/pets/gateway/1/rollback", "maint", map[string]any{"deployment": 999999}, 422)
	e.call("GET", "/api/v1/apis/pets/gateway", "maint", nil, 200)
	e.call("DELETE", "/api/v1/gateway/nodes/node-a", "admin", nil, 204)
	e.call("DELETE", "/api/v1/gateway/nodes/node-z", "admin", nil, 404)

	// Ends of subscriptions.
	e.call("POST", base+"/revoke", "maint", map[string]any{"reason": "abuse"}, 200)
	other := e.call("POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "free", "purpose": "try"}, 201)
	e.call("POST", "/api/v1/subscriptions/"+fmt.Sprint(other["id"])+"/cancel", "outsider", map[string]any{"reason": "done"}, 200)
	e.call("POST", "/api/v1/apis/pets/versions", "dev", map[string]any{"version": "2.0.0"}, 201)
	r4 := fmt.Sprint(e.call("POST", "/api/v1/apis/pets/versions/2.0.0/submit", "dev", nil, 201)["id"])
	e.call("POST", "/api/v1/reviews/"+r4+"/approve", "appr", map[string]any{"comment": "ok"}, 200)
	manual := e.call("POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "pets", "major": 2, "plan": "gold", "purpose": "v2"}, 201)
	e.call("POST", "/api/v1/subscriptions/"+fmt.Sprint(manual["id"])+"/reject", "maint", map[string]any{"reason": "no"}, 200)
	e.call("POST", "/api/v1/apis/pets/versions/1.0.0/retire", "maint", nil, 200)
	e.call("POST", "/api/v1/apis/pets/transfer", "maint", map[string]any{"team": "search"}, 403)
	e.call("PATCH", "/api/v1/teams/search", "outsider", map[string]any{"description": "Finds things."}, 200)
	e.call("PATCH", "/api/v1/teams/search", "outsider", map[string]any{"name": ""}, 422)
	e.call("PATCH", "/api/v1/teams/payments", "maint", map[string]any{"name": "Pay"}, 403)
	e.call("PATCH", "/api/v1/teams/nope", "admin", map[string]any{"name": "Nope"}, 404)
	e.call("POST", "/api/v1/teams", "admin", map[string]any{"slug": "empty", "name": "Empty"}, 201)
	e.call("DELETE", "/api/v1/teams/empty", "maint", nil, 403)
	e.call("DELETE", "/api/v1/teams/payments", "admin", nil, 409)
	e.call("DELETE", "/api/v1/teams/empty", "admin", nil, 204)
	e.call("DELETE", "/api/v1/teams/empty", "admin", nil, 404)
	e.call("POST", "/api/v1/apis/pets/transfer", "admin", map[string]any{"team": "payments"}, 422)
	e.call("POST", "/api/v1/apis/pets/transfer", "admin", map[string]any{"tema": "search"}, 400)
	e.call("POST", "/api/v1/apis/nope/transfer", "admin", map[string]any{"team": "search"}, 404)
	e.call("POST", "/api/v1/apis/pets/transfer", "admin", map[string]any{"team": "search"}, 200)
	e.call("POST", "/api/v1/apis/pets/transfer", "admin", map[string]any{"team": "payments"}, 200)

	se.drain()
	e.call("GET", "/api/v1/search?q=pets", "outsider", nil, 200)
	e.call("GET", "/api/v1/search?q=pets&team=payments&per_page=1&page=2", "dev", nil, 200)
	e.call("GET", "/api/v1/search?per_page=100000", "dev", nil, 422)

	var missed []string
	for _, r := range routesOf(t, e.env) {
		if !strings.HasPrefix(r[1], "/api/v1/") || r[1] == gateway.SyncPath {
			continue
		}
		name := r[0] + " " + openAPIPath(r[1])
		if !e.doc.seen[name] {
			missed = append(missed, name)
		}
	}
	if len(missed) > 0 {
		t.Errorf("operations this test does not call: %v", missed)
	}
}
