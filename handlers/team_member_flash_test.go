package handlers_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/policy"
)

// TestAddTeamMemberFlashNamesStoredUser: adding "  Dev " adds the user dev,
// and the flash names dev as stored, not the typed text.
func TestAddTeamMemberFlashNamesStoredUser(t *testing.T) {
	e := newEnv(t)
	e.user("owner", policy.RoleMember, "payments", policy.RoleOwner)
	e.user("dev", policy.RoleMember, "", "")
	b := e.browser()
	b.login("owner")
	res := b.post("/teams/payments/members", url.Values{"username": {"  Dev "}, "role": {"developer"}})
	pageWantRedirect(t, "add member", res, "/teams/payments")
	got := strings.TrimSpace(doc(t, b.get("/teams/payments")).Find(`[data-testid="flash"]`).Text())
	if want := "dev is now developer of Payments."; !strings.Contains(got, want) {
		t.Errorf("got flash %q, want %q", got, want)
	}
}
