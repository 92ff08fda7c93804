package handlers

import (
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/people"
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
	in := people.ProfileInput{DisplayName: c.FormValue("display_name"), Email: c.FormValue("email")}
	err := h.people.UpdateProfile(c.UserContext(), currentUser(c), in)
	if fields, ok := fieldErrors(err); ok {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderProfile(c, func(v *profile.View) {
			v.Details = profile.DetailsForm{DisplayName: in.DisplayName, Email: in.Email, Errors: fields}
		})
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", "Profile saved.")
	return seeOther(c, "/profile")
}

// ChangePassword replaces the user's password, ends every session of the
// user and starts a new one for this browser: the session id changes with
// the credentials, so a copy of this browser's old cookie (taken while the
// password was known to someone else) ends with the others. The browser
// gets a new device cookie too: the ones issued before end with the old
// password.
func (h *Handler) ChangePassword(c *fiber.Ctx) error {
	in := people.PasswordChange{Current: c.FormValue("current"), New: c.FormValue("new"), Confirm: c.FormValue("confirm")}
	u := currentUser(c)
	choosing := u.MustChangePassword
	dev, err := h.device(c)
	if err != nil {
		return err
	}
	err = h.people.ChangePassword(c.UserContext(), u, in, "", h.clientIP(c), dev)
	if fields, ok := fieldErrors(err); ok {
		c.Status(fiber.StatusUnprocessableEntity)
		if choosing {
			return h.renderChoosePassword(c, profile.PasswordForm{Errors: fields})
		}
		return h.renderProfile(c, func(v *profile.View) { v.Password.Errors = fields })
	}
	if err != nil {
		return err
	}
	if err := h.startSession(c, u); err != nil {
		return err
	}
	// The device cookies issued before count no more (people.PasswordMark):
	// this browser gets one for the new password.
	if err := h.setDeviceCookie(c, u); err != nil {
		return err
	}
	if choosing {
		h.flash(c, "success", "Your password is saved. Welcome to Portico.")
		return seeOther(c, "/")
	}
	h.flash(c, "success", "Password changed. Your other sessions were logged out and your personal access tokens revoked.")
	return seeOther(c, "/profile")
}

// EndOtherSessions logs the user out of every other browser, and gives
// this one a new session id, so that a copy of its cookie ends too (as a
// password change does). Personal access tokens stay.
func (h *Handler) EndOtherSessions(c *fiber.Ctx) error {
	u, sess := currentUser(c), currentSession(c)
	if sess == nil {
		// A bearer token never reaches a browser route; nothing to keep.
		return errUnauthorized
	}
	n, err := h.people.EndOtherSessions(c.UserContext(), u, sess.IDHash)
	if err != nil {
		return err
	}
	if err := h.startSession(c, u); err != nil {
		return err
	}
	h.log.Info("other sessions ended", "username", u.Username, "sessions", n)
	switch n {
	case 0:
		h.flash(c, "success", "You had no other session. This browser stays logged in.")
	case 1:
		h.flash(c, "success", "1 other session was logged out. This browser stays logged in.")
	default:
		h.flash(c, "success", strconv.FormatInt(n, 10)+" other sessions were logged out. This browser stays logged in.")
	}
	return seeOther(c, "/profile")
}

// ShowChoosePassword asks a user who logged in with a one-time password to
// choose their own; anyone else has nothing to do here.
func (h *Handler) ShowChoosePassword(c *fiber.Ctx) error {
	if !currentUser(c).MustChangePassword {
		return seeOther(c, "/profile")
	}
	return h.renderChoosePassword(c, profile.PasswordForm{})
}

func (h *Handler) renderChoosePassword(c *fiber.Ctx, f profile.PasswordForm) error {
	p := h.page(c, "Choose your password", "profile")
	p.ChoosingPassword = true
	return h.render(c, profile.ChoosePassword(p, currentUser(c).Username, f))
}

// CreateToken issues a personal access token and shows it once.
func (h *Handler) CreateToken(c *fiber.Ctx) error {
	in := people.TokenInput{Name: c.FormValue("name"), ExpiresDays: c.FormValue("expires_days")}
	var token string
	err := h.once(c, "a personal access token", "token", func(ctx context.Context) (string, error) {
		var err error
		if token, err = h.people.CreateToken(ctx, currentUser(c), in); err != nil {
			return "", err
		}
		return "/profile#tokens", nil
	})
	if fields, ok := fieldErrors(err); ok {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderProfile(c, func(v *profile.View) {
			v.TokenForm = profile.TokenForm{Name: in.Name, ExpiresDays: in.ExpiresDays, Errors: fields}
		})
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.renderProfile(c, func(v *profile.View) { v.NewToken = token })
}

// RevokeToken revokes one of the user's tokens.
func (h *Handler) RevokeToken(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return errNotFound
	}
	if err := h.people.RevokeToken(c.UserContext(), currentUser(c), id); err != nil {
		return err
	}
	h.flash(c, "success", "Token revoked.")
	return seeOther(c, "/profile#tokens")
}

type apiMembership struct {
	Team string `json:"team"`
	Name string `json:"name"`
	Role string `json:"role"`
}

// APIMe returns the caller and their teams.
func (h *Handler) APIMe(c *fiber.Ctx) error {
	u := currentUser(c)
	ms, err := h.store.Memberships(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	teams := []apiMembership{}
	for _, m := range ms {
		teams = append(teams, apiMembership{Team: m.Team.Slug, Name: m.Team.Name, Role: m.Role})
	}
	return c.JSON(struct {
		apiUser
		Teams []apiMembership `json:"teams"`
	}{toAPIUser(u), teams})
}
