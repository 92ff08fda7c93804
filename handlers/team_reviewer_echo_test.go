package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/policy"
)

// TestTeamReviewerBadValueEchoIsCut: a bad reviewer value for a name from
// the URL quotes at most 80 characters of the name, as every refusal quotes
// an input, not the whole path segment.
func TestTeamReviewerBadValueEchoIsCut(t *testing.T) {
	e := newEnv(t)
	e.user("owner", policy.RoleMember, "payments", policy.RoleOwner)
	b := e.browser()
	b.login("owner")
	name := strings.Repeat("x", 2000)
	res := b.post("/teams/payments/members/"+name+"/reviewer", url.Values{"reviewer": {"maybe"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("got status %d, want 422", res.StatusCode)
	}
	got := doc(t, res).Find(`[data-testid="form-error"]`).Text()
	want := fmt.Sprintf("Choose whether %.80q reviews", name) // the quoted name in a <bdi> on the page
	if !strings.Contains(got, want) || strings.Contains(got, name) {
		t.Errorf("got message of %d characters %.160q…, want it to hold %q and not the whole name", len(got), got, want)
	}
}
