package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/portico-dev/portico/spec/spectest"
)

// TestReviewDecisionsSkipARequesterWhoLeftTheTeam: a member who opened a
// publication request of a team-only API and then left the team is not
// told of its decisions: the notification would name the API, the version
// and the reviewer's reason, which they may no longer read.
func TestReviewDecisionsSkipARequesterWhoLeftTheTeam(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("ledger", "team")
	var ids []int64
	for _, v := range []string{"1.0.0", "2.0.0"} {
		e.call("POST", "/api/v1/apis/ledger/versions", "dev", map[string]any{"version": v, "spec": spectest.PetsV1}, 201)
		r := e.call("POST", "/api/v1/apis/ledger/versions/"+v+"/submit", "dev", nil, 201)
		ids = append(ids, int64(r["id"].(float64)))
	}
	e.call("DELETE", "/api/v1/teams/payments/members/dev", "admin", nil, 204)
	e.call("POST", fmt.Sprintf("/api/v1/reviews/%d/reject", ids[0]), "appr", map[string]any{"reason": "the secret merger is off"}, 200)
	e.call("POST", fmt.Sprintf("/api/v1/reviews/%d/approve", ids[1]), "appr", map[string]any{"comment": "fine"}, 200)

	dev := mustUser(t, e.env, "dev")
	ns, err := e.store.Notifications(context.Background(), dev.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		if strings.Contains(n.Message, "ledger") {
			t.Errorf("the former member was notified: %s %q", n.Kind, n.Message)
		}
	}
	// The team still hears of them: a member who stayed asks, and is told.
	e.call("POST", "/api/v1/apis/ledger/versions", "maint", map[string]any{"version": "3.0.0", "spec": spectest.PetsV1}, 201)
	r := e.call("POST", "/api/v1/apis/ledger/versions/3.0.0/submit", "maint", nil, 201)
	e.call("POST", fmt.Sprintf("/api/v1/reviews/%d/reject", int64(r["id"].(float64))), "appr", map[string]any{"reason": "later"}, 200)
	maint := mustUser(t, e.env, "maint")
	if n, _ := e.store.UnreadCount(context.Background(), maint.ID); n == 0 {
		t.Error("the requester who is still a member was not notified")
	}
}
