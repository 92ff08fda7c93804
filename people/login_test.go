package people_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/people"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

func limited(err error) bool {
	var le *apperr.LimitError
	return errors.As(err, &le) && le.RetryAfter > 0
}

// TestLoginLocksTheAttackerNotTheAccount checks the login limits: failures
// from one address lock that address out of the account (then out of every
// account), while the owner logs in from elsewhere; failures from many
// addresses slow the account's checks down and lock nobody.
func TestLoginLocksTheAttackerNotTheAccount(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, storetest.New(t))
	var mu sync.Mutex
	var slept []time.Duration
	people.SetSleep(f.svc, func(_ context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		slept = append(slept, d)
		return nil
	})
	login := func(user, pw, addr string) (*store.User, error) {
		return f.svc.LogIn(ctx, people.Credentials{Username: user, Password: pw, Addr: addr})
	}
	for i := range 5 {
		if _, err := login("mia", "wrong password!", "198.51.100.1"); !errors.Is(err, people.ErrWrongCredentials) {
			t.Fatalf("failure %d: %v, want ErrWrongCredentials", i+1, err)
		}
	}
	if _, err := login("mia", password, "198.51.100.1"); !limited(err) {
		t.Errorf("sixth attempt from the attacker's address, right password: %v, want a LimitError", err)
	}
	if u, err := login("mia", password, "203.0.113.5"); err != nil || u.Username != "mia" {
		t.Fatalf("the owner from another address: %v, %v; want logged in", u, err)
	}
	if u, err := login("admin", password, "198.51.100.1"); err != nil || u.Username != "admin" {
		t.Errorf("another account from the attacker's address (under 20 failures): %v, %v", u, err)
	}
	// Unknown and known users count alike; 20 failures lock the address out of every account.
	for i := range 15 {
		user := "ghost" + strings.Repeat("x", i%3)
		if _, err := login(user, "wrong password!", "198.51.100.1"); !errors.Is(err, people.ErrWrongCredentials) {
			t.Fatalf("failure %d for %s: %v", i+1, user, err)
		}
	}
	if _, err := login("admin", password, "198.51.100.1"); !limited(err) {
		t.Errorf("an address with 20 failures: %v, want a LimitError", err)
	}
	// A refused attempt is not recorded: the address's count stays 20, not more.
	n, err := f.s.LoginFailures(ctx, "admin", "198.51.100.1", time.Now().Add(-time.Hour))
	if err != nil || n.Addr != 20 {
		t.Errorf("failures of the address = %d (%v), want 20 (refusals not counted)", n.Addr, err)
	}

	// Many addresses guessing one account: slowed down, never locked.
	if len(slept) != 0 {
		t.Fatalf("slowed before 10 failures of the account: %v", slept)
	}
	for i := range 12 {
		if _, err := login("mia", "wrong password!", "192.0.2."+itoa(i)); !errors.Is(err, people.ErrWrongCredentials) {
			t.Fatalf("distributed failure %d: %v", i+1, err)
		}
	}
	if u, err := login("mia", password, "203.0.113.5"); err != nil || u == nil {
		t.Fatalf("the owner after failures from 12 addresses: %v, want logged in", err)
	}
	if len(slept) == 0 || slept[len(slept)-1] != 5*time.Second {
		t.Errorf("slow-downs %v, want growing to 5s", slept)
	}
	for _, d := range slept {
		if d <= 0 || d > 5*time.Second {
			t.Errorf("slow-down of %v, want 1s to 5s", d)
		}
	}
}

func TestLoginInput(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, storetest.New(t))
	for _, tc := range []struct {
		in   people.Credentials
		want string
	}{
		{people.Credentials{Username: "", Password: password}, "username"},
		{people.Credentials{Username: strings.Repeat("a", 4<<20), Password: password}, "username"},
		{people.Credentials{Username: "mia", Password: ""}, "password"},
		{people.Credentials{Username: "mia", Password: strings.Repeat("p", auth.MaxPasswordLength+1)}, "password"},
	} {
		if _, err := f.svc.LogIn(ctx, tc.in); fields(err)[tc.want] == "" {
			t.Errorf("login %.20q/%d bytes: %v, want a %s field error", tc.in.Username, len(tc.in.Password), err, tc.want)
		}
	}
	n, _ := f.s.LoginFailures(ctx, "mia", "", time.Now().Add(-time.Hour))
	if n.Account != 0 || n.Addr != 0 {
		t.Errorf("refused input was recorded: %+v", n)
	}
	// A disabled user's right password is a failure like a wrong one.
	mia := f.member
	disabled := true
	if err := f.svc.UpdateUser(ctx, f.admin, mia, people.UserChange{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.LogIn(ctx, people.Credentials{Username: "MIA ", Password: password, Addr: "192.0.2.1"}); !errors.Is(err, people.ErrWrongCredentials) {
		t.Errorf("disabled user: %v, want ErrWrongCredentials", err)
	}
}

// TestPasswordChangeUnderLoginLimits checks that the current password of a
// password change is checked under the login limits.
func TestPasswordChangeUnderLoginLimits(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	p, err := policy.New(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	svc := people.New(s, p, people.Options{Hasher: auth.NewTestHasher()})
	u, err := svc.Console("cli").CreateUser(ctx, people.UserInput{Username: "mia"}, password)
	if err != nil {
		t.Fatal(err)
	}
	change := people.PasswordChange{Current: "not it at all", New: "a new passphrase", Confirm: "a new passphrase"}
	for range 5 {
		if err := svc.ChangePassword(ctx, u, change, "", "192.0.2.7", people.Device{}); fields(err)["current"] == "" {
			t.Fatalf("wrong current password: %v", err)
		}
	}
	change.Current = password
	if err := svc.ChangePassword(ctx, u, change, "", "192.0.2.7", people.Device{}); !limited(err) {
		t.Errorf("sixth try: %v, want a LimitError", err)
	}
	if _, err := svc.LogIn(ctx, people.Credentials{Username: "mia", Password: password, Addr: "192.0.2.7"}); !limited(err) {
		t.Errorf("login from the same address after 5 wrong current passwords: %v, want a LimitError", err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
