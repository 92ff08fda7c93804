package handlers_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/handlers"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// tripKey finds a request's tripCtx from a query's context.
type tripKey struct{}

// tripCtx is the context a route's handler runs under in the tests of this
// file (handlers.SetHandlerContext): the request's own, whose deadline the
// test's query hook (tripHook) ends at the query it chooses. Once tripped
// it is past its deadline as the request's own context would be: Done,
// Err context.DeadlineExceeded, Deadline in the past.
type tripCtx struct {
	context.Context
	done    chan struct{}
	once    sync.Once
	tripped atomic.Bool

	mu        sync.Mutex
	open      int    // transactions begun and not ended
	committed bool   // a transaction, or a write outside one, committed
	commits   int    // how many
	cutAt     string // the query the deadline ended before
	queries   int    // the handler's queries
	after     int    // queries run after the first commit
}

func newTripCtx(parent context.Context) *tripCtx {
	t := &tripCtx{Context: parent, done: make(chan struct{})}
	context.AfterFunc(parent, func() { t.once.Do(func() { close(t.done) }) })
	return t
}

func (t *tripCtx) Done() <-chan struct{} { return t.done }

func (t *tripCtx) Err() error {
	select {
	case <-t.done:
		if t.tripped.Load() {
			return context.DeadlineExceeded
		}
		return t.Context.Err()
	default:
		return nil
	}
}

func (t *tripCtx) Deadline() (time.Time, bool) {
	if t.tripped.Load() {
		return time.Now().Add(-time.Millisecond), true
	}
	return t.Context.Deadline()
}

func (t *tripCtx) Value(k any) any {
	if k == (tripKey{}) {
		return t
	}
	return t.Context.Value(k)
}

func (t *tripCtx) trip() {
	t.tripped.Store(true)
	t.once.Do(func() { close(t.done) })
}

// Where tripHook ends a request's deadline.
const (
	tripNone        = iota
	tripFirstQuery  // the handler's first query: nothing is committed yet
	tripAfterCommit // the first query after the handler's first commit
)

// tripHook ends the deadline of the request being tested (its tripCtx) at
// the query mode says, and counts what the handler ran.
type tripHook struct {
	mode atomic.Int32
	// commits is how many commits tripAfterCommit waits for (1 when 0).
	commits atomic.Int32
}

func (h *tripHook) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context {
	t, ok := ctx.Value(tripKey{}).(*tripCtx)
	if !ok {
		return ctx
	}
	t.mu.Lock()
	t.queries++
	if t.committed {
		t.after++
	}
	cut := false
	if !t.tripped.Load() {
		switch h.mode.Load() {
		case tripFirstQuery:
			cut = true
		case tripAfterCommit:
			cut = t.commits >= max(int(h.commits.Load()), 1)
		}
	}
	if cut {
		t.cutAt = e.Query
	}
	t.mu.Unlock()
	if cut {
		t.trip()
	}
	return ctx
}

func (h *tripHook) AfterQuery(ctx context.Context, e *bun.QueryEvent) {
	t, ok := ctx.Value(tripKey{}).(*tripCtx)
	if !ok {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	q := strings.ToUpper(strings.TrimSpace(e.Query))
	switch {
	case q == "BEGIN" || strings.HasPrefix(q, "BEGIN "):
		if e.Err == nil {
			t.open++
		}
	case q == "COMMIT":
		t.open = max(t.open-1, 0)
		if e.Err == nil {
			t.committed = true
			t.commits++
		}
	case q == "ROLLBACK":
		t.open = max(t.open-1, 0)
	default:
		if e.Err == nil && t.open == 0 && writes(q) {
			t.committed = true
			t.commits++
		}
	}
}

// writes reports whether q, upper-cased, writes rows.
func writes(q string) bool {
	for _, w := range []string{"INSERT", "UPDATE", "DELETE", "WITH", "MERGE"} {
		if strings.HasPrefix(q, w) {
			return strings.Contains(q, "INSERT") || strings.Contains(q, "UPDATE") || strings.Contains(q, "DELETE") || strings.HasPrefix(q, "MERGE")
		}
	}
	return false
}

// newTripEnv returns a portal over s whose handlers run under a tripCtx,
// the hook that ends their deadlines (its mode says where), and a function
// returning (and forgetting) the tripCtx of the last request.
func newTripEnv(t *testing.T, s *store.Store) (*env, *tripHook, func() *tripCtx) {
	hook := &tripHook{}
	var mu sync.Mutex
	var last *tripCtx
	e := newEnvWith(t, s, func(o *handlers.Options) {
		handlers.SetHandlerContext(o, func(ctx context.Context) context.Context {
			tc := newTripCtx(ctx)
			mu.Lock()
			last = tc
			mu.Unlock()
			return tc
		})
	})
	s.AddQueryHook(hook)
	return e, hook, func() *tripCtx {
		mu.Lock()
		defer mu.Unlock()
		tc := last
		last = nil
		return tc
	}
}

// savedStep is a valid request of one write route that commits.
type savedStep struct {
	who, method, route, path string
	body                     any        // JSON body (API) ...
	form                     url.Values // ... or a form posted by who's browser (page)
	save, lookup             string     // keeps the new row's id (lookup: SQL giving it) under save
}

// noReadAfterCommit lists the write routes whose handlers run no query
// after their first commit (the test checks it): a refusal after the
// commit cannot happen, and they answer what they did.
// TestEveryWriteRouteSaysSaved: every write route of the route table, run
// with a valid request that commits, is answered the "saved" 503 (no
// Retry-After; under /api the problem type saved-not-answered) when its
// deadline passes at the first query after its first commit, and the
// ordinary 503 "took too long" with Retry-After when it passes at the
// handler's first query, before anything was committed.
func TestEveryWriteRouteSaysSaved(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			s := storetest.Open(t, d)
			te, hook, current := newTripEnv(t, s)
			e := &lcEnv{env: te, tok: map[string]string{}}
			for _, u := range []struct{ name, orgRole, team, teamRole string }{
				{"admin", policy.RoleAdmin, "", ""},
				{"dev", policy.RoleMember, "payments", policy.RoleDeveloper},
				{"maint", policy.RoleMember, "payments", policy.RoleMaintainer},
				{"appr", policy.RoleApprover, "", ""},
				{"outsider", policy.RoleMember, "search", policy.RoleOwner},
			} {
				e.tok[u.name] = e.token(e.user(u.name, u.orgRole, u.team, u.teamRole))
			}
			e.tok["alice"] = e.token(e.user("alice", policy.RoleMember, "", ""))
			e.tok["finder"] = e.token(e.user("finder", policy.RoleMember, "search", policy.RoleDeveloper))
			node := e.call("POST", "/api/v1/gateway/nodes", "admin", map[string]any{"name": "node-u"}, 201)
			e.tok["node"], _ = node["token"].(string)
			vars := map[string]string{}
			fill := func(v string) string {
				for k, x := range vars {
					v = strings.ReplaceAll(v, "{"+k+"}", x)
				}
				return v
			}
			browsers := map[string]*browser{}
			send := func(st savedStep) (status int, retryAfter, typ, text string) {
				path := fill(st.path)
				if strings.HasPrefix(st.route, "/api/") {
					body := st.body
					if m, ok := body.(map[string]any); ok {
						c := map[string]any{}
						for k, v := range m {
							if sv, ok := v.(string); ok && strings.HasPrefix(sv, "{") {
								var n int64
								fmt.Sscan(fill(sv), &n)
								c[k] = n
								continue
							}
							c[k] = v
						}
						body = c
					}
					res, out := e.api(st.method, path, e.tok[st.who], body)
					typ, _ = out["type"].(string)
					text, _ = out["detail"].(string)
					if st.save != "" && res.StatusCode < 300 {
						vars[st.save] = fmt.Sprint(out["id"])
					}
					return res.StatusCode, res.Header.Get("Retry-After"), typ, text
				}
				b := browsers[st.who]
				form := url.Values{}
				for k, v := range st.form {
					form[k] = []string{fill(v[0])}
				}
				res := b.post(path, form)
				raw, _ := io.ReadAll(res.Body)
				res.Body.Close()
				return res.StatusCode, res.Header.Get("Retry-After"), "", string(raw)
			}

			covered := map[string]bool{}
			var noRead []string
			for i, st := range savedSteps() {
				covered[st.method+" "+st.route] = true
				name := fmt.Sprintf("%d %s %s %s", i, st.who, st.method, fill(st.path))
				api := strings.HasPrefix(st.route, "/api/")
				if !api && browsers[st.who] == nil {
					b := e.browser()
					b.login(st.who)
					browsers[st.who] = b
				}
				if !api {
					browsers[st.who].csrf() // before the hook is armed
				}

				// Refused before anything committed: the ordinary 503.
				hook.mode.Store(tripFirstQuery)
				current()
				status, ra, typ, text := send(st)
				hook.mode.Store(tripNone)
				tc := current()
				if tc == nil || !tc.tripped.Load() {
					t.Errorf("%s: no query of the handler was cut (status %d)", name, status)
				} else if status != http.StatusServiceUnavailable || ra == "" || !strings.Contains(text, tooLongMessage) || (api && typ != "about:blank") {
					t.Errorf("%s, cut before a commit: answered %d (Retry-After %q, type %q) %.300q; want 503 %q with Retry-After", name, status, ra, typ, text, tooLongMessage)
				}

				// Refused after the first commit: "saved", no Retry-After.
				hook.mode.Store(tripAfterCommit)
				current()
				status, ra, typ, text = send(st)
				hook.mode.Store(tripNone)
				tc = current()
				switch {
				case tc == nil:
					t.Fatalf("%s: the handler did not run (status %d)", name, status)
				case !tc.committed:
					t.Fatalf("%s: the handler committed nothing (status %d: %.300q)", name, status, text)
				case !tc.tripped.Load():
					// No refusal after the commit can happen: the handler
					// answers from what it wrote (JSON) or with a redirect.
					if status >= 400 {
						t.Errorf("%s: no query after the commit, status %d: %.300q", name, status, text)
					}
					noRead = append(noRead, st.method+" "+st.route)
				default:
					if status < 400 && ra == "" {
						// The refused read was one the handler does without
						// (the policy's version): its answer says what it did.
						t.Logf("%s, cut after a commit at %.80q: answered %d, the change's own answer", name, tc.cutAt, status)
					} else if status != http.StatusServiceUnavailable || ra != "" || !strings.Contains(text, "The change was saved") || (api && typ != "tag:portico.dev,2026:saved-not-answered") {
						t.Errorf("%s, cut after a commit at %.80q: answered %d (Retry-After %q, type %q) %.300q; want the saved 503 without Retry-After", name, tc.cutAt, status, ra, typ, text)
					}
				}
				if st.save != "" {
					var id string
					if err := s.DB().NewRaw(st.lookup).Scan(context.Background(), &id); err != nil {
						t.Fatalf("%s: %s: %v", name, st.lookup, err)
					}
					vars[st.save] = id
				}
				for k, r := range map[string]string{"finding": "r4", "pfinding": "p4"} {
					if _, ok := vars[k]; !ok && vars[r] != "" {
						vars[k] = breakingKey(t, e, vars[r])
					}
				}
			}

			t.Logf("no query after the first commit (a refusal after it cannot happen), checked: %v", noRead)
			p, err := policy.New(context.Background(), s)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range handlers.New(s, p, handlers.Options{}).Routes() {
				if r.Method == "GET" || covered[r.Method+" "+r.Path] {
					continue
				}
				if why, ok := notWriteRoute[r.Method+" "+r.Path]; ok {
					t.Logf("%s %s: %s", r.Method, r.Path, why)
					if r.Path == "/mcp" {
						// Checked: the endpoint commits nothing.
						var body any
						if r.Method == "POST" {
							body = map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
						}
						current()
						res, _ := e.api(r.Method, "/mcp", e.tok["dev"], body)
						if tc := current(); tc == nil || tc.committed {
							t.Errorf("%s /mcp (%d): committed %v", r.Method, res.StatusCode, tc != nil && tc.committed)
						}
						if r.Method == "DELETE" && res.StatusCode != http.StatusMethodNotAllowed {
							t.Errorf("DELETE /mcp: status %d, want 405", res.StatusCode)
						}
					}
					continue
				}
				t.Errorf("write route %s %s has no step", r.Method, r.Path)
			}
		})
	}
}

// notWriteRoute lists the routes with a write method that this test does
// not run, and why.
var notWriteRoute = map[string]string{
	"POST /mcp":   "the catalog's tools for agents only read (package agent writes nothing)",
	"DELETE /mcp": "answered 405: the MCP endpoint is stateless",
	"POST /api/v1/gateway/sync": "answers its own errors (push.Handler, not handleError): a node's status, which it sends " +
		"again with every sync, is all it writes, and a node retries any 503",
	"POST /login":  "TestLoginAndLogoutSayWhatTheyDid",
	"POST /logout": "TestLoginAndLogoutSayWhatTheyDid",
}

func savedSteps() []savedStep {
	return []savedStep{
		{who: "admin", method: "POST", route: "/api/v1/users", path: "/api/v1/users", body: map[string]any{"username": "bob", "org_role": "member"}},
		{who: "admin", method: "POST", route: "/users", path: "/users", form: url.Values{"username": {"carol"}, "org_role": {"member"}}},
		{who: "admin", method: "PATCH", route: "/api/v1/users/:username", path: "/api/v1/users/bob", body: map[string]any{"org_role": "approver"}},
		{who: "admin", method: "POST", route: "/api/v1/users/:username/password-reset", path: "/api/v1/users/bob/password-reset"},
		{who: "admin", method: "POST", route: "/users/:username/password-reset", path: "/users/carol/password-reset", form: url.Values{}},
		{who: "admin", method: "POST", route: "/api/v1/teams", path: "/api/v1/teams", body: map[string]any{"slug": "billing", "name": "Billing"}},
		{who: "admin", method: "POST", route: "/teams", path: "/teams", form: url.Values{"slug": {"ops"}, "name": {"Ops"}}},
		{who: "admin", method: "PATCH", route: "/api/v1/teams/:team", path: "/api/v1/teams/billing", body: map[string]any{"name": "Billing and invoices"}},
		{who: "admin", method: "POST", route: "/teams/:team", path: "/teams/ops", form: url.Values{"name": {"Operations"}, "description": {"Keeps it running."}}},
		{who: "admin", method: "PUT", route: "/api/v1/teams/:team/members/:username", path: "/api/v1/teams/billing/members/alice", body: map[string]any{"role": "owner"}},
		{who: "alice", method: "POST", route: "/teams/:team/members/:username", path: "/teams/billing/members/alice", form: url.Values{"role": {"owner"}}},
		{who: "admin", method: "POST", route: "/teams/:team/members", path: "/teams/billing/members", form: url.Values{"username": {"bob"}, "role": {"viewer"}}},
		{who: "alice", method: "POST", route: "/teams/:team/members/:username/reviewer", path: "/teams/billing/members/bob/reviewer", form: url.Values{"reviewer": {"true"}}},
		{who: "alice", method: "DELETE", route: "/api/v1/teams/:team/members/:username", path: "/api/v1/teams/billing/members/bob"},
		{who: "admin", method: "PUT", route: "/api/v1/teams/:team/members/:username", path: "/api/v1/teams/billing/members/bob", body: map[string]any{"role": "developer"}},
		{who: "admin", method: "POST", route: "/teams/:team/members/:username/remove", path: "/teams/billing/members/bob/remove"},
		{who: "admin", method: "DELETE", route: "/api/v1/teams/:team", path: "/api/v1/teams/billing"},
		{who: "alice", method: "POST", route: "/profile", path: "/profile", form: url.Values{"display_name": {"Alice A."}, "email": {"alice@example.com"}}},
		{who: "alice", method: "POST", route: "/profile/tokens", path: "/profile/tokens", form: url.Values{"name": {"ci"}}, save: "alicetoken", lookup: "SELECT max(id) FROM api_tokens"},
		{who: "alice", method: "POST", route: "/profile/tokens/:id/revoke", path: "/profile/tokens/{alicetoken}/revoke"},
		{who: "alice", method: "POST", route: "/profile/sessions/end-others", path: "/profile/sessions/end-others"},

		{who: "maint", method: "POST", route: "/api/v1/apis", path: "/api/v1/apis", body: map[string]any{"team": "payments", "slug": "pets", "name": "Pets", "visibility": "public"}},
		{who: "maint", method: "PATCH", route: "/api/v1/apis/:api", path: "/api/v1/apis/pets", body: map[string]any{"summary": "Pets for everyone", "upstreams": []string{"https://pets.example.com"}}},
		{who: "dev", method: "POST", route: "/api/v1/apis/:api/versions", path: "/api/v1/apis/pets/versions", body: map[string]any{"version": "1.0.0", "spec": spectest.PetsV1}},
		{who: "dev", method: "PUT", route: "/api/v1/apis/:api/versions/:version", path: "/api/v1/apis/pets/versions/1.0.0", body: map[string]any{"spec": spectest.PetsV1 + "\n"}},
		{who: "dev", method: "POST", route: "/api/v1/apis/:api/versions/:version/submit", path: "/api/v1/apis/pets/versions/1.0.0/submit", save: "r1", lookup: "SELECT max(id) FROM publication_requests"},
		{who: "appr", method: "POST", route: "/api/v1/reviews/:id/approve", path: "/api/v1/reviews/{r1}/approve", body: map[string]any{"comment": "fine"}},
		{who: "dev", method: "POST", route: "/api/v1/apis/:api/versions", path: "/api/v1/apis/pets/versions", body: map[string]any{"version": "1.1.0", "spec": spectest.PetsV1}},
		{who: "dev", method: "POST", route: "/api/v1/apis/:api/versions/:version/submit", path: "/api/v1/apis/pets/versions/1.1.0/submit", save: "r2", lookup: "SELECT max(id) FROM publication_requests"},
		{who: "appr", method: "POST", route: "/api/v1/reviews/:id/reject", path: "/api/v1/reviews/{r2}/reject", body: map[string]any{"reason": "not yet"}},
		{who: "dev", method: "POST", route: "/api/v1/apis/:api/versions/:version/submit", path: "/api/v1/apis/pets/versions/1.1.0/submit", save: "r3", lookup: "SELECT max(id) FROM publication_requests"},
		{who: "dev", method: "POST", route: "/api/v1/reviews/:id/withdraw", path: "/api/v1/reviews/{r3}/withdraw"},
		{who: "dev", method: "PUT", route: "/api/v1/apis/:api/versions/:version", path: "/api/v1/apis/pets/versions/1.1.0", body: map[string]any{"spec": lcPetsRemoved}},
		{who: "dev", method: "POST", route: "/api/v1/apis/:api/versions/:version/submit", path: "/api/v1/apis/pets/versions/1.1.0/submit", save: "r4", lookup: "SELECT max(id) FROM publication_requests"},
		{who: "appr", method: "POST", route: "/api/v1/reviews/:id/findings/:key/accept", path: "/api/v1/reviews/{r4}/findings/{finding}/accept", body: map[string]any{"reason": "nobody calls it"}},
		{who: "maint", method: "POST", route: "/api/v1/apis/:api/versions/:version/deprecate", path: "/api/v1/apis/pets/versions/1.0.0/deprecate", body: map[string]any{"sunset": lcSunset(90)}},
		{who: "maint", method: "POST", route: "/api/v1/apis/:api/versions/:version/undeprecate", path: "/api/v1/apis/pets/versions/1.0.0/undeprecate"},
		{who: "admin", method: "PUT", route: "/api/v1/rules/:id", path: "/api/v1/rules/info-description", body: map[string]any{"severity": "warning"}},
		{who: "admin", method: "PUT", route: "/api/v1/search/synonyms", path: "/api/v1/search/synonyms", body: map[string]any{"synonyms": [][]string{{"pet", "animal"}}}},

		{who: "maint", method: "POST", route: "/api/v1/apis/:api/plans", path: "/api/v1/apis/pets/plans", body: map[string]any{"slug": "gold", "name": "Gold", "rate_per_minute": 600, "approval": "manual"}},
		{who: "maint", method: "POST", route: "/api/v1/apis/:api/plans", path: "/api/v1/apis/pets/plans", body: map[string]any{"slug": "free", "name": "Free", "rate_per_minute": 60, "approval": "auto"}},
		{who: "maint", method: "PATCH", route: "/api/v1/apis/:api/plans/:plan", path: "/api/v1/apis/pets/plans/gold", body: map[string]any{"name": "Gold plan"}},
		{who: "outsider", method: "POST", route: "/api/v1/teams/:team/apps", path: "/api/v1/teams/search/apps", body: map[string]any{"slug": "finder", "name": "Finder"}},
		{who: "outsider", method: "PATCH", route: "/api/v1/apps/:app", path: "/api/v1/apps/finder", body: map[string]any{"description": "Finds pets"}},
		{who: "outsider", method: "POST", route: "/api/v1/teams/:team/apps", path: "/api/v1/teams/search/apps", body: map[string]any{"slug": "gone", "name": "Gone"}},
		{who: "outsider", method: "DELETE", route: "/api/v1/apps/:app", path: "/api/v1/apps/gone"},
		{who: "finder", method: "POST", route: "/api/v1/apps/:app/subscriptions", path: "/api/v1/apps/finder/subscriptions", body: map[string]any{"api": "pets", "plan": "gold", "purpose": "search"}, save: "sub", lookup: "SELECT max(id) FROM subscriptions"},
		{who: "maint", method: "POST", route: "/api/v1/subscriptions/:id/approve", path: "/api/v1/subscriptions/{sub}/approve"},
		{who: "finder", method: "POST", route: "/api/v1/subscriptions/:id/keys", path: "/api/v1/subscriptions/{sub}/keys", body: map[string]any{"name": "production"}, save: "key", lookup: "SELECT kid FROM api_keys ORDER BY id DESC LIMIT 1"},
		{who: "finder", method: "POST", route: "/api/v1/keys/:id/rotate", path: "/api/v1/keys/{key}/rotate", body: map[string]any{"grace_seconds": 60}},
		{who: "finder", method: "POST", route: "/api/v1/keys/:id/revoke", path: "/api/v1/keys/{key}/revoke"},
		{who: "maint", method: "POST", route: "/api/v1/subscriptions/:id/revoke", path: "/api/v1/subscriptions/{sub}/revoke", body: map[string]any{"reason": "abuse"}},
		{who: "finder", method: "POST", route: "/api/v1/apps/:app/subscriptions", path: "/api/v1/apps/finder/subscriptions", body: map[string]any{"api": "pets", "plan": "gold", "purpose": "again"}, save: "sub2", lookup: "SELECT max(id) FROM subscriptions"},
		{who: "maint", method: "POST", route: "/api/v1/subscriptions/:id/reject", path: "/api/v1/subscriptions/{sub2}/reject", body: map[string]any{"reason": "no"}},
		{who: "finder", method: "POST", route: "/api/v1/apps/:app/subscriptions", path: "/api/v1/apps/finder/subscriptions", body: map[string]any{"api": "pets", "plan": "free", "purpose": "try"}, save: "sub3", lookup: "SELECT max(id) FROM subscriptions"},
		{who: "finder", method: "POST", route: "/api/v1/subscriptions/:id/cancel", path: "/api/v1/subscriptions/{sub3}/cancel"},

		{who: "admin", method: "POST", route: "/api/v1/gateway/nodes", path: "/api/v1/gateway/nodes", body: map[string]any{"name": "node-a"}},
		{who: "maint", method: "PUT", route: "/api/v1/apis/:api/gateway/:major", path: "/api/v1/apis/pets/gateway/1", body: map[string]any{"targets": []string{"https://a.example.com"}}, save: "d1", lookup: "SELECT max(id) FROM gateway_deployments"},
		{who: "maint", method: "PUT", route: "/api/v1/apis/:api/gateway/:major", path: "/api/v1/apis/pets/gateway/1", body: map[string]any{"targets": []string{"https://b.example.com"}}},
		{who: "maint", method: "POST", route: "/api/v1/apis/:api/gateway/:major/rollback", path: "/api/v1/apis/pets/gateway/1/rollback", body: map[string]any{"deployment": "{d1}"}},
		{who: "admin", method: "DELETE", route: "/api/v1/gateway/nodes/:name", path: "/api/v1/gateway/nodes/node-a"},
		{who: "node", method: "POST", route: "/api/v1/gateway/usage", path: "/api/v1/gateway/usage", body: map[string]any{"id": "b1", "points": []any{}}},
		{who: "maint", method: "POST", route: "/api/v1/apis/:api/versions/:version/retire", path: "/api/v1/apis/pets/versions/1.0.0/retire"},
		{who: "admin", method: "POST", route: "/api/v1/apis/:api/transfer", path: "/api/v1/apis/pets/transfer", body: map[string]any{"team": "search"}},
		// The pages, on an API of their own.
		{who: "maint", method: "POST", route: "/teams/:team/apis", path: "/teams/payments/apis", form: url.Values{"slug": {"web"}, "name": {"Web"}, "visibility": {"public"}}},
		{who: "maint", method: "POST", route: "/apis/:api", path: "/apis/web", form: url.Values{"name": {"Web API"}, "visibility": {"public"}}},
		{who: "dev", method: "POST", route: "/apis/:api/versions", path: "/apis/web/versions", form: url.Values{"version": {"1.0.0"}, "spec": {spectest.PetsV1}}},
		{who: "dev", method: "POST", route: "/apis/:api/versions/:version/spec", path: "/apis/web/versions/1.0.0/spec", form: url.Values{"spec": {spectest.PetsV1 + "\n"}}},
		{who: "dev", method: "POST", route: "/apis/:api/versions/:version/submit", path: "/apis/web/versions/1.0.0/submit", form: url.Values{"note": {"First cut."}}, save: "p1", lookup: "SELECT max(id) FROM publication_requests"},
		{who: "appr", method: "POST", route: "/reviews/:id/approve", path: "/reviews/{p1}/approve", form: url.Values{"comment": {"fine"}}},
		{who: "dev", method: "POST", route: "/apis/:api/versions", path: "/apis/web/versions", form: url.Values{"version": {"1.1.0"}, "spec": {spectest.PetsV1}}},
		{who: "dev", method: "POST", route: "/apis/:api/versions/:version/submit", path: "/apis/web/versions/1.1.0/submit", form: url.Values{"note": {"Second."}}, save: "p2", lookup: "SELECT max(id) FROM publication_requests"},
		{who: "appr", method: "POST", route: "/reviews/:id/reject", path: "/reviews/{p2}/reject", form: url.Values{"reason": {"not yet"}}},
		{who: "dev", method: "POST", route: "/apis/:api/versions/:version/submit", path: "/apis/web/versions/1.1.0/submit", form: url.Values{"note": {"Third."}}, save: "p3", lookup: "SELECT max(id) FROM publication_requests"},
		{who: "dev", method: "POST", route: "/reviews/:id/withdraw", path: "/reviews/{p3}/withdraw"},
		{who: "dev", method: "POST", route: "/apis/:api/versions/:version/spec", path: "/apis/web/versions/1.1.0/spec", form: url.Values{"spec": {lcPetsRemoved}}},
		{who: "dev", method: "POST", route: "/apis/:api/versions/:version/submit", path: "/apis/web/versions/1.1.0/submit", form: url.Values{"note": {"Fourth."}}, save: "p4", lookup: "SELECT max(id) FROM publication_requests"},
		{who: "appr", method: "POST", route: "/reviews/:id/findings/:key/accept", path: "/reviews/{p4}/findings/{pfinding}/accept", form: url.Values{"reason": {"nobody calls it"}}},
		{who: "maint", method: "POST", route: "/apis/:api/versions/:version/deprecate", path: "/apis/web/versions/1.0.0/deprecate", form: url.Values{"sunset": {lcSunset(90)}}},
		{who: "maint", method: "POST", route: "/apis/:api/versions/:version/undeprecate", path: "/apis/web/versions/1.0.0/undeprecate"},
		{who: "admin", method: "POST", route: "/rules", path: "/rules", form: url.Values{"severity:info-description": {"info"}}},
		{who: "admin", method: "POST", route: "/search/synonyms", path: "/search/synonyms", form: url.Values{"synonyms": {"repo, repository"}}},
		{who: "dev", method: "POST", route: "/notifications/read", path: "/notifications/read"},
		{who: "maint", method: "POST", route: "/apis/:api/plans", path: "/apis/web/plans", form: url.Values{"slug": {"gold"}, "name": {"Gold"}, "approval": {"manual"}, "rate_per_minute": {"600"}, "open": {"true"}}},
		{who: "maint", method: "POST", route: "/apis/:api/plans/:plan", path: "/apis/web/plans/gold", form: url.Values{"name": {"Gold plan"}, "approval": {"manual"}, "rate_per_minute": {"600"}, "open": {"true"}}},
		{who: "outsider", method: "POST", route: "/apps", path: "/apps", form: url.Values{"team": {"search"}, "slug": {"mobile"}, "name": {"Mobile"}}, save: "appid", lookup: "SELECT max(id) FROM apps"},
		{who: "outsider", method: "POST", route: "/apps/:app", path: "/apps/mobile", form: url.Values{"name": {"Mobile app"}, "description": {"On phones"}}},
		{who: "outsider", method: "POST", route: "/apps", path: "/apps", form: url.Values{"team": {"search"}, "slug": {"gone-page"}, "name": {"Gone"}}},
		{who: "outsider", method: "POST", route: "/apps/:app/delete", path: "/apps/gone-page/delete"},
		{who: "finder", method: "POST", route: "/apis/:api/subscribe", path: "/apis/web/subscribe", form: url.Values{"plan": {"gold"}, "major": {"1"}, "app": {"new"}, "team": {"search"}, "app_slug": {"phone0"}, "app_name": {"Phone 0"}, "purpose": {"search pets"}}, save: "ps1", lookup: "SELECT max(id) FROM subscriptions"},
		{who: "maint", method: "POST", route: "/subscriptions/:id/approve", path: "/subscriptions/{ps1}/approve"},
		{who: "finder", method: "POST", route: "/subscriptions/:id/keys", path: "/subscriptions/{ps1}/keys", form: url.Values{"name": {"phones"}}, save: "pk", lookup: "SELECT kid FROM api_keys ORDER BY id DESC LIMIT 1"},
		{who: "finder", method: "POST", route: "/keys/:id/rotate", path: "/keys/{pk}/rotate", form: url.Values{"grace": {"3600"}}},
		{who: "finder", method: "POST", route: "/keys/:id/revoke", path: "/keys/{pk}/revoke"},
		{who: "maint", method: "POST", route: "/subscriptions/:id/revoke", path: "/subscriptions/{ps1}/revoke", form: url.Values{"reason": {"abuse"}}},
		{who: "finder", method: "POST", route: "/apis/:api/subscribe", path: "/apis/web/subscribe", form: url.Values{"plan": {"gold"}, "major": {"1"}, "app": {"new"}, "team": {"search"}, "app_slug": {"phone1"}, "app_name": {"Phone 1"}, "purpose": {"again"}}, save: "ps2", lookup: "SELECT max(id) FROM subscriptions"},
		{who: "maint", method: "POST", route: "/subscriptions/:id/reject", path: "/subscriptions/{ps2}/reject", form: url.Values{"reason": {"no"}}},
		{who: "finder", method: "POST", route: "/apis/:api/subscribe", path: "/apis/web/subscribe", form: url.Values{"plan": {"gold"}, "major": {"1"}, "app": {"new"}, "team": {"search"}, "app_slug": {"phone2"}, "app_name": {"Phone 2"}, "purpose": {"try"}}, save: "ps3", lookup: "SELECT max(id) FROM subscriptions"},
		{who: "finder", method: "POST", route: "/subscriptions/:id/cancel", path: "/subscriptions/{ps3}/cancel"},
		{who: "admin", method: "POST", route: "/gateway/nodes", path: "/gateway/nodes", form: url.Values{"name": {"node-b"}}},
		{who: "admin", method: "POST", route: "/gateway/nodes/:name/revoke", path: "/gateway/nodes/node-b/revoke"},
		{who: "maint", method: "POST", route: "/apis/:api/gateway/:major", path: "/apis/web/gateway/1", form: url.Values{"targets": {"https://a.example.com"}}, save: "pd1", lookup: "SELECT max(id) FROM gateway_deployments"},
		{who: "maint", method: "POST", route: "/apis/:api/gateway/:major", path: "/apis/web/gateway/1", form: url.Values{"targets": {"https://b.example.com"}}},
		{who: "maint", method: "POST", route: "/apis/:api/gateway/:major/rollback", path: "/apis/web/gateway/1/rollback", form: url.Values{"deployment": {"{pd1}"}}},
		{who: "maint", method: "POST", route: "/apis/:api/versions/:version/retire", path: "/apis/web/versions/1.0.0/retire", form: url.Values{"confirm": {"1.0.0"}}},
		{who: "admin", method: "POST", route: "/apis/:api/transfer", path: "/apis/web/transfer", form: url.Values{"team": {"search"}}},
		{who: "admin", method: "POST", route: "/teams/:team/delete", path: "/teams/ops/delete"},
		{who: "admin", method: "POST", route: "/users/:username", path: "/users/bob", form: url.Values{"org_role": {"member"}}},
		{who: "alice", method: "POST", route: "/profile/password", path: "/profile/password", form: url.Values{"current": {testPassword}, "new": {"a much longer new password"}, "confirm": {"a much longer new password"}}},
	}
}

// TestLoginAndLogoutSayWhatTheyDid: a login or a logout refused by the
// database after one of its writes committed (a login's attempt counters,
// the session it starts; a logout's deleted session) is not answered "the
// change was saved, do not send it again": a login sent again starts a new
// session (the browser may not have the first), a logout sent again ends
// whatever is left. They answer the ordinary 503 with Retry-After, or
// their own answer when nothing after the commit was refused.
func TestLoginAndLogoutSayWhatTheyDid(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			s := storetest.Open(t, d)
			e, hook, current := newTripEnv(t, s)
			e.user("alice", policy.RoleMember, "", "")
			check := func(what string, n int, res *http.Response, raw []byte, tc *tripCtx) {
				t.Helper()
				t.Logf("%s, cut after commit %d at %.60q: %d, Retry-After %q", what, n, tc.cutAt, res.StatusCode, res.Header.Get("Retry-After"))
				if strings.Contains(string(raw), "The change was saved") {
					t.Errorf("%s, cut after commit %d: answered %d %q", what, n, res.StatusCode, "The change was saved")
				}
				if tc.tripped.Load() && (res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "") {
					t.Errorf("%s, cut after commit %d: answered %d (Retry-After %q), want 503 with Retry-After", what, n, res.StatusCode, res.Header.Get("Retry-After"))
				}
			}
			for _, what := range []string{"POST /login", "POST /logout"} {
				for n := 0; ; n++ {
					b := e.browser()
					form := url.Values{"username": {"alice"}, "password": {testPassword}}
					path := "/login"
					if what == "POST /logout" {
						b.login("alice")
						form, path = url.Values{}, "/logout"
					}
					form.Set("_csrf", b.csrf())
					hook.mode.Store(tripAfterCommit)
					if n == 0 {
						hook.mode.Store(tripFirstQuery)
					}
					hook.commits.Store(int32(n))
					current()
					res := b.post(path, form)
					hook.mode.Store(tripNone)
					tc := current()
					raw, _ := io.ReadAll(res.Body)
					res.Body.Close()
					check(what, n, res, raw, tc)
					if !tc.tripped.Load() {
						if res.StatusCode != http.StatusSeeOther {
							t.Errorf("%s, nothing cut: answered %d", what, res.StatusCode)
						}
						break
					}
				}
			}
		})
	}
}
