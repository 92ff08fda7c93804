package handlers_test

import (
	"fmt"
	"strings"
	"testing"
)

// allMatrix is the permission matrix with the subscriptions rows.
func allMatrix() []matrixRow {
	return append(append(append([]matrixRow(nil), matrix...), subscriptionsMatrix...), subscriptionsPagesMatrix...)
}

// notMembers are the subjects outside the team "payments" (and not org
// admins): apps, subscriptions and keys of payments do not exist for them.
var notMembers = only("member", "outsider", "approver")

// hidden lists, per route, the subjects to whom the resource answers 404
// rather than 403.
var hidden = map[string]access{
	"/api/v1/apps/:app":                 notMembers,
	"/api/v1/apps/:app/subscriptions":   notMembers,
	"/api/v1/subscriptions/:id":         notMembers,
	"/api/v1/subscriptions/:id/approve": notMembers,
	"/api/v1/subscriptions/:id/reject":  notMembers,
	"/api/v1/subscriptions/:id/revoke":  notMembers,
	"/api/v1/subscriptions/:id/cancel":  notMembers,
	"/api/v1/subscriptions/:id/keys":    notMembers,
	"/api/v1/keys/:id":                  notMembers,
	"/api/v1/keys/:id/rotate":           notMembers,
	"/api/v1/keys/:id/revoke":           notMembers,
	// A publication request is seen by those who read its team's APIs.
	"/reviews/:id":                             only("member", "outsider"),
	"/reviews/:id/approve":                     only("member", "outsider"),
	"/reviews/:id/reject":                      only("member", "outsider"),
	"/reviews/:id/withdraw":                    only("member", "outsider"),
	"/reviews/:id/findings/:key/accept":        only("member", "outsider"),
	"/api/v1/reviews/:id":                      only("member", "outsider"),
	"/api/v1/reviews/:id/approve":              only("member", "outsider"),
	"/api/v1/reviews/:id/reject":               only("member", "outsider"),
	"/api/v1/reviews/:id/withdraw":             only("member", "outsider"),
	"/api/v1/reviews/:id/findings/:key/accept": only("member", "outsider"),
}

func hiddenFrom(r matrixRow) access { return hidden[r.route] }

var (
	teamMembers  = only("viewer", "developer", "maintainer", "owner", "admin")
	appManagers  = only("developer", "maintainer", "owner", "admin")
	planManagers = only("maintainer", "owner", "admin")
)

// subscriptionsMatrix covers the subscriptions routes on the fixtures of
// subscriptionsMatrixFixtures: the auto plan "basic" of payments-api, the
// app "pay-app" of payments, its cancelled subscription {sub} and the
// revoked key {key}. Bodies and states refuse every allowed call after the
// permission check (422 or 409), so no row changes the fixtures.
var subscriptionsMatrix = []matrixRow{
	{"GET", "/api/v1/apis/:api/plans", "/api/v1/apis/payments-api/plans", loggedIn, nil},
	{"POST", "/api/v1/apis/:api/plans", "/api/v1/apis/payments-api/plans", planManagers, map[string]any{}},
	{"GET", "/api/v1/apis/:api/plans/:plan", "/api/v1/apis/payments-api/plans/basic", loggedIn, nil},
	{"PATCH", "/api/v1/apis/:api/plans/:plan", "/api/v1/apis/payments-api/plans/basic", planManagers, map[string]any{"approval": "maybe"}},
	{"GET", "/api/v1/teams/:team/apps", "/api/v1/teams/payments/apps", teamMembers, nil},
	{"POST", "/api/v1/teams/:team/apps", "/api/v1/teams/payments/apps", appManagers, map[string]any{}},
	{"GET", "/api/v1/apps/:app", "/api/v1/apps/pay-app", teamMembers, nil},
	{"PATCH", "/api/v1/apps/:app", "/api/v1/apps/pay-app", appManagers, map[string]any{"name": ""}},
	// The first app manager (developer; subjects come in order) removes
	// gone-app: the allowed after it find it gone (404), as the not
	// members always do; the viewer came before, refused (403).
	{"DELETE", "/api/v1/apps/:app", "/api/v1/apps/gone-app", appManagers, nil},
	{"POST", "/api/v1/apps/:app/subscriptions", "/api/v1/apps/pay-app/subscriptions", appManagers, map[string]any{}},
	{"GET", "/api/v1/subscriptions", "/api/v1/subscriptions", loggedIn, nil},
	{"GET", "/api/v1/usage", "/api/v1/usage", loggedIn, nil},
	{"GET", "/api/v1/subscriptions/:id", "/api/v1/subscriptions/{sub}", teamMembers, nil},
	{"POST", "/api/v1/subscriptions/:id/approve", "/api/v1/subscriptions/{sub}/approve", planManagers, nil},
	{"POST", "/api/v1/subscriptions/:id/reject", "/api/v1/subscriptions/{sub}/reject", planManagers, map[string]any{}},
	{"POST", "/api/v1/subscriptions/:id/revoke", "/api/v1/subscriptions/{sub}/revoke", planManagers, map[string]any{}},
	{"POST", "/api/v1/subscriptions/:id/cancel", "/api/v1/subscriptions/{sub}/cancel", appManagers, nil},
	{"GET", "/api/v1/subscriptions/:id/keys", "/api/v1/subscriptions/{sub}/keys", teamMembers, nil},
	{"POST", "/api/v1/subscriptions/:id/keys", "/api/v1/subscriptions/{sub}/keys", appManagers, map[string]any{}},
	{"GET", "/api/v1/keys/:id", "/api/v1/keys/{key}", teamMembers, nil},
	{"POST", "/api/v1/keys/:id/rotate", "/api/v1/keys/{key}/rotate", appManagers, map[string]any{}},
	{"POST", "/api/v1/keys/:id/revoke", "/api/v1/keys/{key}/revoke", appManagers, nil},
}

// subscriptionsMatrixFixtures makes the fixtures of subscriptionsMatrix
// through the JSON API, after lifecycleMatrixFixtures, and returns the
// values of the placeholders.
func subscriptionsMatrixFixtures(t *testing.T, e *env, tokens map[string]string) map[string]string {
	t.Helper()
	ids := map[string]string{}
	steps := []struct {
		method, path string
		body         any
		want         int
		save         string
	}{
		{"POST", "/api/v1/apis/payments-api/plans", map[string]any{"slug": "basic", "name": "Basic", "rate_per_minute": 60, "approval": "auto"}, 201, ""},
		{"POST", "/api/v1/teams/payments/apps", map[string]any{"slug": "pay-app", "name": "Pay app"}, 201, ""},
		{"POST", "/api/v1/apps/pay-app/subscriptions", map[string]any{"api": "payments-api", "plan": "basic", "purpose": "matrix"}, 201, "{sub}"},
		{"POST", "/api/v1/subscriptions/{sub}/keys", map[string]any{"name": "matrix"}, 201, "{key}"},
		{"POST", "/api/v1/subscriptions/{sub}/cancel", nil, 200, ""},
		{"POST", "/api/v1/teams/payments/apps", map[string]any{"slug": "gone-app", "name": "Gone app"}, 201, ""},
		{"POST", "/api/v1/teams/payments/apps", map[string]any{"slug": "gone-page", "name": "Gone page"}, 201, ""},
	}
	for _, st := range steps {
		path := st.path
		for k, v := range ids {
			path = strings.ReplaceAll(path, k, v)
		}
		res, out := e.api(st.method, path, tokens["admin"], st.body)
		if res.StatusCode != st.want {
			t.Fatalf("fixture %s %s: status %d, want %d: %v", st.method, path, res.StatusCode, st.want, out)
		}
		if st.save != "" {
			ids[st.save] = fmt.Sprint(out["id"])
		}
	}
	return ids
}

// subscriptionsPagesMatrix covers the subscriptions pages on the same
// fixtures; empty forms are refused after the permission check (422, or 303
// back with a flash), so no row changes the fixtures.
var subscriptionsPagesMatrix = []matrixRow{
	{"GET", "/apps", "/apps", loggedIn, nil},
	{"POST", "/apps", "/apps", loggedIn, nil},
	{"GET", "/apps/:app", "/apps/pay-app", teamMembers, nil},
	{"POST", "/apps/:app", "/apps/pay-app", appManagers, nil},
	{"POST", "/apps/:app/delete", "/apps/gone-page", appManagers, nil}, // as DELETE /api/v1/apps/gone-app
	{"GET", "/apis/:api/subscribe", "/apis/payments-api/subscribe", loggedIn, nil},
	{"POST", "/apis/:api/subscribe", "/apis/payments-api/subscribe", loggedIn, nil},
	{"GET", "/apis/:api/subscribers", "/apis/payments-api/subscribers", teamMembers, nil},
	{"GET", "/apis/:api/usage", "/apis/payments-api/usage", teamMembers, nil},
	{"POST", "/apis/:api/plans", "/apis/payments-api/plans", planManagers, nil},
	{"POST", "/apis/:api/plans/:plan", "/apis/payments-api/plans/basic", planManagers, nil},
	{"GET", "/subscriptions/requests", "/subscriptions/requests", loggedIn, nil},
	{"POST", "/subscriptions/:id/approve", "/subscriptions/{sub}/approve", planManagers, nil},
	{"POST", "/subscriptions/:id/reject", "/subscriptions/{sub}/reject", planManagers, nil},
	{"POST", "/subscriptions/:id/revoke", "/subscriptions/{sub}/revoke", planManagers, nil},
	{"POST", "/subscriptions/:id/cancel", "/subscriptions/{sub}/cancel", appManagers, nil},
	{"GET", "/subscriptions/:id/keys", "/subscriptions/{sub}/keys", teamMembers, nil},
	{"POST", "/subscriptions/:id/keys", "/subscriptions/{sub}/keys", appManagers, nil},
	{"GET", "/subscriptions/:id/usage", "/subscriptions/{sub}/usage", teamMembers, nil},
	{"POST", "/keys/:id/rotate", "/keys/{key}/rotate", appManagers, nil},
	{"POST", "/keys/:id/revoke", "/keys/{key}/revoke", appManagers, nil},
}

func init() {
	for _, r := range subscriptionsPagesMatrix {
		if r.route != "/apps" && r.route != "/apis/:api/subscribe" && r.route != "/apis/:api/subscribers" && r.route != "/apis/:api/usage" && r.route != "/apis/:api/plans" &&
			r.route != "/apis/:api/plans/:plan" && r.route != "/subscriptions/requests" {
			hidden[r.route] = notMembers
		}
	}
}
