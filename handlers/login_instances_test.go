package handlers_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestLoginSlowDownPlacesAreSharedByInstances: two portals on one
// database, behind one load balancer, each with 2 places of its slow-down
// queue for one account. Two guesses at alice wait on the first; two more
// sent to the second are refused at once (429 "busy"), as on one
// instance, instead of taking 2 places more there. A new browser with her
// right password is refused too while the account's places are full, on
// either instance (her own browser, with its device cookie, is not: see
// TestLoginFloodSparesTheOwnersBrowser); once the guesses' waits end, it
// waits its slow-down and signs in.
func TestLoginSlowDownPlacesAreSharedByInstances(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			sa, sb := storetest.OpenTwo(t, d)
			// The guesses wait floodHold on a, until the checks are made;
			// a login on b waits floodSlowDown.
			a, endWaits := newHoldingFloodEnv(t, newEnvOn(t, sa), 2)
			b := newFloodEnv(t, newEnvOn(t, sb), 2)
			a.user("alice", policy.RoleMember, "", "")
			a.slowAccount("alice", 1)
			start := time.Now()
			onA := a.guesses("alice", 2, 2)
			// Both guesses take the account's places on a.
			for deadline := time.Now().Add(floodHold / 2); ; time.Sleep(10 * time.Millisecond) {
				n, err := sa.DB().NewSelect().Model((*store.LoginWait)(nil)).Where("username = ?", "alice").Count(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if n == 2 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the guesses on the first instance took %d places, want 2", n)
				}
			}

			onB := b.guesses("alice", 2, 3)
			for i := range 2 {
				if got := <-onB; got != http.StatusTooManyRequests {
					t.Errorf("guess %d on the second instance: status %d after %v, want 429 at once (the account's 2 places are taken on the first)",
						i+1, got, time.Since(start).Round(time.Millisecond))
				}
			}
			for _, e := range []*env{b, a} {
				if res := e.browser().loginFrom("203.0.113.30", "alice", testPassword); res.StatusCode != http.StatusTooManyRequests {
					t.Errorf("a new browser with the right password during the guesses: status %d, want 429", res.StatusCode)
				}
			}
			if took := time.Since(start); took >= floodHold {
				t.Fatalf("the checks took %v, longer than the guesses hold their places: the test proves nothing", took)
			}
			// The guesses' waits end: their places are given back.
			endWaits()
			for i := range 2 {
				if got := <-onA; got == http.StatusSeeOther {
					t.Errorf("guess %d on the first instance: status %d, want it refused", i+1, got)
				}
			}
			t0 := time.Now()
			if res := b.browser().loginFrom("203.0.113.30", "alice", testPassword); res.StatusCode != http.StatusSeeOther {
				t.Errorf("a new browser with the right password after the guesses: status %d, want 303", res.StatusCode)
			} else if took := time.Since(t0); took < floodSlowDown/2 {
				t.Errorf("a new browser's login after the guesses took %v: it was not slowed down", took)
			}
		})
	}
}
