package node_test

import (
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
)

// TestRefusalSaysWhetherAKeyExpiredOrWasRotated: a key whose rotation's
// grace period ended is refused as replaced, not as expired (a consumer
// who set no expiry would look for one); a key past its own expiry, before
// any grace end, is refused as expired.
func TestRefusalSaysWhetherAKeyExpiredOrWasRotated(t *testing.T) {
	up := startUpstream(t, "a")
	past, later := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2020, 6, 1, 0, 0, 0, 0, time.UTC)
	k := func(id string, expires, grace time.Time) gateway.Key {
		return gateway.Key{ID: id, Hash: gateway.HashKey("ptk_" + id + "_secret"), Subscription: "sub-" + id, Team: "acme", App: "billing",
			API: "ledger", Major: 1, Plan: "big", State: gateway.KeyActive, ExpiresAt: expires, GraceEndsAt: grace}
	}
	st, err := gateway.NewState(1, []gateway.Route{{API: "ledger", Major: 1, Targets: []string{up.URL}, State: gateway.StatePublished}},
		[]gateway.Plan{{ID: "big", RatePerMinute: 1_000_000, Burst: 100_000}},
		[]gateway.Key{
			k("rotated", time.Time{}, past), // rotated, no expiry: its grace ended
			k("rotatedfirst", later, past),  // rotated before it would have expired
			k("expired", past, time.Time{}), // expired, never rotated
			k("expiredfirst", past, later),  // expired during its grace
		})
	if err != nil {
		t.Fatal(err)
	}
	p := startPortal(t, st)
	n := startNode(t, p.srv.URL, "tok-a", t.TempDir())
	waitVersion(t, n.Node, 1)
	for id, want := range map[string]string{
		"rotated":      "the API key was replaced by a rotation and its grace period has ended: use the new key",
		"rotatedfirst": "the API key was replaced by a rotation and its grace period has ended: use the new key",
		"expired":      "the API key has expired",
		"expiredfirst": "the API key has expired",
	} {
		r := get(t, n.url+"/ledger/v1/x", "X-API-Key", "ptk_"+id+"_secret")
		if r.status != 401 {
			t.Fatalf("%s: status %d: %s", id, r.status, r.body)
		}
		if d, _ := r.problem(t)["detail"].(string); d != want {
			t.Errorf("%s: detail %q, want %q", id, d, want)
		}
		if !strings.Contains(r.header.Get("WWW-Authenticate"), `error="invalid_token"`) {
			t.Errorf("%s: WWW-Authenticate %q", id, r.header.Get("WWW-Authenticate"))
		}
	}
}
