package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
)

// TestTeamReviewers: a developer of payments made team reviewer reviews
// payments' requests (not their own, not another team's) until the flag is
// revoked.
func TestTeamReviewers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := e.user("admin", policy.RoleAdmin, "", "")
	e.user("owner", policy.RoleMember, "payments", policy.RoleOwner)
	dev := e.user("dev", policy.RoleMember, "payments", policy.RoleDeveloper)
	dev2 := e.user("dev2", policy.RoleMember, "payments", policy.RoleDeveloper)
	sdev := e.user("sdev", policy.RoleMember, "search", policy.RoleDeveloper)
	devToken := e.token(dev)
	pets := pagePublishedAPI(t, e, admin, "payments", "pets", store.VisibilityPublic, spectest.PetsV1)
	finder := pagePublishedAPI(t, e, admin, "search", "finder", store.VisibilityPublic, spectest.PetsV1)
	svc := pageLife(t, e)
	submit := func(who *store.User, a *store.API, version string) string {
		t.Helper()
		v, err := svc.CreateVersion(ctx, who, a, version, nil)
		if err != nil {
			t.Fatal(err)
		}
		r, err := svc.Submit(ctx, who, a, v, "")
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("/reviews/%d", r.ID)
	}

	devB := e.browser()
	devB.login("dev")
	ownerB := e.browser()
	ownerB.login("owner")

	if doc(t, devB.get("/")).Find(`[data-testid="waiting-reviews"]`).Length() != 0 {
		t.Error("a developer who is not a reviewer sees \"Waiting for your review\"")
	}

	// The owner makes dev a reviewer on the team page; bad requests are refused with a message:
	// a bad value with the team page, beside the member's reviewer form or,
	// for no member, above the members table.
	for _, tc := range []struct {
		username, where string
	}{
		{"dev", `form[action="/teams/payments/members/dev/reviewer"] [data-testid="error-reviewer"]`},
		{"ghost", `[data-testid="form-error"]`},
	} {
		res := ownerB.post("/teams/payments/members/"+tc.username+"/reviewer", url.Values{"reviewer": {"maybe"}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("reviewer %s=maybe: status %d, want 422", tc.username, res.StatusCode)
		}
		if got := doc(t, res).Find(tc.where).Text(); !strings.Contains(got, `Choose whether "`+tc.username+`" reviews`) {
			t.Errorf("reviewer %s=maybe: %s says %q, want the message", tc.username, tc.where, got)
		}
	}
	for _, tc := range []struct {
		username, value, flash string
	}{
		{"sdev", "true", "sdev is not a member of Payments"},
		{"ghost", "true", `"ghost" is not a member of Payments`},
		{"dev", "true", "dev now reviews the publication requests of Payments"},
	} {
		res := ownerB.post("/teams/payments/members/"+tc.username+"/reviewer", url.Values{"reviewer": {tc.value}})
		pageWantRedirect(t, "reviewer "+tc.username+"="+tc.value, res, "/teams/payments")
		if got := doc(t, ownerB.get("/teams/payments")).Find(`[data-testid="flash"]`).Text(); !strings.Contains(got, tc.flash) {
			t.Errorf("reviewer %s=%s: flash %q, want %q", tc.username, tc.value, got, tc.flash)
		}
	}
	reviewers := doc(t, ownerB.get("/teams/payments")).Find(`[data-testid="member-row"]`).FilterFunction(func(_ int, s *goquery.Selection) bool {
		return s.Find(`[data-testid="reviewer-badge"]`).Length() == 1
	}).Map(func(_ int, s *goquery.Selection) string { return s.Find("strong").Text() })
	if !slices.Equal(reviewers, []string{"dev"}) {
		t.Errorf("members shown as reviewers = %v, want [dev]", reviewers)
	}
	if n := doc(t, devB.get("/teams/payments")).Find(`[data-testid="reviewer-form"]`).Length(); n != 0 {
		t.Errorf("a developer sees %d reviewer forms, want none", n)
	}
	events, err := e.store.ListAudit(ctx, store.AuditFilter{Action: "team.member.reviewer"})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Before != "dev reviewer=false" || events[0].After != "dev reviewer=true" || events[0].Actor != "owner" {
		t.Errorf("reviewer audit = %+v, want one event by owner, dev reviewer=false → true", events)
	}

	theirs := submit(dev2, pets, "1.1.0")
	own := submit(dev, pets, "1.2.0")
	other := submit(sdev, finder, "1.1.0")
	later := submit(dev2, pets, "1.3.0")

	// Notified, and listed in the dashboard without their own request.
	d := doc(t, devB.get("/"))
	links := d.Find(`[data-testid="waiting-reviews"] [data-testid="waiting-item"] a`).Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("href", "") })
	if want := []string{later, theirs}; !slices.Equal(links, want) {
		t.Errorf("waiting for dev's review = %v, want %v", links, want)
	}
	if got := d.Find(`[data-testid="unread-count"]`).Text(); got != "2" {
		t.Errorf("dev's unread count = %q, want 2 (the requests of dev2)", got)
	}

	// The inbox and the JSON API list the team's open requests, not search's.
	inbox := doc(t, devB.get("/reviews")).Find(`[data-testid="review-row"] a`).Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("href", "") })
	if want := []string{later, own, theirs}; !slices.Equal(inbox, want) {
		t.Errorf("dev's inbox = %v, want %v", inbox, want)
	}
	res, body := e.api("GET", "/api/v1/reviews?state=open", devToken, nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/reviews: status %d, want 200", res.StatusCode)
	}
	var listed []string
	for _, r := range body["reviews"].([]any) {
		listed = append(listed, fmt.Sprintf("/reviews/%.0f", r.(map[string]any)["id"].(float64)))
	}
	if want := []string{later, own, theirs}; !slices.Equal(listed, want) {
		t.Errorf("GET /api/v1/reviews as dev = %v, want %v", listed, want)
	}

	// Decision forms on the team's requests, not on their own.
	d = doc(t, devB.get(theirs))
	if d.Find(`[data-testid="approve-form"]`).Length() != 1 || d.Find(`[data-testid="reject-form"]`).Length() != 1 {
		t.Error("a team reviewer sees no approve and reject forms on a request of their team")
	}
	d = doc(t, devB.get(own))
	if d.Find(`[data-testid="approve-form"]`).Length() != 0 || d.Find(`[data-testid="withdraw-form"]`).Length() != 1 {
		t.Error("a team reviewer should see withdraw and no approve form on their own request")
	}

	// Another team's request: 404 (they may not open it, so it does not
	// exist for them). Their own: refused (four eyes).
	res = devB.post(other+"/approve", nil)
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("approve search's request: status %d, want 404", res.StatusCode)
	}
	pageWantRedirect(t, "approve own request", devB.post(own+"/approve", nil), own)
	d = doc(t, devB.get(own))
	if got := d.Find(`[data-testid="flash"]`).Text(); !strings.Contains(got, "own publication request") {
		t.Errorf("self-approval flash = %q, want the four-eyes refusal", got)
	}
	if got := d.Find(`[data-testid="request-state"]`).Text(); got != store.RequestOpen {
		t.Errorf("own request state = %q, want open", got)
	}
	pageWantRedirect(t, "approve dev2's request", devB.post(theirs+"/approve", url.Values{"comment": {"Fine."}}), "/apis/pets/versions/1.1.0")
	if got := doc(t, devB.get(theirs)).Find(`[data-testid="request-state"]`).Text(); got != store.RequestApproved {
		t.Errorf("dev2's request state = %q, want approved", got)
	}

	// Revoking takes effect at the next request.
	pageWantRedirect(t, "revoke", ownerB.post("/teams/payments/members/dev/reviewer", url.Values{"reviewer": {"false"}}), "/teams/payments")
	res = devB.post(later+"/approve", nil)
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("approve after revocation: status %d, want 403", res.StatusCode)
	}
	res, _ = e.api("POST", "/api/v1/reviews/"+strings.TrimPrefix(later, "/reviews/")+"/approve", devToken, map[string]any{})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("API approve after revocation: status %d, want 403", res.StatusCode)
	}
	if doc(t, devB.get("/")).Find(`[data-testid="waiting-reviews"]`).Length() != 0 {
		t.Error("\"Waiting for your review\" is still shown after revocation")
	}
	if doc(t, devB.get(later)).Find(`[data-testid="approve-form"]`).Length() != 0 {
		t.Error("the approve form is still shown after revocation")
	}
	events, err = e.store.ListAudit(ctx, store.AuditFilter{Action: "team.member.reviewer"})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 {
		t.Errorf("reviewer audit events = %d, want 2", len(events))
	}
}

// TestAPITeamMemberReviewer: PUT sets the flag when given and leaves it
// unchanged otherwise; GET lists it per member.
func TestAPITeamMemberReviewer(t *testing.T) {
	e := newEnv(t)
	e.user("owner", policy.RoleMember, "payments", policy.RoleOwner)
	e.user("carol", policy.RoleMember, "", "")
	tok := e.token(mustUser(t, e, "owner"))
	reviewerOf := func(team map[string]any, username string) (string, any) {
		t.Helper()
		for _, m := range team["members"].([]any) {
			m := m.(map[string]any)
			if m["username"] == username {
				return m["role"].(string), m["reviewer"]
			}
		}
		t.Fatalf("%s is not listed among %v", username, team["members"])
		return "", nil
	}
	steps := []struct {
		body         map[string]any
		wantStatus   int
		wantRole     string
		wantReviewer bool
	}{
		{map[string]any{"role": "developer"}, http.StatusCreated, "developer", false},
		{map[string]any{"role": "developer", "reviewer": true}, http.StatusOK, "developer", true},
		{map[string]any{"role": "maintainer"}, http.StatusOK, "maintainer", true},
		{map[string]any{"role": "maintainer", "reviewer": false}, http.StatusOK, "maintainer", false},
	}
	for _, st := range steps {
		res, out := e.api("PUT", "/api/v1/teams/payments/members/carol", tok, st.body)
		if res.StatusCode != st.wantStatus {
			t.Fatalf("PUT %v: status %d, want %d: %v", st.body, res.StatusCode, st.wantStatus, out)
		}
		if role, reviewer := reviewerOf(out, "carol"); role != st.wantRole || reviewer != st.wantReviewer {
			t.Errorf("PUT %v: carol is %s reviewer=%v, want %s reviewer=%v", st.body, role, reviewer, st.wantRole, st.wantReviewer)
		}
		res, out = e.api("GET", "/api/v1/teams/payments", tok, nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET team: status %d, want 200", res.StatusCode)
		}
		if role, reviewer := reviewerOf(out, "carol"); role != st.wantRole || reviewer != st.wantReviewer {
			t.Errorf("GET after PUT %v: carol is %s reviewer=%v, want %s reviewer=%v", st.body, role, reviewer, st.wantRole, st.wantReviewer)
		}
		if _, reviewer := reviewerOf(out, "owner"); reviewer != false {
			t.Errorf("owner reviewer = %v, want false", reviewer)
		}
	}
	res, out := e.api("PUT", "/api/v1/teams/payments/members/carol", tok, map[string]any{"role": "developer", "reviewer": "yes"})
	if res.StatusCode != http.StatusBadRequest && res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("PUT with reviewer \"yes\": status %d, want 400 or 422: %v", res.StatusCode, out)
	}
	events, err := e.store.ListAudit(context.Background(), store.AuditFilter{Action: "team.member.reviewer"})
	if err != nil {
		t.Fatal(err)
	}
	var changes []string
	for _, ev := range events {
		changes = append(changes, ev.Before+" → "+ev.After)
	}
	slices.Sort(changes)
	if want := []string{"carol reviewer=false → carol reviewer=true", "carol reviewer=true → carol reviewer=false"}; !slices.Equal(changes, want) {
		t.Errorf("reviewer audit = %v, want %v", changes, want)
	}
}
