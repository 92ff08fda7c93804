package handlers_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/spec"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// lcPetsRemoved removes /pets/{id}: a breaking change.
const lcPetsRemoved = `openapi: 3.0.3
info: {title: Pets, version: 1.1.0}
servers: [{url: "https://pets.example.com"}]
paths:
  /pets:
    get:
      operationId: listPets
      summary: List pets
      tags: [pets]
      responses:
        "200": {description: ok}
`

// lcEnv is a portal with a team "payments", its people and their tokens.
type lcEnv struct {
	*env
	tok map[string]string
}

func newLCEnv(t testing.TB) *lcEnv {
	t.Helper()
	return newLCEnvOn(t, storetest.New(t))
}

// newLCEnvOn is newLCEnv over the store s.
func newLCEnvOn(t testing.TB, s *store.Store) *lcEnv {
	t.Helper()
	e := &lcEnv{env: newEnvOn(t, s), tok: map[string]string{}}
	for _, u := range []struct{ name, orgRole, team, teamRole string }{
		{"admin", policy.RoleAdmin, "", ""},
		{"dev", policy.RoleMember, "payments", policy.RoleDeveloper},
		{"maint", policy.RoleMember, "payments", policy.RoleMaintainer},
		{"viewer", policy.RoleMember, "payments", policy.RoleViewer},
		{"appr", policy.RoleApprover, "", ""},
		{"appr2", policy.RoleApprover, "", ""},
		{"outsider", policy.RoleMember, "search", policy.RoleOwner},
	} {
		e.tok[u.name] = e.token(e.user(u.name, u.orgRole, u.team, u.teamRole))
	}
	return e
}

// call makes an API call and fails the test unless it answers want.
func (e *lcEnv) call(method, path, who string, body any, want int) map[string]any {
	e.t.Helper()
	res, out := e.api(method, path, e.tok[who], body)
	if res.StatusCode != want {
		e.t.Fatalf("%s %s as %s: status %d, want %d: %v", method, path, who, res.StatusCode, want, out)
	}
	return out
}

// createAPI creates an API in payments as maint.
func (e *lcEnv) createAPI(slug, visibility string) {
	e.t.Helper()
	e.call("POST", "/api/v1/apis", "maint", map[string]any{"team": "payments", "slug": slug, "name": "API " + slug, "visibility": visibility}, 201)
}

// finderSubscribedToPets publishes pets 1.0.0 with the plan free (approved
// automatically) and subscribes the app finder of search to it, returning
// the active subscription as the JSON API answered it.
func (e *lcEnv) finderSubscribedToPets() map[string]any {
	e.t.Helper()
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	e.call("POST", "/api/v1/apis/pets/plans", "maint", map[string]any{"slug": "free", "name": "Free", "approval": "auto"}, 201)
	e.call("POST", "/api/v1/teams/search/apps", "outsider", map[string]any{"slug": "finder", "name": "Finder"}, 201)
	return e.call("POST", "/api/v1/apps/finder/subscriptions", "outsider", map[string]any{"api": "pets", "plan": "free", "purpose": "search pets"}, 201)
}

// version creates a version and brings it into state, returning the id of
// its latest publication request (0 when it never had one).
func (e *lcEnv) version(slug, version string, state lifecycle.State) int64 {
	e.t.Helper()
	base := "/api/v1/apis/" + slug + "/versions/" + version
	e.call("POST", "/api/v1/apis/"+slug+"/versions", "dev", map[string]any{"version": version, "spec": spectest.PetsV1}, 201)
	review := e.call("POST", base+"/submit", "dev", nil, 201)
	id := int64(review["id"].(float64))
	switch state {
	case lifecycle.Draft:
		e.call("POST", fmt.Sprintf("/api/v1/reviews/%d/withdraw", id), "dev", nil, 200)
	case lifecycle.InReview:
	default:
		e.call("POST", fmt.Sprintf("/api/v1/reviews/%d/approve", id), "appr", map[string]any{"comment": "fine"}, 200)
		switch state {
		case lifecycle.Deprecated:
			e.call("POST", base+"/deprecate", "maint", map[string]any{"sunset": lcSunset(60)}, 200)
		case lifecycle.Retired:
			e.call("POST", base+"/retire", "maint", nil, 200)
		}
	}
	got := e.call("GET", base, "dev", nil, 200)
	if got["state"] != string(state) {
		e.t.Fatalf("fixture %s %s: state %v, want %s", slug, version, got["state"], state)
	}
	return id
}

func lcSunset(days int) string { return time.Now().AddDate(0, 0, days).Format("2006-01-02") }

// TestAPIDeprecateSunsetAfterYear9999 checks that a sunset whose UTC time
// falls in year 10000 is refused: it has no JSON form, so the version, its
// API and its gateway route could no longer be shown or sent.
func TestAPIDeprecateSunsetAfterYear9999(t *testing.T) {
	storetest.Each(t, testDeprecateSunsetAfterYear9999)
}

func testDeprecateSunsetAfterYear9999(t *testing.T, s *store.Store) {
	e := newLCEnvOn(t, s)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	base := "/api/v1/apis/pets/versions/1.0.0"
	res, out := e.api("POST", base+"/deprecate", e.tok["maint"], map[string]any{"sunset": "9999-12-31T23:00:00-05:00"})
	if res.StatusCode != 422 {
		t.Fatalf("deprecate with a sunset in year 10000 UTC: status %d, want 422: %v", res.StatusCode, out)
	}
	if got := e.call("GET", base, "maint", nil, 200)["state"]; got != "published" {
		t.Errorf("state %v after the refusal, want published", got)
	}
	e.call("GET", "/api/v1/apis/pets", "maint", nil, 200)
	e.call("POST", base+"/deprecate", "maint", map[string]any{"sunset": "9999-12-31"}, 200)
	if got := e.call("GET", base, "maint", nil, 200)["sunset_at"]; got != "9999-12-31T00:00:00Z" {
		t.Errorf("sunset_at %v, want 9999-12-31T00:00:00Z", got)
	}
}

// TestAPIDeprecateSunsetAnsweredAsStored checks that a sunset sent with
// more digits than the database keeps (nanoseconds) is answered as a later
// read gives it, to the microsecond, not echoed as sent.
func TestAPIDeprecateSunsetAnsweredAsStored(t *testing.T) {
	storetest.Each(t, testDeprecateSunsetAnsweredAsStored)
}

func testDeprecateSunsetAnsweredAsStored(t *testing.T, s *store.Store) {
	e := newLCEnvOn(t, s)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	base := "/api/v1/apis/pets/versions/1.0.0"
	day := time.Now().UTC().AddDate(0, 0, 90).Format("2006-01-02")
	answer := e.call("POST", base+"/deprecate", "maint", map[string]any{"sunset": day + "T00:00:00.123456789Z"}, 200)
	read := e.call("GET", base, "maint", nil, 200)
	want := day + "T00:00:00.123456Z"
	for _, f := range []string{"sunset_at", "deprecated_at"} {
		if answer[f] != read[f] {
			t.Errorf("%s: the answer gives %v, a later read %v", f, answer[f], read[f])
		}
	}
	if got := answer["sunset_at"]; got != want {
		t.Errorf("sunset_at answered %v, want %v (the microsecond the database keeps)", got, want)
	}
}

// TestAPILifecycleEveryStateAndAction calls every action on a version in
// every state through the JSON API: it succeeds exactly where the
// transition table allows it and is refused with 409 and a reason elsewhere.
func TestAPILifecycleEveryStateAndAction(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	actions := []struct {
		action lifecycle.Action
		who    string
		status int // on success
		call   func(base string, review int64) (string, any)
	}{
		{lifecycle.Submit, "dev", 201, func(base string, _ int64) (string, any) { return base + "/submit", map[string]any{"note": "please"} }},
		{lifecycle.Withdraw, "dev", 200, func(_ string, id int64) (string, any) { return fmt.Sprintf("/api/v1/reviews/%d/withdraw", id), nil }},
		{lifecycle.Reject, "appr", 200, func(_ string, id int64) (string, any) {
			return fmt.Sprintf("/api/v1/reviews/%d/reject", id), map[string]any{"reason": "needs examples"}
		}},
		{lifecycle.Approve, "appr", 200, func(_ string, id int64) (string, any) {
			return fmt.Sprintf("/api/v1/reviews/%d/approve", id), map[string]any{"comment": "ok"}
		}},
		{lifecycle.Deprecate, "maint", 200, func(base string, _ int64) (string, any) {
			return base + "/deprecate", map[string]any{"sunset": lcSunset(90)}
		}},
		{lifecycle.Undeprecate, "maint", 200, func(base string, _ int64) (string, any) { return base + "/undeprecate", nil }},
		{lifecycle.Retire, "maint", 200, func(base string, _ int64) (string, any) { return base + "/retire", nil }},
	}
	n := 0
	for _, state := range lifecycle.States() {
		for _, a := range actions {
			n++
			version := fmt.Sprintf("1.%d.0", n)
			t.Run(string(a.action)+" from "+string(state), func(t *testing.T) {
				e.t = t
				review := e.version("pets", version, state)
				base := "/api/v1/apis/pets/versions/" + version
				path, body := a.call(base, review)
				res, out := e.api("POST", path, e.tok[a.who], body)
				tr, allowed := lifecycle.Find(a.action, state)
				if allowed {
					if res.StatusCode != a.status {
						t.Fatalf("POST %s: status %d, want %d: %v", path, res.StatusCode, a.status, out)
					}
					got := e.call("GET", base, "dev", nil, 200)
					if got["state"] != string(tr.To) {
						t.Errorf("state after %s: got %v, want %s", a.action, got["state"], tr.To)
					}
					return
				}
				if res.StatusCode != http.StatusConflict {
					t.Fatalf("POST %s: status %d, want 409: %v", path, res.StatusCode, out)
				}
				if detail, _ := out["detail"].(string); detail == "" {
					t.Errorf("refusal has no detail: %v", out)
				}
				if res.Header.Get("Content-Type") != "application/problem+json" {
					t.Errorf("content type %q, want application/problem+json", res.Header.Get("Content-Type"))
				}
				got := e.call("GET", base, "dev", nil, 200)
				if got["state"] != string(state) {
					t.Errorf("state after refused %s: got %v, want %s", a.action, got["state"], state)
				}
			})
		}
	}
}

// TestAPIConcurrentApprovals has two reviewers approve one request at once:
// one publishes, the other is told why not, and the audit log has one publication.
func TestAPIConcurrentApprovals(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	id := e.version("pets", "1.0.0", lifecycle.InReview)
	path := fmt.Sprintf("/api/v1/reviews/%d/approve", id)
	type result struct {
		status int
		detail string
	}
	results := make(chan result, 2)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, who := range []string{"appr", "appr2"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res, out := e.api("POST", path, e.tok[who], map[string]any{"comment": "lgtm"})
			detail, _ := out["detail"].(string)
			results <- result{res.StatusCode, detail}
		}()
	}
	close(start)
	wg.Wait()
	close(results)
	counts := map[int]int{}
	for r := range results {
		counts[r.status]++
		if r.status == http.StatusConflict && !strings.Contains(r.detail, "approved already") && !strings.Contains(r.detail, "changed by someone else") {
			t.Errorf("loser's detail %q does not say the request was decided meanwhile", r.detail)
		}
	}
	if counts[200] != 1 || counts[409] != 1 {
		t.Errorf("statuses %v, want one 200 and one 409", counts)
	}
	events, err := e.store.ListAudit(context.Background(), store.AuditFilter{Action: "version.approve", ObjectID: "pets@1.0.0"})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 {
		t.Errorf("audit has %d publications, want 1", len(events))
	}
}

// TestAPIBreakingChangeNeedsMajor refuses a minor version that removes a
// path, listing the breaking changes, and publishes the same spec as a major.
func TestAPIBreakingChangeNeedsMajor(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)

	e.call("POST", "/api/v1/apis/pets/versions", "dev", map[string]any{"version": "1.1.0", "spec": lcPetsRemoved}, 201)
	review := e.call("POST", "/api/v1/apis/pets/versions/1.1.0/submit", "dev", map[string]any{"note": "drop get"}, 201)
	id := int64(review["id"].(float64))
	if review["state"] != "open" || review["version"] != "1.1.0" || review["note"] != "drop get" {
		t.Errorf("submit answered %v, want the open request for 1.1.0", review)
	}

	detail := e.call("GET", fmt.Sprintf("/api/v1/reviews/%d", id), "appr", nil, 200)
	summary, _ := detail["summary"].(map[string]any)
	if detail["breaking"] != true || detail["blocked"] != true || detail["base_version"] != "1.0.0" || detail["next_major"] != "2.0.0" {
		t.Errorf("review: breaking %v blocked %v base %v next %v, want true, true, 1.0.0, 2.0.0", detail["breaking"], detail["blocked"], detail["base_version"], detail["next_major"])
	}
	if summary["breaking"] != float64(1) || summary["removed"] != float64(1) {
		t.Errorf("summary %v, want 1 breaking change and 1 removed endpoint", summary)
	}
	findings, _ := detail["findings"].([]any)
	if len(findings) == 0 {
		t.Fatalf("review lists no findings: %v", detail)
	}
	if first, _ := findings[0].(map[string]any); first["breaking"] != true || first["operation"] != "GET /pets/{id}" || first["line"] == nil {
		t.Errorf("first finding %v, want the breaking removal of GET /pets/{id} with its line", first)
	}
	lintOnly := e.call("GET", fmt.Sprintf("/api/v1/reviews/%d?kind=lint&per_page=2", id), "appr", nil, 200)
	if got, _ := lintOnly["findings"].([]any); len(got) != 2 || lintOnly["total"].(float64) < 2 {
		t.Errorf("lint filter: %d findings of %v, want a page of 2", len(got), lintOnly["total"])
	}
	e.call("GET", fmt.Sprintf("/api/v1/reviews/%d?severity=fatal", id), "appr", nil, 422)

	res, out := e.api("POST", fmt.Sprintf("/api/v1/reviews/%d/approve", id), e.tok["appr"], map[string]any{"comment": "ok"})
	if res.StatusCode != 409 {
		t.Fatalf("approve breaking minor: status %d, want 409: %v", res.StatusCode, out)
	}
	breaking, _ := out["breaking"].([]any)
	if len(breaking) == 0 {
		t.Fatalf("problem lists no breaking changes: %v", out)
	}
	first, _ := breaking[0].(map[string]any)
	if first["severity"] != spec.SeverityError || first["rule"] == "" || first["message"] == "" || first["breaking"] != true {
		t.Errorf("breaking change %v, want an error-level change with rule and message", first)
	}
	if d, _ := out["detail"].(string); !strings.Contains(d, "2.0.0") {
		t.Errorf("detail %q does not name the major version needed", d)
	}

	e.call("POST", "/api/v1/apis/pets/versions", "dev", map[string]any{"version": "2.0.0", "spec": lcPetsRemoved}, 201)
	review = e.call("POST", "/api/v1/apis/pets/versions/2.0.0/submit", "dev", nil, 201)
	approved := e.call("POST", fmt.Sprintf("/api/v1/reviews/%d/approve", int64(review["id"].(float64))), "appr", map[string]any{"comment": "major"}, 200)
	if approved["state"] != "approved" || approved["version_state"] != "published" || approved["decided_by"] != "appr" {
		t.Errorf("approve 2.0.0 answered %v", approved)
	}
}

// TestAPILifecycleRefusals covers the refusals that are not transition-table
// refusals: permissions, validation, visibility and optimistic locking.
func TestAPILifecycleRefusals(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.createAPI("vault", "team")
	e.version("vault", "1.0.0", lifecycle.InReview)
	e.version("pets", "1.0.0", lifecycle.Published)
	vaultReview, err := e.store.Requests(context.Background(), store.RequestFilter{State: store.RequestOpen})
	if err != nil || len(vaultReview) != 1 {
		t.Fatalf("open requests %v %v, want the vault one", vaultReview, err)
	}
	vaultReviewPath := fmt.Sprintf("/api/v1/reviews/%d", vaultReview[0].ID)

	// An admin's own request: refused without override, approved and recorded with it.
	e.call("POST", "/api/v1/apis/pets/versions", "admin", map[string]any{"version": "1.1.0"}, 201)
	own := e.call("POST", "/api/v1/apis/pets/versions/1.1.0/submit", "admin", nil, 201)
	ownPath := fmt.Sprintf("/api/v1/reviews/%d/approve", int64(own["id"].(float64)))
	// An approver who also develops in the team may not approve their own request, even with override.
	appdevTok := e.token(e.user("appdev", policy.RoleApprover, "payments", policy.RoleDeveloper))
	e.tok["appdev"] = appdevTok
	e.call("POST", "/api/v1/apis/pets/versions", "appdev", map[string]any{"version": "1.2.0"}, 201)
	appdevOwn := e.call("POST", "/api/v1/apis/pets/versions/1.2.0/submit", "appdev", nil, 201)

	tests := []struct {
		name, method, path, who string
		body                    any
		want                    int
		field                   string // expected field error, if any
		detail                  string // expected part of the detail, if any
	}{
		{"self-approval", "POST", ownPath, "admin", map[string]any{"comment": "mine"}, 403, "", "four eyes"},
		{"self-approval by approver with override", "POST", fmt.Sprintf("/api/v1/reviews/%d/approve", int64(appdevOwn["id"].(float64))), "appdev", map[string]any{"override": true}, 403, "", "four eyes"},
		{"reject without reason", "POST", fmt.Sprintf("/api/v1/reviews/%d/reject", int64(appdevOwn["id"].(float64))), "appr", map[string]any{"reason": "  "}, 422, "reason", ""},
		{"withdraw someone else's request", "POST", fmt.Sprintf("/api/v1/reviews/%d/withdraw", int64(appdevOwn["id"].(float64))), "dev", nil, 403, "", "requester"},
		{"sunset too early", "POST", "/api/v1/apis/pets/versions/1.0.0/deprecate", "maint", map[string]any{"sunset": lcSunset(2)}, 422, "sunset", ""},
		{"sunset not a date", "POST", "/api/v1/apis/pets/versions/1.0.0/deprecate", "maint", map[string]any{"sunset": "next spring"}, 422, "sunset", ""},
		{"successor not published", "POST", "/api/v1/apis/pets/versions/1.0.0/deprecate", "maint", map[string]any{"sunset": lcSunset(60), "successor": "1.2.0"}, 422, "successor", ""},
		{"unknown API", "GET", "/api/v1/apis/nope", "dev", nil, 404, "", ""},
		{"unknown API versions", "POST", "/api/v1/apis/nope/versions", "dev", map[string]any{"version": "1.0.0"}, 404, "", ""},
		{"unknown version", "GET", "/api/v1/apis/pets/versions/9.9.9", "dev", nil, 404, "", "no version"},
		{"unknown version action", "POST", "/api/v1/apis/pets/versions/9.9.9/retire", "maint", nil, 404, "", "no version"},
		{"unknown review", "GET", "/api/v1/reviews/999999", "appr", nil, 404, "", ""},
		{"team-only API for an outsider", "GET", "/api/v1/apis/vault", "outsider", nil, 404, "", ""},
		{"team-only API versions for an outsider", "GET", "/api/v1/apis/vault/versions/1.0.0", "outsider", nil, 404, "", ""},
		{"team-only API review for an outsider", "GET", vaultReviewPath, "outsider", nil, 404, "", ""},
		{"team-only API for its viewer", "GET", "/api/v1/apis/vault", "viewer", nil, 200, "", ""},
		{"version in review of a public API for an outsider", "GET", "/api/v1/apis/pets/versions/1.2.0", "outsider", nil, 404, "", "no version"},
		{"version in review of a public API for its viewer", "GET", "/api/v1/apis/pets/versions/1.2.0", "viewer", nil, 200, "", ""},
		{"create in an unknown team", "POST", "/api/v1/apis", "admin", map[string]any{"team": "nope", "slug": "x", "name": "X"}, 404, "", "no team"},
		{"create without a team", "POST", "/api/v1/apis", "admin", map[string]any{"slug": "x", "name": "X"}, 422, "team", ""},
		{"create without permission", "POST", "/api/v1/apis", "dev", map[string]any{"team": "payments", "slug": "x", "name": "X"}, 403, "", ""},
		{"create with a taken slug", "POST", "/api/v1/apis", "maint", map[string]any{"team": "payments", "slug": "pets", "name": "X"}, 422, "slug", ""},
		{"create with an unknown field", "POST", "/api/v1/apis", "maint", map[string]any{"team": "payments", "slug": "y", "name": "Y", "colour": "red"}, 400, "", "colour"},
		{"version that is not semver", "POST", "/api/v1/apis/pets/versions", "dev", map[string]any{"version": "v2"}, 422, "version", ""},
		{"version that exists", "POST", "/api/v1/apis/pets/versions", "dev", map[string]any{"version": "1.0.0"}, 422, "version", ""},
		{"invalid spec", "POST", "/api/v1/apis/pets/versions", "dev", map[string]any{"version": "3.0.0", "spec": "openapi: 3.0.3\ninfo: {title: X}\npaths: {}\n"}, 422, "spec", ""},
		{"spec over spec.MaxSize", "POST", "/api/v1/apis/pets/versions", "dev", map[string]any{"version": "3.0.0", "spec": "openapi: 3.0.3\n#" + strings.Repeat("x", spec.MaxSize)}, 422, "spec", ""},
		{"edit a published spec", "PUT", "/api/v1/apis/pets/versions/1.0.0", "dev", map[string]any{"spec": spectest.PetsV1}, 409, "", "Only drafts"},
		{"stale lock_version", "PATCH", "/api/v1/apis/pets", "maint", map[string]any{"summary": "s", "lock_version": 0}, 409, "", "lock_version"},
		{"bad review state filter", "GET", "/api/v1/reviews?state=pending", "appr", nil, 422, "state", ""},
		{"bad audit limit", "GET", "/api/v1/audit?limit=0", "admin", nil, 422, "limit", ""},
		{"unknown audit team", "GET", "/api/v1/audit?team=nope", "admin", nil, 422, "team", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.t = t
			res, out := e.api(tt.method, tt.path, e.tok[tt.who], tt.body)
			if res.StatusCode != tt.want {
				t.Fatalf("%s %s: status %d, want %d: %v", tt.method, tt.path, res.StatusCode, tt.want, out)
			}
			if tt.want >= 400 && res.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("content type %q, want application/problem+json", res.Header.Get("Content-Type"))
			}
			if tt.field != "" {
				errs, _ := out["errors"].([]any)
				found := false
				for _, fe := range errs {
					if m, _ := fe.(map[string]any); m["field"] == tt.field && m["message"] != "" {
						found = true
					}
				}
				if !found {
					t.Errorf("errors %v, want one on %s", out["errors"], tt.field)
				}
			}
			if d, _ := out["detail"].(string); !strings.Contains(d, tt.detail) {
				t.Errorf("detail %q, want it to contain %q", d, tt.detail)
			}
		})
	}
	e.t = t

	// Outsiders see only the versions past review.
	for who, want := range map[string]string{"outsider": "1.0.0", "viewer": "1.2.0 1.1.0 1.0.0"} {
		for _, path := range []string{"/api/v1/apis/pets", "/api/v1/apis/pets/versions"} {
			var got []string
			for _, v := range e.call("GET", path, who, nil, 200)["versions"].([]any) {
				got = append(got, v.(map[string]any)["version"].(string))
			}
			if strings.Join(got, " ") != want {
				t.Errorf("GET %s as %s: versions %v, want %s", path, who, got, want)
			}
		}
	}

	// With the override, the admin's own request is approved and the override recorded.
	approved := e.call("POST", ownPath, "admin", map[string]any{"comment": "urgent fix", "override": true}, 200)
	if approved["override"] != true || approved["state"] != "approved" {
		t.Errorf("override approval answered %v", approved)
	}
	events, err := e.store.ListAudit(context.Background(), store.AuditFilter{Action: "version.approve", ObjectID: "pets@1.1.0"})
	if err != nil || len(events) != 1 || !strings.Contains(events[0].Reason, "override") {
		t.Errorf("audit of the override %v %v, want one event whose reason mentions the override", events, err)
	}
}

// TestAPIManageAPI creates, reads and patches an API and its draft.
func TestAPIManageAPI(t *testing.T) {
	e := newLCEnv(t)
	created := e.call("POST", "/api/v1/apis", "maint", map[string]any{
		"team": "payments", "slug": "ledger", "name": "Ledger", "summary": "Money in and out",
		"description": "# Ledger", "tags": []string{"Money"}, "visibility": "team", "upstreams": []string{"https://ledger.internal"},
	}, 201)
	if created["team"] != "payments" || created["visibility"] != "team" || created["state"] != "" || created["lock_version"] != float64(1) {
		t.Errorf("created %v", created)
	}
	if tags, _ := created["tags"].([]any); len(tags) != 1 || tags[0] != "money" {
		t.Errorf("tags %v, want [money]", created["tags"])
	}

	patched := e.call("PATCH", "/api/v1/apis/ledger", "maint", map[string]any{"summary": "The books", "lock_version": 1}, 200)
	if patched["summary"] != "The books" || patched["name"] != "Ledger" || patched["visibility"] != "team" || patched["lock_version"] != float64(2) {
		t.Errorf("partial patch answered %v, want only the summary changed", patched)
	}
	if ups, _ := patched["upstreams"].([]any); len(ups) != 1 {
		t.Errorf("upstreams after patch %v, want unchanged", patched["upstreams"])
	}
	patched = e.call("PATCH", "/api/v1/apis/ledger", "maint", map[string]any{"tags": []string{}}, 200)
	if tags, _ := patched["tags"].([]any); len(tags) != 0 {
		t.Errorf("tags after clearing %v, want none", patched["tags"])
	}

	e.call("POST", "/api/v1/apis/ledger/versions", "dev", map[string]any{"version": "1.0.0-beta.1"}, 422) // no spec to copy
	v := e.call("POST", "/api/v1/apis/ledger/versions", "dev", map[string]any{"version": "1.0.0-beta.1", "spec": spectest.PetsV1}, 201)
	if v["state"] != "draft" || v["spec"] != spectest.PetsV1 || v["spec_format"] != spec.FormatOpenAPI30 || v["api"] != "ledger" {
		t.Errorf("created version %v", v)
	}
	if actions, _ := v["actions"].([]any); len(actions) != 1 || actions[0] != "submit" {
		t.Errorf("actions of a draft %v, want [submit]", v["actions"])
	}
	if _, ok := v["lint"].([]any); !ok {
		t.Errorf("lint %v, want a list", v["lint"])
	}
	updated := e.call("PUT", "/api/v1/apis/ledger/versions/1.0.0-beta.1", "dev", map[string]any{"spec": lcPetsRemoved}, 200)
	if updated["spec"] != lcPetsRemoved || updated["operations"] != float64(1) {
		t.Errorf("updated draft %v", updated)
	}
	copied := e.call("POST", "/api/v1/apis/ledger/versions", "dev", map[string]any{"version": "1.0.0"}, 201)
	if copied["spec"] != lcPetsRemoved {
		t.Errorf("a version without spec copies the latest one; got spec %q", copied["spec"])
	}
	list := e.call("GET", "/api/v1/apis/ledger/versions", "viewer", nil, 200)
	if vs, _ := list["versions"].([]any); len(vs) != 2 || vs[0].(map[string]any)["version"] != "1.0.0" {
		t.Errorf("versions %v, want 1.0.0 then 1.0.0-beta.1", list["versions"])
	}
	review := e.call("POST", "/api/v1/apis/ledger/versions/1.0.0/submit", "dev", nil, 201)
	got := e.call("GET", "/api/v1/apis/ledger/versions/1.0.0", "dev", nil, 200)
	if got["open_review"] != review["id"] {
		t.Errorf("open_review %v, want %v", got["open_review"], review["id"])
	}
}

// TestAPIReviewsAndAudit lists requests as reviewers and team members see
// them, and pages through the audit log.
func TestAPIReviewsAndAudit(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.InReview)
	e.version("pets", "1.1.0", lifecycle.Published)
	e.call("POST", "/api/v1/apis", "outsider", map[string]any{"team": "search", "slug": "finder", "name": "Finder"}, 201)
	e.call("POST", "/api/v1/apis/finder/versions", "outsider", map[string]any{"version": "1.0.0", "spec": spectest.PetsV1}, 201)
	e.call("POST", "/api/v1/apis/finder/versions/1.0.0/submit", "outsider", nil, 201)

	count := func(who, query string) []string {
		t.Helper()
		out := e.call("GET", "/api/v1/reviews"+query, who, nil, 200)
		var got []string
		for _, r := range out["reviews"].([]any) {
			m := r.(map[string]any)
			got = append(got, fmt.Sprintf("%s@%s:%s", m["api"], m["version"], m["state"]))
		}
		return got
	}
	tests := []struct {
		who, query string
		want       string
	}{
		{"appr", "", "finder@1.0.0:open pets@1.0.0:open"},
		{"admin", "?state=open", "finder@1.0.0:open pets@1.0.0:open"},
		{"appr", "?state=approved", "pets@1.1.0:approved"},
		{"appr", "?state=all", "finder@1.0.0:open pets@1.1.0:approved pets@1.0.0:open"},
		{"dev", "", "pets@1.0.0:open"},
		{"viewer", "?state=all", "pets@1.1.0:approved pets@1.0.0:open"},
		{"outsider", "?state=all", "finder@1.0.0:open"},
	}
	for _, tt := range tests {
		if got := strings.Join(count(tt.who, tt.query), " "); got != tt.want {
			t.Errorf("reviews%s as %s: got %q, want %q", tt.query, tt.who, got, tt.want)
		}
	}

	page := e.call("GET", "/api/v1/audit?team=payments&limit=2", "admin", nil, 200)
	events, _ := page["events"].([]any)
	next, ok := page["next_before"].(float64)
	if len(events) != 2 || !ok {
		t.Fatalf("first audit page %v, want 2 events and next_before", page)
	}
	page = e.call("GET", fmt.Sprintf("/api/v1/audit?team=payments&limit=500&before=%d", int64(next)), "admin", nil, 200)
	rest, _ := page["events"].([]any)
	if len(rest) == 0 || page["next_before"] != nil {
		t.Errorf("second page %v, want the remaining events and no next_before", page)
	}
	for _, ev := range append(events, rest...) {
		if m := ev.(map[string]any); m["team"] != "payments" {
			t.Errorf("event %v outside the team filter", m)
		}
	}
	page = e.call("GET", "/api/v1/audit?action=version.approve&actor=appr&object_id=pets@1.1.0", "admin", nil, 200)
	if events, _ := page["events"].([]any); len(events) != 1 || events[0].(map[string]any)["after"] != "published" {
		t.Errorf("filtered audit %v, want the one approval of pets@1.1.0", page["events"])
	}
}

// TestAPIBodyLimit announces a body larger than the 16 MiB limit over a
// real connection (the in-memory test transport cannot carry it): the
// server refuses it with 413 from the Content-Length, before any body.
func TestAPIBodyLimit(t *testing.T) {
	e := newLCEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = e.app.Listener(ln) }()
	defer func() { _ = e.app.Shutdown() }()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "POST /api/v1/apis/pets/versions HTTP/1.1\r\nHost: portico\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", e.tok["dev"], 17<<20)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(t, res)
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413: %s", res.StatusCode, got)
	}
	if !strings.Contains(got, "10 MiB") || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("413 answer %q (%s), want a problem document naming the 10 MiB limit", got, res.Header.Get("Content-Type"))
	}
}

// lifecycleMatrixFixtures creates what the lifecycle JSON API rows of the
// permission matrix need, through the API itself: the public API
// "payments-api" with 1.0.0 published and 0.1.0 a draft whose publication
// request was withdrawn. It returns that request's id.
func lifecycleMatrixFixtures(t *testing.T, e *env, tokens map[string]string) string {
	t.Helper()
	steps := []struct {
		method, path, who string
		body              any
		want              int
	}{
		{"POST", "/api/v1/apis", "admin", map[string]any{"team": "payments", "slug": "payments-api", "name": "Payments"}, 201},
		{"POST", "/api/v1/apis/payments-api/versions", "admin", map[string]any{"version": "1.0.0", "spec": spectest.PetsV1}, 201},
		{"POST", "/api/v1/apis/payments-api/versions/1.0.0/submit", "admin", nil, 201},
		{"POST", "/api/v1/reviews/{id}/approve", "approver", nil, 200},
		{"POST", "/api/v1/apis/payments-api/versions", "admin", map[string]any{"version": "0.1.0"}, 201},
		{"POST", "/api/v1/apis/payments-api/versions/0.1.0/submit", "admin", nil, 201},
		{"POST", "/api/v1/reviews/{id}/withdraw", "admin", nil, 200},
	}
	id := ""
	for _, st := range steps {
		path := strings.ReplaceAll(st.path, "{id}", id)
		res, out := e.api(st.method, path, tokens[st.who], st.body)
		if res.StatusCode != st.want {
			t.Fatalf("fixture %s %s: status %d, want %d: %v", st.method, path, res.StatusCode, st.want, out)
		}
		if n, ok := out["id"].(float64); ok {
			id = fmt.Sprint(int64(n))
		}
	}
	return id
}
