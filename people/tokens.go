package people

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/store"
)

// maxTokenDays is the longest life of a personal access token.
const maxTokenDays = 3650

// TokenInput is a personal access token as requested: the profile form
// and the flags of `portico token create` fill it alike.
type TokenInput struct {
	// Name tells the token apart later: 1 to 100 characters.
	Name string
	// ExpiresDays is a whole number of days from 1 to 3650, or empty for a
	// token that does not expire.
	ExpiresDays string
}

// normalize trims the input, returns its field errors and its expiry.
func (in *TokenInput) normalize(now time.Time) (*time.Time, map[string]string) {
	in.Name = strings.TrimSpace(in.Name)
	in.ExpiresDays = strings.TrimSpace(in.ExpiresDays)
	errs := map[string]string{}
	if in.Name == "" || !utf8.ValidString(in.Name) || utf8.RuneCountInString(in.Name) > MaxTokenName {
		errs["name"] = fmt.Sprintf("Name the token (up to %d characters) so you recognise it later.", MaxTokenName)
	}
	apperr.Secret(errs, "name", in.Name)
	var expires *time.Time
	if in.ExpiresDays != "" {
		n, err := strconv.Atoi(in.ExpiresDays)
		if err != nil || n < 1 || n > maxTokenDays {
			errs["expires_days"] = fmt.Sprintf("Enter a number of days from 1 to %d, or leave it empty.", maxTokenDays)
		} else {
			t := now.Add(time.Duration(n) * 24 * time.Hour).UTC()
			expires = &t
		}
	}
	return expires, errs
}

// CreateToken issues a personal access token for the actor and returns its
// secret, to be shown once: only its hash is stored.
func (s *Service) CreateToken(ctx context.Context, actor *store.User, in TokenInput) (string, error) {
	if err := self(actor); err != nil {
		return "", err
	}
	return s.createToken(ctx, asUser(actor), actor, in)
}

func (s *Service) createToken(ctx context.Context, a actor, owner *store.User, in TokenInput) (string, error) {
	expires, errs := in.normalize(s.now())
	if owner.Disabled {
		errs["username"] = "This user is disabled: enable them before creating a token."
	}
	if len(errs) > 0 {
		return "", apperr.Invalid(errs)
	}
	token, display := auth.NewPersonalToken()
	t := &store.APIToken{UserID: owner.ID, Name: in.Name, Prefix: display, TokenHash: auth.HashToken(token), ExpiresAt: expires}
	err := s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		// Not after a password change or a disable the request did not
		// see: that change revoked every token, and must revoke this one too.
		if err := s.store.CanHoldToken(ctx, tx, owner.ID, owner.PasswordHash); err != nil {
			return err
		}
		if err := s.store.CreateToken(ctx, tx, t); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "token.create", "user", owner.Username, nil, "", in.Name+" ("+display+"…)", "")
	})
	if errors.Is(err, store.ErrConflict) {
		return "", apperr.Conflict("Your password was changed or your account disabled meanwhile: log in again to create a token.")
	}
	if err != nil {
		return "", err
	}
	return token, nil
}

// RevokeToken revokes one of the actor's own active tokens.
func (s *Service) RevokeToken(ctx context.Context, actor *store.User, id int64) error {
	if err := self(actor); err != nil {
		return err
	}
	err := s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		t, err := s.store.RevokeToken(ctx, tx, actor.ID, id)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, asUser(actor), "token.revoke", "user", actor.Username, nil, t.Name+" ("+t.Prefix+"…)", "", "")
	})
	if errors.Is(err, store.ErrNotFound) {
		return apperr.NotFound("You have no active token with this number.")
	}
	return err
}
