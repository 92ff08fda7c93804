package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestSessionIdleTimeoutHoldsOnEveryInstance checks the idle timeout with
// two instances sharing the database: one that cached a session long ago
// does not end it while the other has been serving it, and a session
// really unused for longer than the timeout ends on both.
func TestSessionIdleTimeoutHoldsOnEveryInstance(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			a, b := storetest.OpenTwo(t, d)
			u := &store.User{Username: "ada", OrgRole: "member", PasswordHash: "x"}
			if err := a.CreateUser(ctx, a.DB(), u); err != nil {
				t.Fatal(err)
			}
			for _, h := range []string{"s1", "s2"} {
				if err := a.CreateSession(ctx, &store.Session{IDHash: h, UserID: u.ID, ExpiresAt: time.Now().Add(14 * 24 * time.Hour)}); err != nil {
					t.Fatal(err)
				}
			}
			const idle = 12 * time.Hour
			// b caches both sessions now.
			for _, h := range []string{"s1", "s2"} {
				if _, _, err := b.SessionUser(ctx, h, idle); err != nil {
					t.Fatalf("%s at login: %v", h, err)
				}
			}
			// 11 hours later s1 is used on a (which touches the row, not
			// b's cache); 13 hours after login b serves s1 again.
			store.SkewProcessClock(a, 11*time.Hour)
			if _, _, err := a.SessionUser(ctx, "s1", idle); err != nil {
				t.Fatalf("s1 on a after 11 h: %v", err)
			}
			store.SkewProcessClock(b, 13*time.Hour)
			if _, _, err := b.SessionUser(ctx, "s1", idle); err != nil {
				t.Errorf("s1 on b 13 h after login, 2 h after its use on a: %v, want it valid", err)
			}
			// s2 was not used for 13 hours: b ends it, and a agrees.
			_, _, err := b.SessionUser(ctx, "s2", idle)
			if !errors.Is(err, store.ErrSessionIdle) || !errors.Is(err, store.ErrNotFound) {
				t.Errorf("s2 unused for 13 h: %v, want ErrSessionIdle", err)
			}
			store.SkewProcessClock(a, 13*time.Hour)
			if _, _, err := a.SessionUser(ctx, "s2", idle); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("s2 on a after b ended it: %v, want ErrNotFound", err)
			}
			// Within the timeout plus the touch interval nothing ends.
			store.SkewProcessClock(b, 13*time.Hour+idle)
			if _, _, err := b.SessionUser(ctx, "s1", idle); err != nil {
				t.Errorf("s1 used 12 h ago: %v, want it valid (the timeout allows for the minute last_seen_at may lag)", err)
			}
			store.SkewProcessClock(b, 13*time.Hour+idle+idle+2*time.Minute)
			if _, _, err := b.SessionUser(ctx, "s1", idle); !errors.Is(err, store.ErrSessionIdle) {
				t.Errorf("s1 unused for 12 h 2 min: %v, want ErrSessionIdle", err)
			}
			// Without a timeout nothing is idle.
			if err := a.CreateSession(ctx, &store.Session{IDHash: "s3", UserID: u.ID, ExpiresAt: time.Now().Add(30 * 24 * time.Hour)}); err != nil {
				t.Fatal(err)
			}
			store.SkewProcessClock(a, 13*24*time.Hour)
			if _, _, err := a.SessionUser(ctx, "s3", 0); err != nil {
				t.Errorf("s3 unused for 13 days without an idle timeout: %v", err)
			}
		})
	}
}
