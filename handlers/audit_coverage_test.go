package handlers_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
)

// TestEveryChangeIsAudited makes every change of the portal, in turn,
// through the real router (the JSON API, and the pages for what only pages
// do), and checks that it wrote its audit entry naming the user who made
// it, and that a refused or invalid request wrote none. Paths and bodies
// may name "{key}": a value an earlier step's answer gave under "save".
func TestEveryChangeIsAudited(t *testing.T) {
	e := newLCEnv(t)
	e.tok["alice"] = e.token(e.user("alice", policy.RoleMember, "", ""))
	e.tok["finder"] = e.token(e.user("finder", policy.RoleMember, "search", policy.RoleDeveloper))
	ctx := context.Background()
	vars := map[string]string{}
	browsers := map[string]*browser{}
	fill := func(s string) string {
		for k, v := range vars {
			s = strings.ReplaceAll(s, "{"+k+"}", v)
		}
		return s
	}
	ruleID := ""
	if rules := e.call("GET", "/api/v1/rules", "dev", nil, 200); rules != nil {
		if list, _ := rules["rules"].([]any); len(list) > 0 {
			ruleID, _ = list[0].(map[string]any)["id"].(string)
		}
	}
	vars["rule"] = ruleID

	type step struct {
		who, method, path string
		body              any        // JSON body (API) ...
		form              url.Values // ... or a form posted by who's browser (page)
		status            int
		action            string // "" when the request must write no entry
		save              string // keeps the answer's "id" under this name
	}
	steps := []step{
		// People, teams, tokens and the profile.
		{who: "admin", method: "POST", path: "/api/v1/users", body: map[string]any{"username": "bob", "org_role": "member"}, status: 201, action: "user.create"},
		{who: "admin", method: "POST", path: "/api/v1/users", body: map[string]any{"username": "no spaces"}, status: 422},
		{who: "dev", method: "POST", path: "/api/v1/users", body: map[string]any{"username": "carol"}, status: 403},
		{who: "admin", method: "POST", path: "/users", form: url.Values{"username": {"carol"}, "org_role": {"member"}}, status: 200, action: "user.create"},
		{who: "admin", method: "PATCH", path: "/api/v1/users/bob", body: map[string]any{"org_role": "approver"}, status: 200, action: "user.update"},
		{who: "admin", method: "PATCH", path: "/api/v1/users/bob", body: map[string]any{"org_role": "emperor"}, status: 422},
		{who: "admin", method: "POST", path: "/api/v1/users/bob/password-reset", status: 200, action: "user.password.reset"},
		{who: "admin", method: "POST", path: "/api/v1/users/admin/password-reset", status: 409},
		{who: "dev", method: "POST", path: "/api/v1/users/bob/password-reset", status: 403},
		{who: "admin", method: "POST", path: "/users/carol/password-reset", form: url.Values{}, status: 200, action: "user.password.reset"},
		{who: "admin", method: "POST", path: "/api/v1/teams", body: map[string]any{"slug": "billing", "name": "Billing"}, status: 201, action: "team.create"},
		{who: "admin", method: "POST", path: "/api/v1/teams", body: map[string]any{"slug": "billing", "name": "Billing"}, status: 422},
		{who: "admin", method: "POST", path: "/teams", form: url.Values{"slug": {"ops"}, "name": {"Ops"}}, status: 303, action: "team.create"},
		{who: "admin", method: "PUT", path: "/api/v1/teams/billing/members/alice", body: map[string]any{"role": "owner"}, status: 201, action: "team.member.set"},
		{who: "alice", method: "PUT", path: "/api/v1/teams/billing/members/bob", body: map[string]any{"role": "developer"}, status: 201, action: "team.member.set"},
		{who: "alice", method: "PUT", path: "/api/v1/teams/billing/members/bob", body: map[string]any{"role": "emperor"}, status: 422},
		{who: "dev", method: "PUT", path: "/api/v1/teams/billing/members/bob", body: map[string]any{"role": "viewer"}, status: 403},
		{who: "alice", method: "POST", path: "/teams/billing/members/bob", form: url.Values{"role": {"maintainer"}}, status: 303, action: "team.member.set"},
		{who: "alice", method: "POST", path: "/teams/billing/members/bob/reviewer", form: url.Values{"reviewer": {"true"}}, status: 303, action: "team.member.reviewer"},
		{who: "alice", method: "POST", path: "/teams/billing/members/bob/reviewer", form: url.Values{"reviewer": {"maybe"}}, status: 422},
		{who: "alice", method: "DELETE", path: "/api/v1/teams/billing/members/bob", status: 204, action: "team.member.remove"},
		{who: "alice", method: "DELETE", path: "/api/v1/teams/billing/members/alice", status: 409},
		{who: "admin", method: "POST", path: "/teams/billing/members", form: url.Values{"username": {"bob"}, "role": {"viewer"}}, status: 303, action: "team.member.set"},
		{who: "admin", method: "POST", path: "/teams/billing/members/bob/remove", status: 303, action: "team.member.remove"},
		{who: "alice", method: "POST", path: "/profile", form: url.Values{"display_name": {"Alice A."}, "email": {"alice@example.com"}}, status: 303, action: "user.profile.update"},
		{who: "alice", method: "POST", path: "/profile", form: url.Values{"display_name": {"Alice"}, "email": {"not an address"}}, status: 422},
		{who: "alice", method: "POST", path: "/profile/tokens", form: url.Values{"name": {"ci"}}, status: 200, action: "token.create"},
		{who: "alice", method: "POST", path: "/profile/tokens", form: url.Values{"name": {"ci"}, "expires_days": {"-3"}}, status: 422},
		{who: "alice", method: "POST", path: "/profile/tokens/{alicetoken}/revoke", status: 303, action: "token.revoke"},
		{who: "alice", method: "POST", path: "/profile/tokens/999999/revoke", status: 404},
		{who: "alice", method: "POST", path: "/profile/sessions/end-others", status: 303, action: "user.sessions.end"},
		{who: "alice", method: "POST", path: "/profile/password", form: url.Values{"current": {testPassword}, "new": {"a much longer new password"}, "confirm": {"a much longer new password"}}, status: 303, action: "user.password.change"},
		{who: "alice", method: "POST", path: "/profile/password", form: url.Values{"current": {"wrong password here"}, "new": {"another long password"}, "confirm": {"another long password"}}, status: 422},

		// APIs, versions, reviews, rules, synonyms.
		{who: "maint", method: "POST", path: "/api/v1/apis", body: map[string]any{"team": "payments", "slug": "pets", "name": "Pets", "visibility": "public"}, status: 201, action: "api.create"},
		{who: "maint", method: "POST", path: "/api/v1/apis", body: map[string]any{"team": "payments", "slug": "Not A Slug", "name": "Y"}, status: 422},
		{who: "dev", method: "POST", path: "/api/v1/apis", body: map[string]any{"team": "payments", "slug": "y", "name": "Y"}, status: 403},
		{who: "maint", method: "PATCH", path: "/api/v1/apis/pets", body: map[string]any{"summary": "Pets for everyone", "upstreams": []string{"https://pets.example.com"}}, status: 200, action: "api.update"},
		{who: "maint", method: "PATCH", path: "/api/v1/apis/pets", body: map[string]any{"summary": "x", "lock_version": 0}, status: 409},
		{who: "dev", method: "POST", path: "/api/v1/apis/pets/versions", body: map[string]any{"version": "1.0.0", "spec": spectest.PetsV1}, status: 201, action: "version.create"},
		{who: "dev", method: "POST", path: "/api/v1/apis/pets/versions", body: map[string]any{"version": "nope", "spec": spectest.PetsV1}, status: 422},
		{who: "dev", method: "PUT", path: "/api/v1/apis/pets/versions/1.0.0", body: map[string]any{"spec": spectest.PetsV1}, status: 200, action: "version.update"},
		{who: "dev", method: "PUT", path: "/api/v1/apis/pets/versions/1.0.0", body: map[string]any{"spec": "openapi: 3.0.3\ninfo: [broken"}, status: 422},
		{who: "dev", method: "POST", path: "/api/v1/apis/pets/versions/1.0.0/submit", status: 201, action: "version.submit", save: "r1"},
		{who: "dev", method: "POST", path: "/api/v1/apis/pets/versions/1.0.0/submit", status: 409},
		{who: "dev", method: "POST", path: "/api/v1/reviews/{r1}/approve", status: 403},
		{who: "appr", method: "POST", path: "/api/v1/reviews/{r1}/reject", body: map[string]any{}, status: 422},
		{who: "appr", method: "POST", path: "/api/v1/reviews/{r1}/approve", body: map[string]any{"comment": "fine"}, status: 200, action: "version.approve"},
		{who: "dev", method: "POST", path: "/api/v1/apis/pets/versions", body: map[string]any{"version": "1.1.0", "spec": spectest.PetsV1}, status: 201, action: "version.create"},
		{who: "dev", method: "POST", path: "/api/v1/apis/pets/versions/1.1.0/submit", status: 201, action: "version.submit", save: "r2"},
		{who: "appr", method: "POST", path: "/api/v1/reviews/{r2}/reject", body: map[string]any{"reason": "not yet"}, status: 200, action: "version.reject"},
		{who: "dev", method: "POST", path: "/api/v1/apis/pets/versions/1.1.0/submit", status: 201, action: "version.submit", save: "r3"},
		{who: "dev", method: "POST", path: "/api/v1/reviews/{r3}/withdraw", status: 200, action: "version.withdraw"},
		{who: "dev", method: "POST", path: "/api/v1/reviews/{r3}/withdraw", status: 409},
		{who: "dev", method: "PUT", path: "/api/v1/apis/pets/versions/1.1.0", body: map[string]any{"spec": lcPetsRemoved}, status: 200, action: "version.update"},
		{who: "dev", method: "POST", path: "/api/v1/apis/pets/versions/1.1.0/submit", status: 201, action: "version.submit", save: "r4"},
		{who: "appr", method: "POST", path: "/api/v1/reviews/{r4}/findings/nothing-here/accept", body: map[string]any{"reason": "fine"}, status: 422},
		{who: "appr", method: "POST", path: "/api/v1/reviews/{r4}/findings/{finding}/accept", body: map[string]any{"reason": "nobody calls it"}, status: 200, action: "review.accept_finding"},
		{who: "maint", method: "POST", path: "/api/v1/apis/pets/versions/1.0.0/deprecate", body: map[string]any{"sunset": "yesterday"}, status: 422},
		{who: "maint", method: "POST", path: "/api/v1/apis/pets/versions/1.0.0/deprecate", body: map[string]any{"sunset": lcSunset(90)}, status: 200, action: "version.deprecate"},
		{who: "maint", method: "POST", path: "/api/v1/apis/pets/versions/1.0.0/undeprecate", status: 200, action: "version.undeprecate"},
		{who: "maint", method: "POST", path: "/api/v1/apis/pets/versions/1.0.0/undeprecate", status: 409},
		{who: "admin", method: "PUT", path: "/api/v1/rules/{rule}", body: map[string]any{"severity": "warning"}, status: 200, action: "rule.update"},
		{who: "admin", method: "PUT", path: "/api/v1/rules/{rule}", body: map[string]any{"severity": "fatal"}, status: 422},
		{who: "dev", method: "PUT", path: "/api/v1/rules/{rule}", body: map[string]any{"severity": "info"}, status: 403},
		{who: "admin", method: "PUT", path: "/api/v1/search/synonyms", body: map[string]any{"synonyms": [][]string{{"pet", "animal"}}}, status: 200, action: "search.synonyms.update"},
		{who: "dev", method: "PUT", path: "/api/v1/search/synonyms", body: map[string]any{"synonyms": [][]string{}}, status: 403},

		// Plans, apps, subscriptions, keys.
		{who: "maint", method: "POST", path: "/api/v1/apis/pets/plans", body: map[string]any{"slug": "gold", "name": "Gold", "rate_per_minute": 600, "approval": "manual"}, status: 201, action: "plan.create"},
		{who: "maint", method: "POST", path: "/api/v1/apis/pets/plans", body: map[string]any{"slug": "free", "name": "Free", "rate_per_minute": 60, "approval": "auto"}, status: 201, action: "plan.create"},
		{who: "maint", method: "POST", path: "/api/v1/apis/pets/plans", body: map[string]any{"slug": "bad", "name": "Bad", "rate_per_minute": -1, "approval": "auto"}, status: 422},
		{who: "maint", method: "PATCH", path: "/api/v1/apis/pets/plans/gold", body: map[string]any{"name": "Gold plan"}, status: 200, action: "plan.update"},
		{who: "dev", method: "PATCH", path: "/api/v1/apis/pets/plans/gold", body: map[string]any{"name": "Mine"}, status: 403},
		{who: "outsider", method: "POST", path: "/api/v1/teams/search/apps", body: map[string]any{"slug": "finder", "name": "Finder"}, status: 201, action: "app.create"},
		{who: "outsider", method: "POST", path: "/api/v1/teams/search/apps", body: map[string]any{"slug": "finder", "name": "Again"}, status: 422},
		{who: "outsider", method: "PATCH", path: "/api/v1/apps/finder", body: map[string]any{"description": "Finds pets"}, status: 200, action: "app.update"},
		{who: "finder", method: "POST", path: "/api/v1/apps/finder/subscriptions", body: map[string]any{"api": "pets", "plan": "gold", "purpose": "search"}, status: 201, action: "subscription.create", save: "sub"},
		{who: "finder", method: "POST", path: "/api/v1/apps/finder/subscriptions", body: map[string]any{"api": "pets", "plan": "nope"}, status: 422},
		{who: "outsider", method: "POST", path: "/api/v1/subscriptions/{sub}/approve", status: 403},
		{who: "maint", method: "POST", path: "/api/v1/subscriptions/{sub}/approve", status: 200, action: "subscription.approve"},
		{who: "maint", method: "POST", path: "/api/v1/subscriptions/{sub}/approve", status: 409},
		{who: "finder", method: "POST", path: "/api/v1/subscriptions/{sub}/keys", body: map[string]any{"name": "production"}, status: 201, action: "key.issue", save: "key"},
		{who: "finder", method: "POST", path: "/api/v1/keys/{key}/rotate", body: map[string]any{"grace_seconds": -5}, status: 422},
		{who: "finder", method: "POST", path: "/api/v1/keys/{key}/rotate", body: map[string]any{"grace_seconds": 60}, status: 201, action: "key.rotate"},
		{who: "finder", method: "POST", path: "/api/v1/keys/{key}/revoke", status: 200, action: "key.revoke"},
		{who: "maint", method: "POST", path: "/api/v1/subscriptions/{sub}/revoke", body: map[string]any{}, status: 422},
		{who: "maint", method: "POST", path: "/api/v1/subscriptions/{sub}/revoke", body: map[string]any{"reason": "abuse"}, status: 200, action: "subscription.revoke"},
		{who: "finder", method: "POST", path: "/api/v1/apps/finder/subscriptions", body: map[string]any{"api": "pets", "plan": "gold", "purpose": "again"}, status: 201, action: "subscription.create", save: "sub2"},
		{who: "maint", method: "POST", path: "/api/v1/subscriptions/{sub2}/reject", body: map[string]any{"reason": "no"}, status: 200, action: "subscription.reject"},
		{who: "finder", method: "POST", path: "/api/v1/apps/finder/subscriptions", body: map[string]any{"api": "pets", "plan": "free", "purpose": "try"}, status: 201, action: "subscription.create", save: "sub3"},
		{who: "finder", method: "POST", path: "/api/v1/subscriptions/{sub3}/cancel", status: 200, action: "subscription.cancel"},
		{who: "finder", method: "POST", path: "/api/v1/subscriptions/{sub3}/cancel", status: 409},

		// Removing an app.
		{who: "outsider", method: "POST", path: "/api/v1/teams/search/apps", body: map[string]any{"slug": "gone", "name": "Gone"}, status: 201, action: "app.create"},
		{who: "outsider", method: "POST", path: "/api/v1/apps/gone/subscriptions", body: map[string]any{"api": "pets", "plan": "free", "purpose": "brief"}, status: 201, action: "subscription.create"},
		{who: "maint", method: "DELETE", path: "/api/v1/apps/gone", status: 404},
		{who: "outsider", method: "DELETE", path: "/api/v1/apps/gone", status: 204, action: "app.delete"},
		{who: "outsider", method: "DELETE", path: "/api/v1/apps/gone", status: 404},
		{who: "outsider", method: "POST", path: "/api/v1/teams/search/apps", body: map[string]any{"slug": "gone", "name": "Gone again"}, status: 201, action: "app.create"},
		{who: "outsider", method: "POST", path: "/apps/gone/delete", form: url.Values{}, status: 303, action: "app.delete"},

		// The gateway.
		{who: "admin", method: "POST", path: "/api/v1/gateway/nodes", body: map[string]any{"name": "node-a"}, status: 201, action: "gateway.node.register"},
		{who: "admin", method: "POST", path: "/api/v1/gateway/nodes", body: map[string]any{"name": "node-a"}, status: 422},
		{who: "dev", method: "POST", path: "/api/v1/gateway/nodes", body: map[string]any{"name": "node-b"}, status: 403},
		{who: "maint", method: "PUT", path: "/api/v1/apis/pets/gateway/1", body: map[string]any{"targets": []string{"https://a.example.com"}}, status: 201, action: "gateway.deploy", save: "d1"},
		{who: "maint", method: "PUT", path: "/api/v1/apis/pets/gateway/1", body: map[string]any{"targets": []string{"ftp://nope"}}, status: 422},
		{who: "maint", method: "PUT", path: "/api/v1/apis/pets/gateway/1", body: map[string]any{"targets": []string{"https://b.example.com"}}, status: 201, action: "gateway.deploy"},
		{who: "maint", method: "POST", path: "/api/v1/apis/pets/gateway/1/rollback", body: map[string]any{"deployment": 999999}, status: 422},
		{who: "maint", method: "POST", path: "/api/v1/apis/pets/gateway/1/rollback", body: map[string]any{"deployment": "{d1}"}, status: 201, action: "gateway.rollback"},
		{who: "admin", method: "DELETE", path: "/api/v1/gateway/nodes/node-a", status: 204, action: "gateway.node.revoke"},
		{who: "admin", method: "DELETE", path: "/api/v1/gateway/nodes/node-z", status: 404},

		// The end of a version.
		{who: "dev", method: "POST", path: "/api/v1/apis/pets/versions/1.0.0/retire", status: 403},
		{who: "maint", method: "POST", path: "/api/v1/apis/pets/versions/1.0.0/retire", status: 200, action: "version.retire"},

		// Renaming a team.
		{who: "maint", method: "PATCH", path: "/api/v1/teams/payments", body: map[string]any{"name": "Pay"}, status: 403},
		{who: "admin", method: "PATCH", path: "/api/v1/teams/payments", body: map[string]any{"name": " "}, status: 422},
		{who: "admin", method: "PATCH", path: "/api/v1/teams/payments", body: map[string]any{"name": "Payments"}, status: 200}, // unchanged: no entry
		{who: "admin", method: "PATCH", path: "/api/v1/teams/payments", body: map[string]any{"name": "Payments and billing"}, status: 200, action: "team.update"},
		{who: "admin", method: "POST", path: "/teams/payments", form: url.Values{"name": {"Payments"}, "description": {"Money in."}}, status: 303, action: "team.update"},

		// Removing a team.
		{who: "admin", method: "POST", path: "/api/v1/teams", body: map[string]any{"slug": "gone", "name": "Gone"}, status: 201, action: "team.create"},
		{who: "maint", method: "DELETE", path: "/api/v1/teams/gone", status: 403},
		{who: "admin", method: "DELETE", path: "/api/v1/teams/payments", status: 409},
		{who: "admin", method: "DELETE", path: "/api/v1/teams/gone", status: 204, action: "team.delete"},
		{who: "admin", method: "POST", path: "/api/v1/teams", body: map[string]any{"slug": "gone2", "name": "Gone"}, status: 201, action: "team.create"},
		{who: "admin", method: "POST", path: "/teams/gone2/delete", form: url.Values{}, status: 303, action: "team.delete"},

		// Moving an API to another team.
		{who: "maint", method: "POST", path: "/api/v1/apis/pets/transfer", body: map[string]any{"team": "search"}, status: 403},
		{who: "admin", method: "POST", path: "/api/v1/apis/pets/transfer", body: map[string]any{"team": "payments"}, status: 422},
		{who: "admin", method: "POST", path: "/api/v1/apis/pets/transfer", body: map[string]any{"team": "search"}, status: 200, action: "api.transfer"},
		{who: "admin", method: "POST", path: "/apis/pets/transfer", form: url.Values{"team": {"payments"}}, status: 303, action: "api.transfer"},
	}
	for i, st := range steps {
		path := fill(st.path)
		if strings.Contains(path, "{finding}") {
			vars["finding"] = breakingKey(t, e, vars["r4"])
			path = fill(st.path)
		}
		name := fmt.Sprintf("%d %s %s %s", i, st.who, st.method, path)
		last := lastAuditID(t, e.store)
		var status int
		var out map[string]any
		if strings.HasPrefix(path, "/api/") {
			body := st.body
			if m, ok := body.(map[string]any); ok {
				for k, v := range m {
					if s, ok := v.(string); ok && strings.HasPrefix(s, "{") {
						var n int64
						fmt.Sscan(fill(s), &n)
						m[k] = n
					}
				}
			}
			res, got := e.api(st.method, path, e.tok[st.who], body)
			status, out = res.StatusCode, got
		} else {
			b := browsers[st.who]
			if b == nil {
				b = e.browser()
				b.login(st.who)
				browsers[st.who] = b
			}
			res := b.post(path, st.form)
			res.Body.Close()
			status = res.StatusCode
		}
		if status != st.status {
			t.Fatalf("%s: status %d, want %d: %v", name, status, st.status, out)
		}
		if st.save != "" {
			vars[st.save] = fmt.Sprint(out["id"])
		}
		if path == "/profile/tokens" && status == 200 {
			toks, err := e.store.UserTokens(ctx, mustUser(t, e.env, "alice").ID)
			if err != nil || len(toks) == 0 {
				t.Fatalf("%s: no token: %v", name, err)
			}
			vars["alicetoken"] = fmt.Sprint(toks[0].ID)
		}
		events, err := e.store.ListAudit(ctx, store.AuditFilter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		var written []string
		found := false
		for _, ev := range events {
			if ev.ID <= last {
				continue
			}
			written = append(written, ev.Actor+" "+ev.Action)
			if ev.Action == st.action && ev.Actor == st.who && ev.ActorID != nil {
				found = true
			}
		}
		switch {
		case st.action == "" && len(written) > 0:
			t.Errorf("%s (refused, %d): wrote %v, want no entry", name, status, written)
		case st.action != "" && !found:
			t.Errorf("%s: wrote %v, want %q by %s", name, written, st.action, st.who)
		}
	}
}

// lastAuditID returns the id of the newest audit entry (0 when none).
func lastAuditID(t *testing.T, s *store.Store) int64 {
	t.Helper()
	events, err := s.ListAudit(context.Background(), store.AuditFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) == 0 {
		return 0
	}
	return events[0].ID
}

// breakingKey returns the key of the first breaking change of review id.
func breakingKey(t *testing.T, e *lcEnv, id string) string {
	t.Helper()
	r := e.call("GET", "/api/v1/reviews/"+id, "appr", nil, 200)
	findings, _ := r["findings"].([]any)
	for _, f := range findings {
		if m, _ := f.(map[string]any); m["breaking"] == true {
			return fmt.Sprint(m["key"])
		}
	}
	t.Fatalf("review %s has no breaking change: %v", id, r)
	return ""
}
