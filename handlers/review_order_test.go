package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/spec/spectest"
)

// The review page puts the summary and the changes before the decision, and
// a rejection's reason shows on the draft's own page for the team.
func TestReviewReadBeforeDecidingAndRejectionOnDraft(t *testing.T) {
	e := newEnv(t)
	e.user("developer", policy.RoleMember, "payments", policy.RoleDeveloper)
	e.user("approver", policy.RoleApprover, "", "")
	e.user("admin", policy.RoleAdmin, "", "")
	svc := pageLife(t, e)
	if _, err := svc.CreateAPI(context.Background(), mustUser(t, e, "admin"), e.team("payments"), lifecycle.APIInput{Slug: "pets", Name: "Pets"}); err != nil {
		t.Fatal(err)
	}
	dev := e.browser()
	dev.login("developer")
	appr := e.browser()
	appr.login("approver")

	pageWantRedirect(t, "create 1.0.0", dev.upload("/apis/pets/versions", map[string]string{"version": "1.0.0", "spec": spectest.PetsV1}, "", nil), "/apis/pets/versions/1.0.0")
	res := dev.post("/apis/pets/versions/1.0.0/submit", nil)
	res.Body.Close()
	review := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(review, "/reviews/") {
		t.Fatalf("submit: %d to %q, want 303 to the review", res.StatusCode, review)
	}

	// In document order: summary, the findings, then the decision forms.
	for _, path := range []string{review, review + "?tab=spec"} {
		html := readAll(t, appr.get(path))
		order := []string{`data-testid="review-summary"`, `data-testid="tab-review"`, `data-testid="decision"`, `data-testid="approve-form"`, `data-testid="reject-form"`}
		if path == review {
			order = append(order[:2], append([]string{`data-testid="judgement"`}, order[2:]...)...)
		} else {
			order = append(order[:2], append([]string{`data-testid="operation"`}, order[2:]...)...)
		}
		at := -1
		for _, marker := range order {
			i := strings.Index(html, marker)
			if i < 0 {
				t.Fatalf("%s: %s is missing", path, marker)
			}
			if i < at {
				t.Errorf("%s: %s comes before what precedes it in %v", path, marker, order)
			}
			at = i
		}
		if d := doc(t, appr.get(path)); d.Find(`[data-testid="decide-below"] a[href="#decision"]`).Length() != 1 {
			t.Errorf("%s: no link down to the decision", path)
		}
	}
	// A refused decision says so at the top, where the page opens.
	res = appr.post(review+"/reject", url.Values{"reason": {" "}})
	pageWantStatus(t, "reject without reason", res, http.StatusUnprocessableEntity)
	if d := doc(t, res); d.Find(`[data-testid="decision-error"]`).Length() != 1 || d.Find(`[data-testid="error-reason"]`).Length() != 1 {
		t.Error("a refused rejection: want the error at the top and on the reason field")
	}

	// Before a decision the draft page shows no rejection.
	if doc(t, dev.get("/apis/pets/versions/1.0.0")).Find(`[data-testid="rejection"]`).Length() != 0 {
		t.Error("a version in review shows a rejection")
	}
	pageWantRedirect(t, "reject", appr.post(review+"/reject", url.Values{"reason": {"Name the error responses.\nAnd add examples."}}), review)
	d := doc(t, dev.get("/apis/pets/versions/1.0.0"))
	if got := d.Find(`[data-testid="rejection-reason"]`).Text(); got != "Name the error responses.\nAnd add examples." {
		t.Errorf("rejection reason on the draft page = %q", got)
	}
	if got := d.Find(`[data-testid="rejected-by"]`).Text(); got != "approver" {
		t.Errorf("rejected by = %q, want approver", got)
	}
	if got := d.Find(`[data-testid="rejection-request"]`).AttrOr("href", ""); got != review {
		t.Errorf("link to the request = %q, want %q", got, review)
	}

	// Submitted again, the old rejection no longer shows; withdrawn, neither.
	res = dev.post("/apis/pets/versions/1.0.0/submit", nil)
	res.Body.Close()
	again := res.Header.Get("Location")
	if doc(t, dev.get("/apis/pets/versions/1.0.0")).Find(`[data-testid="rejection"]`).Length() != 0 {
		t.Error("a version in review again still shows the old rejection")
	}
	pageWantRedirect(t, "withdraw", dev.post(again+"/withdraw", nil), again)
	if doc(t, dev.get("/apis/pets/versions/1.0.0")).Find(`[data-testid="rejection"]`).Length() != 0 {
		t.Error("a withdrawn draft shows the earlier rejection")
	}
}
