package handlers

import (
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/lifecycle"
)

// Scope says how a route is authorized.
type Scope int

const (
	// Public routes need no login (login page, health, static assets).
	Public Scope = iota
	// Authenticated routes need a logged-in user and nothing more.
	Authenticated
	// Org routes check the permission in the org domain.
	Org
	// Team routes load the team named by the :team parameter (404 when it
	// does not exist) and check the permission in that team's domain.
	Team
	// API routes load the API named by the :api parameter with its team
	// (404 when it does not exist, or when it is team-only and the user may
	// not read it) and check the permission in the API's team domain.
	API
	// Review routes load the publication request named by :id with its API
	// (404 as for API routes) and check the permission in the API's team domain.
	Review
	// App routes load the app named by :app (404 when it does not exist or
	// the user does not see it: subscriptions.Service.SeesApp) and check the
	// permission in the app's team domain.
	App
	// Subscription routes load the subscription named by :id (404 unless the
	// user sees it from either side: subscriptions.Service.Sees) and check
	// the permission in the providing team's domain for the objects
	// "subscriptions" and "subscribers", in the app's team's otherwise.
	Subscription
	// Key routes load the API key named by :id (its public id) with its
	// subscription (404 unless the user sees the subscription's keys) and
	// check the permission in the app's team domain.
	Key
	// Node routes are for gateway nodes, not users: the handler
	// authenticates the node's own token (a registered node, not revoked).
	// No user credential is read and no user is ever allowed.
	Node
)

// Permission is what a route requires.
type Permission struct {
	Scope  Scope
	Object string
	Action string
}

func public() Permission        { return Permission{Scope: Public} }
func node() Permission          { return Permission{Scope: Node} }
func authenticated() Permission { return Permission{Scope: Authenticated} }
func org(obj, act string) Permission {
	return Permission{Scope: Org, Object: obj, Action: act}
}
func team(obj, act string) Permission {
	return Permission{Scope: Team, Object: obj, Action: act}
}

// apiPerm requires the policy action act on the API's team ("" only checks
// that the user may see the API).
func apiPerm(act string) Permission { return Permission{Scope: API, Object: "api", Action: act} }

// planPerm requires "plans act" in the API's team.
func planPerm(act string) Permission { return Permission{Scope: API, Object: "plans", Action: act} }

// appPerm requires "apps act" in the app's team.
func appPerm(act string) Permission { return Permission{Scope: App, Object: "apps", Action: act} }

// consumerPerm requires "apps act" in the subscribed app's team ("" only
// checks that the user sees the subscription).
func consumerPerm(act string) Permission {
	if act == "" {
		return Permission{Scope: Subscription}
	}
	return Permission{Scope: Subscription, Object: "apps", Action: act}
}

// providerPerm requires "subscriptions act" in the subscribed API's team.
func providerPerm(act string) Permission {
	return Permission{Scope: Subscription, Object: "subscriptions", Action: act}
}

// keyPerm requires "apps act" in the key's app's team.
func keyPerm(act string) Permission { return Permission{Scope: Key, Object: "apps", Action: act} }

// transferPerm requires "team manage" in the API's team: its owners give
// it away (lifecycle.Service.Transfer checks the target team).
func transferPerm() Permission { return Permission{Scope: API, Object: "team", Action: "manage"} }

// reviewPerm requires the policy action act on the reviewed API's team.
func reviewPerm(act string) Permission { return Permission{Scope: Review, Object: "api", Action: act} }

// Route is one entry of the route table.
type Route struct {
	Method string
	Path   string
	Perm   Permission
	Handle fiber.Handler
}

// API reports whether the route is for programs: the JSON API and the MCP
// endpoint, which authenticate with bearer tokens and answer errors with
// problem documents.
func (r Route) API() bool { return forPrograms(r.Path) }

// forPrograms reports whether path belongs to the JSON API or the MCP endpoint.
// It matches as the router does: without regard to case, and with trailing
// slashes ignored ("/API/v1/apis" and "/mcp/" reach those handlers too).
func forPrograms(path string) bool {
	path = strings.ToLower(path)
	return strings.HasPrefix(path, "/api/") || strings.TrimRight(path, "/") == "/mcp"
}

// CSRF reports whether the route changes state from a browser session and
// so must carry the CSRF token. API routes use bearer tokens, not cookies.
func (r Route) CSRF() bool {
	if r.API() {
		return false
	}
	switch r.Method {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return false
	}
	return true
}

// Routes is the one route table: method, path, permission and handler. The
// lifecycle actions take their permission from the transition table.
func (h *Handler) Routes() []Route {
	return []Route{
		// Operations.
		{"GET", "/healthz", public(), h.Healthz},
		{"GET", "/readyz", public(), h.Readyz},
		{"GET", "/metrics", public(), h.Metrics},

		// Session.
		{"GET", "/login", public(), h.ShowLogin},
		{"POST", "/login", public(), h.Login},
		{"POST", "/logout", authenticated(), h.Logout},

		// Pages.
		{"GET", "/", authenticated(), h.ShowDashboard},
		{"GET", "/profile", authenticated(), h.ShowProfile},
		{"POST", "/profile", authenticated(), h.UpdateProfile},
		{"POST", "/profile/password", authenticated(), h.ChangePassword},
		{"POST", "/profile/sessions/end-others", authenticated(), h.EndOtherSessions},
		{"GET", "/password", authenticated(), h.ShowChoosePassword}, // after a login with a one-time password, every page leads here
		{"POST", "/profile/tokens", authenticated(), h.CreateToken},
		{"POST", "/profile/tokens/:id/revoke", authenticated(), h.RevokeToken},

		{"GET", "/users", org("users", "read"), h.ListUsers},
		{"GET", "/users/new", org("users", "manage"), h.NewUser},
		{"POST", "/users", org("users", "manage"), h.CreateUser},
		{"GET", "/users/:username/edit", org("users", "manage"), h.EditUser},
		{"POST", "/users/:username", org("users", "manage"), h.UpdateUser},
		{"POST", "/users/:username/password-reset", org("users", "manage"), h.ResetUserPassword},

		{"GET", "/teams", org("team", "read"), h.ListTeams},
		{"GET", "/teams/new", org("teams", "create"), h.NewTeam},
		{"POST", "/teams", org("teams", "create"), h.CreateTeam},
		{"GET", "/teams/:team", team("team", "read"), h.ShowTeam},
		{"POST", "/teams/:team", team("team", "manage"), h.UpdateTeam},
		{"POST", "/teams/:team/delete", team("teams", "delete"), h.DeleteTeam}, // org admins: "teams delete" holds in every domain
		{"POST", "/teams/:team/members", team("members", "manage"), h.AddTeamMember},
		{"POST", "/teams/:team/members/:username", team("members", "manage"), h.ChangeTeamMember},
		{"POST", "/teams/:team/members/:username/remove", team("members", "manage"), h.RemoveTeamMember},
		{"POST", "/teams/:team/members/:username/reviewer", team("members", "manage"), h.SetTeamMemberReviewer},

		// JSON API.
		{"GET", "/api/v1/openapi.json", public(), h.APIDescription},
		{"GET", "/api/v1/me", authenticated(), h.APIMe},
		{"POST", "/api/v1/users", org("users", "manage"), h.APICreateUser},
		{"GET", "/api/v1/users/:username", org("users", "read"), h.APIGetUser},
		{"PATCH", "/api/v1/users/:username", org("users", "manage"), h.APIUpdateUser},
		{"POST", "/api/v1/users/:username/password-reset", org("users", "manage"), h.APIResetUserPassword},
		{"POST", "/api/v1/teams", org("teams", "create"), h.APICreateTeam},
		{"GET", "/api/v1/teams/:team", team("team", "read"), h.APIGetTeam},
		{"PATCH", "/api/v1/teams/:team", team("team", "manage"), h.APIUpdateTeam},
		{"DELETE", "/api/v1/teams/:team", team("teams", "delete"), h.APIDeleteTeam}, // as /teams/:team/delete
		{"PUT", "/api/v1/teams/:team/members/:username", team("members", "manage"), h.APISetTeamMember},
		{"DELETE", "/api/v1/teams/:team/members/:username", team("members", "manage"), h.APIRemoveTeamMember},

		// Lifecycle pages: APIs, versions, reviews, notifications, audit.
		{"GET", "/teams/:team/apis/new", team("api", "create"), h.NewAPI},
		{"POST", "/teams/:team/apis", team("api", "create"), h.CreateAPI},
		{"GET", "/apis/:api", apiPerm(""), h.ShowAPI},
		{"GET", "/apis/:api/edit", apiPerm("edit"), h.EditAPI},
		{"POST", "/apis/:api", apiPerm("edit"), h.UpdateAPI},
		{"POST", "/apis/:api/transfer", transferPerm(), h.TransferAPI}, // the service checks "api create" in the target team
		{"GET", "/apis/:api/versions/new", apiPerm("draft"), h.NewVersion},
		{"POST", "/apis/:api/versions", apiPerm("draft"), h.CreateVersion},
		{"GET", "/apis/:api/versions/:version", apiPerm(""), h.ShowVersion}, // drafts: 404 without "api read"
		{"GET", "/apis/:api/versions/:version/edit", apiPerm("draft"), h.EditDraft},
		{"POST", "/apis/:api/versions/:version/spec", apiPerm("draft"), h.UpdateDraft},
		{"GET", "/apis/:api/versions/:version/openapi", apiPerm(""), h.DownloadSpec},
		{"GET", "/apis/:api/versions/:version/openapi.json", apiPerm(""), h.DownloadSpecJSON},
		{"GET", "/apis/:api/versions/:version/reference", apiPerm(""), h.ShowReference},
		{"POST", "/apis/:api/versions/:version/submit", apiPerm(lifecycle.Permission(lifecycle.Submit)), h.SubmitVersion},
		{"POST", "/apis/:api/versions/:version/deprecate", apiPerm(lifecycle.Permission(lifecycle.Deprecate)), h.DeprecateVersion},
		{"POST", "/apis/:api/versions/:version/undeprecate", apiPerm(lifecycle.Permission(lifecycle.Undeprecate)), h.UndeprecateVersion},
		{"POST", "/apis/:api/versions/:version/retire", apiPerm(lifecycle.Permission(lifecycle.Retire)), h.RetireVersion},
		{"GET", "/reviews", authenticated(), h.ListReviews}, // the requests the user may open: lifecycle.VisibleRequests
		{"GET", "/reviews/:id", reviewPerm("read"), h.ShowReview},
		{"POST", "/reviews/:id/approve", reviewPerm(lifecycle.Permission(lifecycle.Approve)), h.ApproveReview},
		{"POST", "/reviews/:id/reject", reviewPerm(lifecycle.Permission(lifecycle.Reject)), h.RejectReview},
		{"POST", "/reviews/:id/withdraw", reviewPerm(lifecycle.Permission(lifecycle.Withdraw)), h.WithdrawReview},
		{"POST", "/reviews/:id/findings/:key/accept", reviewPerm(lifecycle.Permission(lifecycle.Approve)), h.AcceptFinding}, // never the requester (the service checks)
		{"GET", "/rules", authenticated(), h.ShowRules},
		{"POST", "/rules", org("rules", "manage"), h.UpdateRules},
		{"GET", "/notifications", authenticated(), h.ListNotifications},
		{"POST", "/notifications/read", authenticated(), h.MarkNotificationsRead},
		{"GET", "/audit", org("audit", "read"), h.ShowAudit},

		// Lifecycle JSON API.
		{"POST", "/api/v1/apis", authenticated(), h.APICreateAPI}, // the team is in the body; the service checks "api create"
		{"GET", "/api/v1/apis/:api", apiPerm(""), h.APIGetAPI},
		{"PATCH", "/api/v1/apis/:api", apiPerm("edit"), h.APIUpdateAPI},
		{"POST", "/api/v1/apis/:api/transfer", transferPerm(), h.APITransferAPI}, // as /apis/:api/transfer
		{"GET", "/api/v1/apis/:api/versions", apiPerm(""), h.APIListVersions},
		{"POST", "/api/v1/apis/:api/versions", apiPerm("draft"), h.APICreateVersion},
		{"GET", "/api/v1/apis/:api/versions/:version", apiPerm(""), h.APIGetVersion},
		{"PUT", "/api/v1/apis/:api/versions/:version", apiPerm("draft"), h.APIUpdateVersion},
		{"POST", "/api/v1/apis/:api/versions/:version/submit", apiPerm(lifecycle.Permission(lifecycle.Submit)), h.APISubmitVersion},
		{"POST", "/api/v1/apis/:api/versions/:version/deprecate", apiPerm(lifecycle.Permission(lifecycle.Deprecate)), h.APIDeprecateVersion},
		{"POST", "/api/v1/apis/:api/versions/:version/undeprecate", apiPerm(lifecycle.Permission(lifecycle.Undeprecate)), h.APIUndeprecateVersion},
		{"POST", "/api/v1/apis/:api/versions/:version/retire", apiPerm(lifecycle.Permission(lifecycle.Retire)), h.APIRetireVersion},
		{"GET", "/api/v1/reviews", authenticated(), h.APIListReviews}, // as /reviews
		{"GET", "/api/v1/reviews/:id", reviewPerm("read"), h.APIGetReview},
		{"POST", "/api/v1/reviews/:id/approve", reviewPerm(lifecycle.Permission(lifecycle.Approve)), h.APIApproveReview},
		{"POST", "/api/v1/reviews/:id/reject", reviewPerm(lifecycle.Permission(lifecycle.Reject)), h.APIRejectReview},
		{"POST", "/api/v1/reviews/:id/withdraw", reviewPerm(lifecycle.Permission(lifecycle.Withdraw)), h.APIWithdrawReview},
		{"POST", "/api/v1/reviews/:id/findings/:key/accept", reviewPerm(lifecycle.Permission(lifecycle.Approve)), h.APIAcceptFinding},
		{"GET", "/api/v1/rules", authenticated(), h.APIListRules},
		{"PUT", "/api/v1/rules/:id", org("rules", "manage"), h.APISetRule},
		{"GET", "/api/v1/audit", org("audit", "read"), h.APIListAudit},

		// Subscriptions pages: apps, subscribing, requests, subscribers, keys.
		{"GET", "/apps", authenticated(), h.ListApps},
		{"POST", "/apps", authenticated(), h.CreateAppPage}, // the team is in the form; the service checks "apps manage"
		{"GET", "/apps/:app", appPerm("read"), h.ShowApp},
		{"POST", "/apps/:app", appPerm("manage"), h.UpdateAppPage},
		{"POST", "/apps/:app/delete", appPerm("manage"), h.DeleteAppPage},
		{"GET", "/apis/:api/subscribe", apiPerm(""), h.ShowSubscribe},
		{"POST", "/apis/:api/subscribe", apiPerm(""), h.Subscribe}, // the service checks "apps manage" in the chosen app's team
		{"GET", "/apis/:api/subscribers", Permission{Scope: API, Object: "subscribers", Action: "read"}, h.ShowSubscribers},
		{"GET", "/apis/:api/usage", Permission{Scope: API, Object: "subscribers", Action: "read"}, h.ShowAPIUsage}, // ?format=csv: the series
		{"POST", "/apis/:api/plans", planPerm("manage"), h.CreatePlan},
		{"POST", "/apis/:api/plans/:plan", planPerm("manage"), h.UpdatePlan},
		{"GET", "/subscriptions/requests", authenticated(), h.ListRequests}, // those the user decides: subscriptions.Service.Inbox
		{"POST", "/subscriptions/:id/approve", providerPerm("decide"), h.ApproveSubscription},
		{"POST", "/subscriptions/:id/reject", providerPerm("decide"), h.RejectSubscription},
		{"POST", "/subscriptions/:id/revoke", providerPerm("decide"), h.RevokeSubscription},
		{"POST", "/subscriptions/:id/cancel", consumerPerm("manage"), h.CancelSubscription},
		{"GET", "/subscriptions/:id/keys", consumerPerm("read"), h.ShowSubscriptionKeys}, // all keys, paged; the app page shows the newest
		{"POST", "/subscriptions/:id/keys", consumerPerm("manage"), h.CreateKeyPage},
		{"GET", "/subscriptions/:id/usage", consumerPerm(""), h.ShowSubscriptionUsage}, // both teams, as GET /api/v1/subscriptions/:id; ?format=csv
		{"POST", "/keys/:id/rotate", keyPerm("manage"), h.RotateKeyPage},
		{"POST", "/keys/:id/revoke", keyPerm("manage"), h.RevokeKeyPage},

		// Subscriptions JSON API: plans, apps, subscriptions and keys.
		{"GET", "/api/v1/apis/:api/plans", apiPerm(""), h.APIListPlans},
		{"POST", "/api/v1/apis/:api/plans", planPerm("manage"), h.APICreatePlan},
		{"GET", "/api/v1/apis/:api/plans/:plan", apiPerm(""), h.APIGetPlan},
		{"PATCH", "/api/v1/apis/:api/plans/:plan", planPerm("manage"), h.APIUpdatePlan},
		{"GET", "/api/v1/teams/:team/apps", team("apps", "read"), h.APIListApps},
		{"POST", "/api/v1/teams/:team/apps", team("apps", "manage"), h.APICreateApp},
		{"GET", "/api/v1/apps/:app", appPerm("read"), h.APIGetApp},
		{"PATCH", "/api/v1/apps/:app", appPerm("manage"), h.APIUpdateApp},
		{"DELETE", "/api/v1/apps/:app", appPerm("manage"), h.APIDeleteApp},
		{"POST", "/api/v1/apps/:app/subscriptions", appPerm("manage"), h.APISubscribe}, // the service checks the API is visible
		{"GET", "/api/v1/usage", authenticated(), h.APIUsage},                          // the usage the user sees: usage.Service.Series
		{"GET", "/api/v1/subscriptions", authenticated(), h.APIListSubscriptions},      // those of the user's teams: subscriptions.Service.List
		{"GET", "/api/v1/subscriptions/:id", consumerPerm(""), h.APIGetSubscription},
		{"POST", "/api/v1/subscriptions/:id/approve", providerPerm("decide"), h.APIApproveSubscription},
		{"POST", "/api/v1/subscriptions/:id/reject", providerPerm("decide"), h.APIRejectSubscription},
		{"POST", "/api/v1/subscriptions/:id/revoke", providerPerm("decide"), h.APIRevokeSubscription},
		{"POST", "/api/v1/subscriptions/:id/cancel", consumerPerm("manage"), h.APICancelSubscription},
		{"GET", "/api/v1/subscriptions/:id/keys", consumerPerm("read"), h.APIListKeys},
		{"POST", "/api/v1/subscriptions/:id/keys", consumerPerm("manage"), h.APICreateKey},
		{"GET", "/api/v1/keys/:id", keyPerm("read"), h.APIGetKey},
		{"POST", "/api/v1/keys/:id/rotate", keyPerm("manage"), h.APIRotateKey},
		{"POST", "/api/v1/keys/:id/revoke", keyPerm("manage"), h.APIRevokeKey},
		// Gateway: nodes (org admins), the configuration push (gateway nodes
		// with their own tokens) and the gateway settings of API major
		// versions (team maintainers; the service checks "api gateway").
		{"GET", "/gateway", org("gateway", "manage"), h.ShowGateway},
		{"POST", "/gateway/nodes", org("gateway", "manage"), h.RegisterNode},
		{"POST", "/gateway/nodes/:name/revoke", org("gateway", "manage"), h.RevokeNode},
		{"GET", "/api/v1/gateway/nodes", org("gateway", "manage"), h.APIListNodes},
		{"POST", "/api/v1/gateway/nodes", org("gateway", "manage"), h.APIRegisterNode},
		{"GET", "/api/v1/gateway/nodes/:name", org("gateway", "manage"), h.APIGetNode},
		{"DELETE", "/api/v1/gateway/nodes/:name", org("gateway", "manage"), h.APIRevokeNode},
		{"POST", gateway.SyncPath, node(), h.GatewaySync},
		{"POST", gateway.UsagePath, node(), h.GatewayUsage},
		{"GET", "/apis/:api/gateway", apiPerm("gateway"), h.ShowGatewaySettings},
		{"POST", "/apis/:api/gateway/:major", apiPerm("gateway"), h.DeployGatewaySettings},
		{"POST", "/apis/:api/gateway/:major/rollback", apiPerm("gateway"), h.RollbackGatewaySettings},
		{"GET", "/api/v1/apis/:api/gateway", apiPerm("gateway"), h.APIGetGatewaySettings},
		{"PUT", "/api/v1/apis/:api/gateway/:major", apiPerm("gateway"), h.APIDeployGatewaySettings},
		{"POST", "/api/v1/apis/:api/gateway/:major/rollback", apiPerm("gateway"), h.APIRollbackGatewaySettings},

		// Catalog and search.
		{"GET", "/catalog", authenticated(), h.ShowCatalog},
		{"GET", "/catalog/facets/:facet", authenticated(), h.ShowCatalogFacet},
		{"GET", "/api/v1/search", authenticated(), h.APISearch},
		{"GET", "/search/synonyms", authenticated(), h.ShowSynonyms},
		{"POST", "/search/synonyms", org("synonyms", "manage"), h.UpdateSynonyms},
		{"GET", "/api/v1/search/synonyms", authenticated(), h.APIGetSynonyms},
		{"PUT", "/api/v1/search/synonyms", org("synonyms", "manage"), h.APISetSynonyms},

		// The catalog for AI agents: MCP over Streamable HTTP (stateless:
		// GET and DELETE answer 405). Each tool checks visibility itself.
		{"POST", "/mcp", authenticated(), h.ServeMCP},
		{"GET", "/mcp", authenticated(), h.ServeMCP},
		{"DELETE", "/mcp", authenticated(), h.ServeMCP},
	}
}

// allowedMethods lists the methods the route table serves at path, matched
// as the router matches (without regard to case, a trailing slash ignored,
// a parameter standing for one segment), with HEAD wherever GET is; nil
// when no route serves the path.
func allowedMethods(routes []Route, path string) []string {
	segs := strings.Split(strings.Trim(strings.ToLower(path), "/"), "/")
	seen := map[string]bool{}
	var out []string
	add := func(m string) {
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	for _, r := range routes {
		if !pathMatches(r.Path, segs) {
			continue
		}
		add(r.Method)
		if r.Method == fiber.MethodGet {
			add(fiber.MethodHead)
		}
	}
	sort.Strings(out)
	return out
}

// pathMatches reports whether the route path pattern matches the request
// path's lowercase segments.
func pathMatches(pattern string, segs []string) bool {
	ps := strings.Split(strings.Trim(strings.ToLower(pattern), "/"), "/")
	if len(ps) != len(segs) {
		return false
	}
	for i, p := range ps {
		if strings.HasPrefix(p, ":") {
			if segs[i] == "" {
				return false
			}
			continue
		}
		if p != segs[i] {
			return false
		}
	}
	return true
}
