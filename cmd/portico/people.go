package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/people"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
)

// The commands on people and teams act as the console through the people
// service: the same validation as the pages and the JSON API, the same
// messages, and an audit record naming "cli".

// newPeople builds the people service the server and the commands share.
func newPeople(s *store.Store, enforcer *policy.Enforcer, hasher *auth.Hasher) *people.Service {
	return people.New(s, enforcer, people.Options{Hasher: hasher})
}

// openPeople opens the database and the people service for command.
func openPeople(ctx context.Context, c *config, e env, command string) (*store.Store, *people.Service, error) {
	s, err := openStore(ctx, c, command)
	if err != nil {
		return nil, nil, err
	}
	enforcer, err := policy.New(ctx, s)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return s, newPeople(s, enforcer, e.passwordHasher()), nil
}

// flagErrors names the flags of an invalid input in a refusal, keeping
// the service's messages: `--username: Use 2 to 64 …`. The InputError
// stays wrapped for callers that look at its fields.
// actingUser returns the user named by a command's --as flag (the one its
// permissions and audit entries are for): an unknown user or a disabled one
// is refused, as a disabled user may not sign in.
func actingUser(ctx context.Context, s *store.Store, as string) (*store.User, error) {
	u, err := s.UserByUsername(ctx, people.NormalizeUsername(as))
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("there is no user %q (--as)", as)
	} else if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, fmt.Errorf("user %q is disabled", u.Username)
	}
	return u, nil
}

func flagErrors(err error) error {
	var ie *apperr.InputError
	if !errors.As(err, &ie) {
		return err
	}
	return &cliInputError{ie}
}

type cliInputError struct{ *apperr.InputError }

// flagNames are the flags of fields whose name differs from their field's.
var flagNames = map[string]string{"org_role": "--role", "password": "the password on standard input"}

func (e *cliInputError) Error() string {
	var parts []string
	for _, field := range slices.Sorted(maps.Keys(e.Fields)) {
		name, ok := flagNames[field]
		if !ok {
			name = "--" + strings.ReplaceAll(field, "_", "-")
		}
		parts = append(parts, name+": "+e.Fields[field])
	}
	return strings.Join(parts, "; ")
}

func (e *cliInputError) Unwrap() error { return e.InputError }

func cmdUserCreate(ctx context.Context, args []string, e env) error {
	var in people.UserInput
	var passwordStdin, admin bool
	c, err := parse("user create", args, e, func(fs *flag.FlagSet) {
		fs.StringVar(&in.Username, "username", "", "user name (required)")
		fs.BoolVar(&passwordStdin, "password-stdin", false, "read the password from standard input (required)")
		fs.BoolVar(&admin, "admin", false, "make the user an org admin (as --role admin)")
		fs.StringVar(&in.OrgRole, "role", "", "org role: member (the default), approver or admin")
		fs.StringVar(&in.DisplayName, "display-name", "", "the name shown for the user")
		fs.StringVar(&in.Email, "email", "", "email address")
	})
	if err != nil {
		return err
	}
	if in.Username == "" || !passwordStdin {
		return errors.New("user create needs --username NAME and --password-stdin (the password on standard input)")
	}
	if admin {
		if in.OrgRole != "" && in.OrgRole != policy.RoleAdmin {
			return fmt.Errorf("choose --admin or --role %s, not both", in.OrgRole)
		}
		in.OrgRole = policy.RoleAdmin
	}
	// The first line, read no further than a password may be long (and
	// its line end) plus one byte, so that a longer one is refused by the
	// service's rule: standard input may be a large file, or endless.
	line, err := bufio.NewReader(io.LimitReader(e.stdin, auth.MaxPasswordLength+3)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	s, svc, err := openPeople(ctx, c, e, "user create")
	if err != nil {
		return err
	}
	defer s.Close()
	u, err := svc.Console("cli").CreateUser(ctx, in, password)
	if err != nil {
		return flagErrors(err)
	}
	fmt.Fprintf(e.stdout, "created user %s (org role %s)\n", u.Username, u.OrgRole)
	return nil
}

// cmdUserResetPassword gives a user a new one-time password and prints it:
// the way back in for an org whose only admin lost their password or let
// the first one-time password expire.
func cmdUserResetPassword(ctx context.Context, args []string, e env) error {
	var username string
	c, err := parse("user reset-password", args, e, func(fs *flag.FlagSet) {
		fs.StringVar(&username, "username", "", "the user whose password to reset (required)")
	})
	if err != nil {
		return err
	}
	if username == "" {
		return errors.New("user reset-password needs --username NAME")
	}
	s, svc, err := openPeople(ctx, c, e, "user reset-password")
	if err != nil {
		return err
	}
	defer s.Close()
	u, password, err := svc.Console("cli").ResetPassword(ctx, username)
	if err != nil {
		return flagErrors(err)
	}
	// The password is shown this once: a script must not go on as if it had it.
	if _, err := fmt.Fprintf(e.stdout, "one-time password of %s (valid until %s UTC; they choose their own at login):\n%s\n",
		u.Username, u.PasswordExpiresAt.UTC().Format("2006-01-02 15:04"), password); err != nil {
		return fmt.Errorf("the password of %s was reset but the new one was not written to standard output (%v): nobody has it; reset it again", u.Username, err)
	}
	return nil
}

func cmdTokenCreate(ctx context.Context, args []string, e env) error {
	var username string
	var in people.TokenInput
	c, err := parse("token create", args, e, func(fs *flag.FlagSet) {
		fs.StringVar(&username, "username", "", "owner of the token (required)")
		fs.StringVar(&in.Name, "name", "cli", "a name to recognise the token by")
		fs.StringVar(&in.ExpiresDays, "expires-days", "", "days until the token expires, 1 to 3650 (default: never)")
	})
	if err != nil {
		return err
	}
	if username == "" {
		return errors.New("token create needs --username NAME")
	}
	s, svc, err := openPeople(ctx, c, e, "token create")
	if err != nil {
		return err
	}
	defer s.Close()
	token, err := svc.Console("cli").CreateToken(ctx, username, in)
	if err != nil {
		return flagErrors(err)
	}
	// The token is shown this once: a script must not go on as if it had it.
	if _, err := fmt.Fprintln(e.stdout, token); err != nil {
		return fmt.Errorf("the token %q of %s was created but not written to standard output (%v): nobody has it; its owner can revoke it on their profile page", in.Name, people.NormalizeUsername(username), err)
	}
	return nil
}

func cmdTeamCreate(ctx context.Context, args []string, e env) error {
	var in people.TeamInput
	c, err := parse("team create", args, e, func(fs *flag.FlagSet) {
		fs.StringVar(&in.Slug, "slug", "", "the team's slug, used in URLs (required)")
		fs.StringVar(&in.Name, "name", "", "the team's name (required)")
		fs.StringVar(&in.Description, "description", "", "what the team does")
	})
	if err != nil {
		return err
	}
	s, svc, err := openPeople(ctx, c, e, "team create")
	if err != nil {
		return err
	}
	defer s.Close()
	t, err := svc.Console("cli").CreateTeam(ctx, in)
	if err != nil {
		return flagErrors(err)
	}
	fmt.Fprintf(e.stdout, "created team %s (%s)\n", t.Slug, t.Name)
	return nil
}

func cmdTeamMember(ctx context.Context, args []string, e env) error {
	var team string
	var in people.MemberInput
	var reviewer bool
	var fs *flag.FlagSet
	c, err := parse("team member", args, e, func(f *flag.FlagSet) {
		fs = f
		f.StringVar(&team, "team", "", "the team's slug (required)")
		f.StringVar(&in.Username, "username", "", "the user (required)")
		f.StringVar(&in.Role, "role", "", "team role: owner, maintainer, developer or viewer (required)")
		f.BoolVar(&reviewer, "reviewer", false, "make the member a team reviewer, or not with --reviewer=false (default: unchanged)")
	})
	if err != nil {
		return err
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "reviewer" {
			in.Reviewer = &reviewer
		}
	})
	if team == "" {
		return errors.New("team member needs --team SLUG")
	}
	s, svc, err := openPeople(ctx, c, e, "team member")
	if err != nil {
		return err
	}
	defer s.Close()
	t, err := s.TeamBySlug(ctx, team)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("there is no team %q (--team)", team)
	}
	if err != nil {
		return err
	}
	if _, err := svc.Console("cli").SetMember(ctx, t, in); err != nil {
		return flagErrors(err)
	}
	// Said as the team has it now: whether the member reviews, when
	// --reviewer was not given, is what it was.
	username := people.NormalizeUsername(in.Username)
	members, err := s.TeamMembers(ctx, t.ID)
	if err != nil {
		return err
	}
	for _, m := range members {
		if m.User != nil && m.User.Username == username {
			reviews := ", not a reviewer"
			if m.Reviewer {
				reviews = " and a reviewer"
			}
			fmt.Fprintf(e.stdout, "%s is %s of %s%s\n", username, m.Role, t.Slug, reviews)
			return nil
		}
	}
	// Removed by another change since.
	fmt.Fprintf(e.stdout, "%s was made %s of %s, and is no longer a member of it\n", username, in.Role, t.Slug)
	return nil
}

// firstStart creates the first org admin when the database has no user and
// prints, once, how to log in. The password is shown this once: when it
// cannot be written the command fails (see firstAdminNotShown).
func firstStart(ctx context.Context, svc *people.Service, w io.Writer) error {
	u, password, err := svc.Console("system").CreateFirstAdmin(ctx)
	if err != nil || u == nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "\nFirst start: an org admin was created.\n  user name: %s\n  password:  %s\nThis one-time password is shown once and works for 7 days: at the first login you choose your own.\n\n", u.Username, password); err != nil {
		return firstAdminNotShown(err)
	}
	return nil
}

// firstAdminNotShown is the failure of a command that created the first
// org admin but could not write its one-time password: nobody can log in
// as that admin, and the operator must make another one.
func firstAdminNotShown(err error) error {
	return fmt.Errorf("the first org admin was created but its one-time password was not written to standard output (%v): nobody has it; make another org admin with: echo \"$PASSWORD\" | portico user create --username NAME --password-stdin --admin", err)
}
