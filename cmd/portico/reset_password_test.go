package main

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/portico-dev/portico/people"
)

// TestUserResetPasswordCommand: `portico user reset-password` prints a new
// one-time password for any user, an admin too (the way back in for an org
// whose only admin lost theirs or let the first one expire): the old
// password stops working, the new one logs in and must be changed.
func TestUserResetPasswordCommand(t *testing.T) {
	ctx := context.Background()
	vars := map[string]string{"PORTICO_DATA_DIR": t.TempDir()}
	e, _, _ := testEnv(vars, "the admin's old password\n")
	if err := runEnv(ctx, []string{"user", "create", "--username", "ops", "--password-stdin", "--admin"}, e); err != nil {
		t.Fatal(err)
	}
	e, out, _ := testEnv(vars, "")
	if err := runEnv(ctx, []string{"user", "reset-password", "--username", "OPS"}, e); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^one-time password of ops \(valid until \d{4}-\d\d-\d\d \d\d:\d\d UTC; .*\):\n(\S+)\n$`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("reset-password printed %q", out.String())
	}
	c, err := parse("test", nil, e, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, svc, err := openPeople(ctx, c, e, "user reset-password")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := svc.LogIn(ctx, people.Credentials{Username: "ops", Password: "the admin's old password", Addr: "127.0.0.1"}); !errors.Is(err, people.ErrWrongCredentials) {
		t.Errorf("the old password after a reset: %v, want ErrWrongCredentials", err)
	}
	u, err := svc.LogIn(ctx, people.Credentials{Username: "ops", Password: m[1], Addr: "127.0.0.1"})
	if err != nil {
		t.Fatalf("the new one-time password: %v", err)
	}
	if !u.MustChangePassword || u.PasswordExpiresAt == nil {
		t.Errorf("after a reset: must change %v, expires %v; want a one-time password", u.MustChangePassword, u.PasswordExpiresAt)
	}
	n, err := s.DB().NewSelect().Table("audit_events").Where("action = ? AND actor = ? AND object_id = ?", "user.password.reset", "cli", "ops").Count(ctx)
	if err != nil || n != 1 {
		t.Errorf("audit entries of the reset by the console: %d (%v), want 1", n, err)
	}

	e, _, _ = testEnv(vars, "")
	err = runEnv(ctx, []string{"user", "reset-password", "--username", "ghost"}, e)
	if err == nil || !strings.Contains(err.Error(), "--username: There is no user \u2068\"ghost\"\u2069.") {
		t.Errorf("reset of an unknown user: %v", err)
	}
	e, _, _ = testEnv(vars, "")
	if err := runEnv(ctx, []string{"user", "reset-password"}, e); err == nil || !strings.Contains(err.Error(), "needs --username") {
		t.Errorf("reset without --username: %v", err)
	}
}
