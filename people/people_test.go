package people_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/people"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

const password = "correct horse battery staple"

type fixture struct {
	s      *store.Store
	svc    *people.Service
	admin  *store.User
	member *store.User
}

func newFixture(t *testing.T, s *store.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	p, err := policy.New(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{s: s, svc: people.New(s, p, people.Options{Hasher: auth.NewTestHasher()})}
	if f.admin, err = f.svc.Console("cli").CreateUser(ctx, people.UserInput{Username: "admin", OrgRole: policy.RoleAdmin}, password); err != nil {
		t.Fatal(err)
	}
	if f.member, err = f.svc.Console("cli").CreateUser(ctx, people.UserInput{Username: "mia"}, password); err != nil {
		t.Fatal(err)
	}
	return f
}

// fields returns the field messages of an InputError, or nil.
func fields(err error) map[string]string {
	var ie *apperr.InputError
	if errors.As(err, &ie) {
		return ie.Fields
	}
	return nil
}

func TestUserValidation(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, storetest.New(t))
	tests := []struct {
		in   people.UserInput
		want []string // fields refused
	}{
		{people.UserInput{Username: "Bad Name!"}, []string{"username"}},
		{people.UserInput{Username: "x"}, []string{"username"}},
		{people.UserInput{Username: "-dash"}, []string{"username"}},
		{people.UserInput{Username: strings.Repeat("a", 65)}, []string{"username"}},
		{people.UserInput{Username: "carol", OrgRole: "king"}, []string{"org_role"}},
		{people.UserInput{Username: "carol", Email: "nope"}, []string{"email"}},
		{people.UserInput{Username: "carol", Email: "Carol <carol@example.com>"}, []string{"email"}},
		{people.UserInput{Username: "carol", DisplayName: strings.Repeat("é", 201)}, []string{"display_name"}},
		{people.UserInput{Username: "no way", OrgRole: "root", Email: "@"}, []string{"email", "org_role", "username"}},
		{people.UserInput{Username: "MIA"}, []string{"username"}}, // taken, whatever the case
	}
	for _, tt := range tests {
		for _, via := range []string{"service", "console"} {
			var err error
			if via == "service" {
				_, _, err = f.svc.CreateUser(ctx, f.admin, tt.in)
			} else {
				_, err = f.svc.Console("cli").CreateUser(ctx, tt.in, password)
			}
			got := fields(err)
			if keys := sortedKeys(got); strings.Join(keys, ",") != strings.Join(tt.want, ",") {
				t.Errorf("%s %+v: fields %v (%v), want %v", via, tt.in, keys, err, tt.want)
			}
		}
	}
	// The console also checks the password it is given.
	_, err := f.svc.Console("cli").CreateUser(ctx, people.UserInput{Username: "weak"}, "short")
	if got := fields(err); got["password"] == "" {
		t.Errorf("weak password: %v, want a password field error", err)
	}
	u, pw, err := f.svc.CreateUser(ctx, f.admin, people.UserInput{Username: " Bob ", Email: " bob@example.com "})
	if err != nil {
		t.Fatal(err)
	}
	if u.Username != "bob" || u.Email != "bob@example.com" || u.OrgRole != policy.RoleMember || len(pw) < auth.MinPasswordLength {
		t.Errorf("created %+v with password %q", u, pw)
	}
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

func TestPermissions(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, storetest.New(t))
	team, err := f.svc.CreateTeam(ctx, f.admin, people.TeamInput{Slug: "payments", Name: "Payments"})
	if err != nil {
		t.Fatal(err)
	}
	var de *apperr.DeniedError
	checks := map[string]error{}
	_, _, checks["member creates a user"] = f.svc.CreateUser(ctx, f.member, people.UserInput{Username: "eve"})
	checks["member changes a user"] = f.svc.UpdateUser(ctx, f.member, f.admin, people.UserChange{Disabled: ptr(true)})
	_, checks["member creates a team"] = f.svc.CreateTeam(ctx, f.member, people.TeamInput{Slug: "eve", Name: "Eve"})
	_, checks["member adds themself"] = f.svc.SetMember(ctx, f.member, team, people.MemberInput{Username: "mia", Role: policy.RoleOwner})
	checks["member sets a reviewer"] = f.svc.SetReviewer(ctx, f.member, team, "admin", true)
	checks["member removes someone"] = f.svc.RemoveMember(ctx, f.member, team, "admin")
	_, _, checks["nobody creates a user"] = f.svc.CreateUser(ctx, nil, people.UserInput{Username: "eve"})
	_, checks["nobody creates a token"] = f.svc.CreateToken(ctx, nil, people.TokenInput{Name: "x"})
	for what, err := range checks {
		if !errors.As(err, &de) {
			t.Errorf("%s: %v, want DeniedError", what, err)
		}
	}
	// A team owner manages the team's members, and nothing else.
	if _, err := f.svc.SetMember(ctx, f.admin, team, people.MemberInput{Username: "mia", Role: policy.RoleOwner}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SetMember(ctx, f.member, team, people.MemberInput{Username: "admin", Role: policy.RoleViewer, Reviewer: ptr(true)}); err != nil {
		t.Errorf("owner adds a member: %v", err)
	}
	if _, err := f.svc.CreateTeam(ctx, f.member, people.TeamInput{Slug: "other", Name: "Other"}); !errors.As(err, &de) {
		t.Errorf("owner creates a team: %v, want DeniedError", err)
	}
}

func ptr[T any](v T) *T { return &v }

func TestTeamsAndMembers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		for _, tc := range []struct {
			in   people.TeamInput
			want string
		}{
			{people.TeamInput{Slug: "-x", Name: "X"}, "slug"},
			{people.TeamInput{Slug: "pay ments", Name: "X"}, "slug"},
			{people.TeamInput{Slug: "payments"}, "name"},
			{people.TeamInput{Slug: "payments", Name: strings.Repeat("n", 201)}, "name"},
			{people.TeamInput{Slug: "payments", Name: "P", Description: strings.Repeat("d", 2001)}, "description"},
		} {
			if _, err := f.svc.CreateTeam(ctx, f.admin, tc.in); fields(err)[tc.want] == "" {
				t.Errorf("team %+v: %v, want a %s field error", tc.in, err, tc.want)
			}
		}
		team, err := f.svc.CreateTeam(ctx, f.admin, people.TeamInput{Slug: " Payments ", Name: "Payments"})
		if err != nil {
			t.Fatal(err)
		}
		if team.Slug != "payments" {
			t.Errorf("slug %q, want payments", team.Slug)
		}
		if _, err := f.svc.CreateTeam(ctx, f.admin, people.TeamInput{Slug: "payments", Name: "Again"}); fields(err)["slug"] == "" {
			t.Errorf("duplicate team: %v, want a slug field error", err)
		}

		for _, tc := range []struct {
			in   people.MemberInput
			want []string
		}{
			{people.MemberInput{Username: "mia", Role: "king"}, []string{"role"}},
			{people.MemberInput{Username: "ghost", Role: policy.RoleViewer}, []string{"username"}},
			{people.MemberInput{Role: ""}, []string{"role", "username"}},
		} {
			_, err := f.svc.SetMember(ctx, f.admin, team, tc.in)
			if got := strings.Join(sortedKeys(fields(err)), ","); got != strings.Join(tc.want, ",") {
				t.Errorf("member %+v: fields %s (%v), want %v", tc.in, got, err, tc.want)
			}
		}
		if _, err := f.svc.SetMember(ctx, f.admin, team, people.MemberInput{Username: "MIA", Role: policy.RoleOwner}); err != nil {
			t.Fatal(err)
		}
		// The last owner stays.
		var ce *apperr.ConflictError
		if _, err := f.svc.SetMember(ctx, f.admin, team, people.MemberInput{Username: "mia", Role: policy.RoleViewer}); !errors.As(err, &ce) {
			t.Errorf("demote the last owner: %v, want ConflictError", err)
		}
		if err := f.svc.RemoveMember(ctx, f.admin, team, "mia"); !errors.As(err, &ce) {
			t.Errorf("remove the last owner: %v, want ConflictError", err)
		}
		var nf *apperr.NotFoundError
		if err := f.svc.RemoveMember(ctx, f.admin, team, "admin"); !errors.As(err, &nf) || nf.Reason != store.Isolate("admin")+" is not a member of "+store.Isolate("Payments")+"." {
			t.Errorf("remove a non-member: %v, want NotFoundError", err)
		}
		if err := f.svc.SetReviewer(ctx, f.admin, team, "ghost", true); !errors.As(err, &nf) {
			t.Errorf("reviewer flag of an unknown user: %v, want NotFoundError", err)
		}
		if err := f.svc.SetReviewer(ctx, f.admin, team, "mia", true); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SetReviewer(ctx, f.admin, team, "mia", true); err != nil {
			t.Fatal(err)
		}
		events, err := s.ListAudit(ctx, store.AuditFilter{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range events {
			got = append(got, e.Actor+" "+e.Action+" "+e.After)
		}
		want := []string{
			"admin team.member.reviewer mia reviewer=true", // once: the second call changed nothing
			"admin team.member.set mia=owner",
			"admin team.create Payments",
			"cli user.create org_role=member",
			"cli user.create org_role=admin",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("audit:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

func TestUpdateUser(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, storetest.New(t))
	if err := f.svc.UpdateUser(ctx, f.admin, f.member, people.UserChange{OrgRole: ptr("approver"), Email: ptr("mia@example.com")}); err != nil {
		t.Fatal(err)
	}
	got, _ := f.s.UserByUsername(ctx, "mia")
	if got.OrgRole != policy.RoleApprover || got.Email != "mia@example.com" {
		t.Errorf("mia after update: %+v", got)
	}
	for _, ch := range []people.UserChange{{OrgRole: ptr("")}, {OrgRole: ptr("king")}, {Email: ptr("x")}} {
		if err := f.svc.UpdateUser(ctx, f.admin, f.member, ch); fields(err) == nil {
			t.Errorf("update %+v: %v, want field errors", ch, err)
		}
	}
	// Nobody takes their own admin rights away.
	// Each refusal is told beside the field changed.
	for _, tc := range []struct {
		ch   people.UserChange
		want []string
	}{
		{people.UserChange{OrgRole: ptr(policy.RoleApprover)}, []string{"org_role"}},
		{people.UserChange{Disabled: ptr(true)}, []string{"disabled"}},
		{people.UserChange{OrgRole: ptr(policy.RoleMember), Disabled: ptr(true)}, []string{"disabled", "org_role"}},
	} {
		err := f.svc.UpdateUser(ctx, f.admin, f.admin, tc.ch)
		if got := slices.Sorted(maps.Keys(fields(err))); !slices.Equal(got, tc.want) {
			t.Errorf("admin changes themself %+v: %v, want field errors on %v", tc.ch, err, tc.want)
		}
	}
	if err := f.svc.UpdateUser(ctx, f.admin, f.admin, people.UserChange{DisplayName: ptr("Ada")}); err != nil {
		t.Errorf("admin renames themself: %v", err)
	}
}

func TestProfileTokensAndPassword(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, storetest.New(t))
	now := time.Now()
	if err := f.svc.UpdateProfile(ctx, f.member, people.ProfileInput{DisplayName: " Mia ", Email: "bad"}); fields(err)["email"] == "" {
		t.Errorf("profile with a bad email: %v", err)
	}
	if err := f.svc.UpdateProfile(ctx, f.member, people.ProfileInput{DisplayName: " Mia "}); err != nil || f.member.DisplayName != "Mia" {
		t.Errorf("profile: %v, display name %q", err, f.member.DisplayName)
	}

	for _, in := range []people.TokenInput{{Name: ""}, {Name: strings.Repeat("t", 101)}, {Name: "ci", ExpiresDays: "0"}, {Name: "ci", ExpiresDays: "3651"}, {Name: "ci", ExpiresDays: "ten"}} {
		if _, err := f.svc.CreateToken(ctx, f.member, in); fields(err) == nil {
			t.Errorf("token %+v: %v, want field errors", in, err)
		}
	}
	secret, err := f.svc.CreateToken(ctx, f.member, people.TokenInput{Name: "ci", ExpiresDays: "30"})
	if err != nil {
		t.Fatal(err)
	}
	tok, u, err := f.s.TokenUser(ctx, auth.HashToken(secret))
	if err != nil || u.ID != f.member.ID || tok.ExpiresAt == nil || tok.ExpiresAt.Before(now.Add(29*24*time.Hour)) {
		t.Fatalf("token: %+v %v", tok, err)
	}
	var nf *apperr.NotFoundError
	if err := f.svc.RevokeToken(ctx, f.admin, tok.ID); !errors.As(err, &nf) {
		t.Errorf("revoking another's token: %v, want NotFoundError", err)
	}
	if err := f.svc.RevokeToken(ctx, f.member, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Console("cli").CreateToken(ctx, "ghost", people.TokenInput{Name: "cli"}); fields(err)["username"] == "" {
		t.Errorf("console token for an unknown user: %v", err)
	}

	sess := &store.Session{IDHash: auth.HashToken("one"), UserID: f.member.ID, ExpiresAt: now.Add(time.Hour)}
	other := &store.Session{IDHash: auth.HashToken("two"), UserID: f.member.ID, ExpiresAt: now.Add(time.Hour)}
	for _, s := range []*store.Session{sess, other} {
		if err := f.s.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		in   people.PasswordChange
		want string
	}{
		{people.PasswordChange{Current: "wrong", New: "a new passphrase", Confirm: "a new passphrase"}, "current"},
		{people.PasswordChange{Current: password, New: "short", Confirm: "short"}, "new"},
		{people.PasswordChange{Current: password, New: "a new passphrase", Confirm: "another one"}, "confirm"},
	} {
		if err := f.svc.ChangePassword(ctx, f.member, tc.in, sess.IDHash, "192.0.2.1", people.Device{}); fields(err)[tc.want] == "" {
			t.Errorf("password change %+v: %v, want a %s field error", tc.in, err, tc.want)
		}
	}
	live, err := f.svc.CreateToken(ctx, f.member, people.TokenInput{Name: "laptop"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.ChangePassword(ctx, f.member, people.PasswordChange{Current: password, New: "a new passphrase", Confirm: "a new passphrase"}, sess.IDHash, "192.0.2.1", people.Device{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.s.TokenUser(ctx, auth.HashToken(live)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a personal access token survived the password change: %v", err)
	}
	if _, _, err := f.s.SessionUser(ctx, sess.IDHash, 0); err != nil {
		t.Errorf("the session that changed the password ended: %v", err)
	}
	if _, _, err := f.s.SessionUser(ctx, other.IDHash, 0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another session survived the password change: %v", err)
	}
}

func TestFirstAdmin(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	p, err := policy.New(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	svc := people.New(s, p, people.Options{Hasher: auth.NewTestHasher()})
	u, pw, err := svc.Console("system").CreateFirstAdmin(ctx)
	if err != nil || u == nil || u.OrgRole != policy.RoleAdmin || len(pw) < auth.MinPasswordLength {
		t.Fatalf("first admin: %+v %q %v", u, pw, err)
	}
	if u, pw, err := svc.Console("system").CreateFirstAdmin(ctx); err != nil || u != nil || pw != "" {
		t.Errorf("second call: %+v %q %v, want nothing", u, pw, err)
	}
	events, _ := s.ListAudit(ctx, store.AuditFilter{Action: "user.create"})
	if len(events) != 1 || events[0].Actor != "system" || events[0].Reason != "first start" {
		t.Errorf("audit = %+v", events)
	}
}

// TestConsoleRefusesATokenForADisabledUser: a disabled user's tokens are
// refused when used, so the console does not issue one (it exited 0 with a
// token that could never work).
func TestConsoleRefusesATokenForADisabledUser(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, storetest.New(t))
	if err := f.svc.UpdateUser(ctx, f.admin, f.member, people.UserChange{Disabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	token, err := f.svc.Console("cli").CreateToken(ctx, "Mia", people.TokenInput{Name: "ci"})
	if msg := fields(err)["username"]; !strings.Contains(msg, "disabled") {
		t.Errorf("console token for a disabled user: %q, %v; want a username field error saying it is disabled", token, err)
	}
	if toks, err := f.s.UserTokens(ctx, f.member.ID); err != nil || len(toks) != 0 {
		t.Errorf("tokens of the disabled user: %d, %v; want none", len(toks), err)
	}
}
