package handlers

import (
	"context"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/views/pages/profile"
)

// ShowProfile renders the profile page.
func (h *Handler) ShowProfile(c *fiber.Ctx) error {
	u := currentUser(c)
	return h.renderProfile(c, func(v *profile.View) {
		v.Details = profile.DetailsForm{DisplayName: u.DisplayName, Email: u.Email}
	})
}

func (h *Handler) renderProfile(c *fiber.Ctx, fill func(v *profile.View)) error {
	ctx := c.UserContext()
	u := currentUser(c)
	v := profile.View{Username: u.Username, DisplayName: u.DisplayName, Email: u.Email, OrgRole: u.OrgRole}
	ms, err := h.store.Memberships(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		v.Teams = append(v.Teams, profile.Team{Slug: m.Team.Slug, Name: m.Team.Name, Role: m.Role})
	}
	tokens, err := h.store.UserTokens(ctx, u.ID)
	if err != nil {
		return err
	}
	now := h.now()
	for _, t := range tokens {
		row := profile.Token{ID: t.ID, Name: t.Name, Prefix: t.Prefix, Created: formatDate(t.CreatedAt), LastUsed: "never", Expires: "never", Active: t.Active(now)}
		if t.LastUsedAt != nil {
			row.LastUsed = formatDate(*t.LastUsedAt)
		}
		if t.ExpiresAt != nil {
			row.Expires = formatDate(*t.ExpiresAt)
		}
		if t.RevokedAt != nil {
			row.Expires = "revoked " + formatDate(*t.RevokedAt)
		}
		v.Tokens = append(v.Tokens, row)
	}
	v.Details = profile.DetailsForm{DisplayName: u.DisplayName, Email: u.Email}
	fill(&v)
	return h.render(c, profile.Profile(h.page(c, "Profile", "profile"), v))
}

func formatDate(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// UpdateProfile saves the user's display name and email.
func (h *Handler) UpdateProfile(c *fiber.Ctx) error {
	u := currentUser(c)
	name, email := strings.TrimSpace(c.FormValue("display_name")), strings.TrimSpace(c.FormValue("email"))
	errs := map[string]string{}
	if utf8.RuneCountInString(name) > 200 {
		errs["display_name"] = "Keep the display name under 200 characters."
	}
	if email != "" {
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
			errs["email"] = "Enter an email address like name@example.com, or leave it empty."
		}
	}
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderProfile(c, func(v *profile.View) {
			v.Details = profile.DetailsForm{DisplayName: name, Email: email, Errors: errs}
		})
	}
	u.DisplayName, u.Email = name, email
	if err := h.store.UpdateUser(c.UserContext(), h.store.DB(), u); err != nil {
		return err
	}
	h.flash(c, "success", "Profile saved.")
	return seeOther(c, "/profile")
}

// ChangePassword replaces the user's password and ends their other sessions.
func (h *Handler) ChangePassword(c *fiber.Ctx) error {
	u := currentUser(c)
	current, next, confirm := c.FormValue("current"), c.FormValue("new"), c.FormValue("confirm")
	errs := map[string]string{}
	if !h.hasher.Check(current, u.PasswordHash) {
		errs["current"] = "This is not your current password."
	}
	if len(next) < auth.MinPasswordLength {
		errs["new"] = auth.ErrWeakPassword.Error() + "."
	} else if next != confirm {
		errs["confirm"] = "The two new passwords differ."
	}
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderProfile(c, func(v *profile.View) { v.Password.Errors = errs })
	}
	hash, err := h.hasher.Hash(next)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	err = h.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := h.store.SetPassword(ctx, tx, u.ID, hash); err != nil {
			return err
		}
		return h.audit(ctx, tx, u, "user.password.change", "user", u.Username, nil, "", "", "")
	})
	if err != nil {
		return err
	}
	keep := ""
	if s := currentSession(c); s != nil {
		keep = s.IDHash
	}
	if err := h.store.DeleteUserSessions(ctx, u.ID, keep); err != nil {
		return err
	}
	h.flash(c, "success", "Password changed. Your other sessions were logged out.")
	return seeOther(c, "/profile")
}

// CreateToken issues a personal access token and shows it once.
func (h *Handler) CreateToken(c *fiber.Ctx) error {
	u := currentUser(c)
	name, days := strings.TrimSpace(c.FormValue("name")), strings.TrimSpace(c.FormValue("expires_days"))
	errs := map[string]string{}
	if name == "" || utf8.RuneCountInString(name) > 100 {
		errs["name"] = "Name the token (up to 100 characters) so you recognise it later."
	}
	var expires *time.Time
	if days != "" {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 || n > 3650 {
			errs["expires_days"] = "Enter a number of days from 1 to 3650, or leave it empty."
		} else {
			t := h.now().Add(time.Duration(n) * 24 * time.Hour).UTC()
			expires = &t
		}
	}
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderProfile(c, func(v *profile.View) {
			v.TokenForm = profile.TokenForm{Name: name, ExpiresDays: days, Errors: errs}
		})
	}
	token, err := h.issueToken(c.UserContext(), u, name, expires)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.renderProfile(c, func(v *profile.View) { v.NewToken = token })
}

// issueToken creates a personal access token for u and returns its secret.
func (h *Handler) issueToken(ctx context.Context, u *store.User, name string, expires *time.Time) (string, error) {
	token, display := auth.NewPersonalToken()
	t := &store.APIToken{UserID: u.ID, Name: name, Prefix: display, TokenHash: auth.HashToken(token), ExpiresAt: expires}
	err := h.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := h.store.CreateToken(ctx, tx, t); err != nil {
			return err
		}
		return h.audit(ctx, tx, u, "token.create", "user", u.Username, nil, "", name+" ("+display+"…)", "")
	})
	return token, err
}

// RevokeToken revokes one of the user's tokens.
func (h *Handler) RevokeToken(c *fiber.Ctx) error {
	u := currentUser(c)
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return errNotFound
	}
	err = h.store.RunInTx(c.UserContext(), func(ctx context.Context, tx bun.Tx) error {
		t, err := h.store.RevokeToken(ctx, tx, u.ID, id)
		if err != nil {
			return err
		}
		return h.audit(ctx, tx, u, "token.revoke", "user", u.Username, nil, t.Name+" ("+t.Prefix+"…)", "", "")
	})
	if err != nil {
		return err
	}
	h.flash(c, "success", "Token revoked.")
	return seeOther(c, "/profile#tokens")
}
