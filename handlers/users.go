package handlers

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/people"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/views/components"
	"github.com/portico-dev/portico/views/pages/users"
)

func orgRoleOptions() []components.Option {
	var out []components.Option
	for _, r := range policy.OrgRoles() {
		out = append(out, components.Option{Value: r, Label: r})
	}
	return out
}

// usersPerPage is the page size of the user directory.
const usersPerPage = 50

// ListUsers renders the user directory, a page at a time (?page=).
func (h *Handler) ListUsers(c *fiber.Ctx) error {
	page, err := listPage(c)
	if err != nil {
		return err
	}
	list, total, err := h.store.UsersPage(c.UserContext(), (page-1)*usersPerPage, usersPerPage)
	if err != nil {
		return err
	}
	pg, done, err := pagedList(c, "/users", url.Values{}, page, usersPerPage, total)
	if done {
		return err
	}
	rows := make([]users.Row, 0, len(list))
	for _, u := range list {
		rows = append(rows, users.Row{Username: u.Username, DisplayName: u.DisplayName, Email: u.Email, OrgRole: u.OrgRole, Disabled: u.Disabled})
	}
	return h.render(c, users.List(h.page(c, "Users", "users"), rows, total, pg))
}

// NewUser renders the form to create a user.
func (h *Handler) NewUser(c *fiber.Ctx) error {
	return h.render(c, users.New(h.page(c, "New user", "users"), users.Form{OrgRole: policy.RoleMember}, orgRoleOptions()))
}

// CreateUser creates a user and shows their one-time password.
func (h *Handler) CreateUser(c *fiber.Ctx) error {
	in := people.UserInput{Username: c.FormValue("username"), DisplayName: c.FormValue("display_name"), Email: c.FormValue("email"), OrgRole: c.FormValue("org_role")}
	var u *store.User
	var password string
	err := h.once(c, "a user", "user's one-time password", func(ctx context.Context) (string, error) {
		var err error
		if u, password, err = h.people.CreateUser(ctx, currentUser(c), in); err != nil {
			return "", err
		}
		return "/users/" + url.PathEscape(u.Username) + "/edit", nil
	})
	if fields, ok := fieldErrors(err); ok {
		c.Status(fiber.StatusUnprocessableEntity)
		f := users.Form{Username: in.Username, DisplayName: in.DisplayName, Email: in.Email, OrgRole: in.OrgRole, Errors: fields}
		return h.render(c, users.New(h.page(c, "New user", "users"), f, orgRoleOptions()))
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.render(c, users.Created(h.page(c, "User created", "users"), u.Username, password))
}

// EditUser renders the form to edit a user.
func (h *Handler) EditUser(c *fiber.Ctx) error {
	u, err := h.store.UserByUsername(c.UserContext(), c.Params("username"))
	if err != nil {
		return err
	}
	f := users.Form{Username: u.Username, DisplayName: u.DisplayName, Email: u.Email, OrgRole: u.OrgRole, Disabled: u.Disabled, LockVersion: u.LockVersion, Self: u.ID == currentUser(c).ID}
	return h.render(c, users.Edit(h.page(c, "Edit "+store.Isolate(u.Username), "users"), f, orgRoleOptions()))
}

// UpdateUser saves a user's profile, org role and status. The form carries
// the lock version it was read at, so a concurrent edit is refused, not
// overwritten.
func (h *Handler) UpdateUser(c *fiber.Ctx) error {
	u, err := h.store.UserByUsername(c.UserContext(), c.Params("username"))
	if err != nil {
		return err
	}
	f := users.Form{Username: u.Username, DisplayName: c.FormValue("display_name"), Email: c.FormValue("email"), OrgRole: c.FormValue("org_role"), Disabled: c.FormValue("disabled") == "true"}
	if lock, perr := strconv.ParseInt(c.FormValue("lock_version"), 10, 64); perr == nil {
		u.LockVersion = lock
	}
	f.LockVersion = u.LockVersion
	err = h.people.UpdateUser(c.UserContext(), currentUser(c), u, people.UserChange{DisplayName: &f.DisplayName, Email: &f.Email, OrgRole: &f.OrgRole, Disabled: &f.Disabled})
	if fields, ok := fieldErrors(err); ok {
		c.Status(fiber.StatusUnprocessableEntity)
		f.Errors = fields
		return h.render(c, users.Edit(h.page(c, "Edit "+store.Isolate(u.Username), "users"), f, orgRoleOptions()))
	}
	var ce *apperr.ConflictError
	if errors.As(err, &ce) {
		c.Status(fiber.StatusConflict)
		f.FormError = "Someone else changed this user while you were editing it. Reload the page to see their changes, then make yours again."
		return h.render(c, users.Edit(h.page(c, "Edit "+store.Isolate(u.Username), "users"), f, orgRoleOptions()))
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", "Saved "+store.Isolate(u.Username)+".")
	return seeOther(c, "/users")
}

// ResetUserPassword gives a user a new one-time password and shows it once.
func (h *Handler) ResetUserPassword(c *fiber.Ctx) error {
	u, err := h.store.UserByUsername(c.UserContext(), c.Params("username"))
	if err != nil {
		return err
	}
	var password string
	err = h.once(c, "a new one-time password", "user's one-time password", func(ctx context.Context) (string, error) {
		var err error
		if password, err = h.people.ResetPassword(ctx, currentUser(c), u); err != nil {
			return "", err
		}
		return "/users/" + url.PathEscape(u.Username) + "/edit", nil
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.render(c, users.PasswordReset(h.page(c, "Password reset", "users"), u.Username, password, *u.PasswordExpiresAt))
}

// fieldErrors extracts field errors from a validation error, for forms to
// re-render with their messages. A create form sent again with other
// values (*resentError) is shown again too, with no field in error: its
// message is at the top of the page.
func fieldErrors(err error) (map[string]string, bool) {
	var ue *userError
	if errors.As(err, &ue) && ue.fields != nil {
		return ue.fields, true
	}
	var ie *apperr.InputError
	if errors.As(err, &ie) {
		return ie.Fields, true
	}
	var re *resentError
	if errors.As(err, &re) {
		return map[string]string{}, true
	}
	return nil, false
}

type apiUser struct {
	Username    string    `json:"username"`
	DisplayName string    `json:"display_name"`
	Email       string    `json:"email"`
	OrgRole     string    `json:"org_role"`
	Disabled    bool      `json:"disabled"`
	LockVersion int64     `json:"lock_version"`
	CreatedAt   time.Time `json:"created_at"`
}

func toAPIUser(u *store.User) apiUser {
	return apiUser{Username: u.Username, DisplayName: u.DisplayName, Email: u.Email, OrgRole: u.OrgRole, Disabled: u.Disabled, LockVersion: u.LockVersion, CreatedAt: u.CreatedAt}
}

// APICreateUser creates a user and returns their one-time password.
func (h *Handler) APICreateUser(c *fiber.Ctx) error {
	var body struct {
		Username    string `json:"username"`
		DisplayName string `json:"display_name"`
		Email       string `json:"email"`
		OrgRole     string `json:"org_role"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	var u *store.User
	var password string
	err := h.once(c, "a user", "user's one-time password", func(ctx context.Context) (string, error) {
		var err error
		if u, password, err = h.people.CreateUser(ctx, currentUser(c), people.UserInput(body)); err != nil {
			return "", err
		}
		return "/api/v1/users/" + u.Username, nil
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderLocation, "/api/v1/users/"+u.Username)
	return c.Status(fiber.StatusCreated).JSON(struct {
		apiUser
		Password string `json:"password"`
	}{toAPIUser(u), password})
}

// APIGetUser returns a user: the Location of a created one.
func (h *Handler) APIGetUser(c *fiber.Ctx) error {
	u, err := h.store.UserByUsername(c.UserContext(), c.Params("username"))
	if err != nil {
		return err
	}
	return c.JSON(toAPIUser(u))
}

// APIUpdateUser changes a user's org role, status or profile; an optional
// lock_version makes the change conditional on nobody having changed the
// user since the caller read it (409 otherwise).
func (h *Handler) APIUpdateUser(c *fiber.Ctx) error {
	u, err := h.store.UserByUsername(c.UserContext(), c.Params("username"))
	if err != nil {
		return err
	}
	var body struct {
		DisplayName *string `json:"display_name"`
		Email       *string `json:"email"`
		OrgRole     *string `json:"org_role"`
		Disabled    *bool   `json:"disabled"`
		LockVersion *int64  `json:"lock_version"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	if body.LockVersion != nil {
		u.LockVersion = *body.LockVersion
	}
	ch := people.UserChange{DisplayName: body.DisplayName, Email: body.Email, OrgRole: body.OrgRole, Disabled: body.Disabled}
	if err := h.people.UpdateUser(c.UserContext(), currentUser(c), u, ch); err != nil {
		return err
	}
	return c.JSON(toAPIUser(u))
}

// APIResetUserPassword gives a user a new one-time password and returns it.
func (h *Handler) APIResetUserPassword(c *fiber.Ctx) error {
	u, err := h.store.UserByUsername(c.UserContext(), c.Params("username"))
	if err != nil {
		return err
	}
	var password string
	err = h.once(c, "a new one-time password", "user's one-time password", func(ctx context.Context) (string, error) {
		var err error
		if password, err = h.people.ResetPassword(ctx, currentUser(c), u); err != nil {
			return "", err
		}
		return "/api/v1/users/" + u.Username, nil
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(struct {
		apiUser
		Password          string    `json:"password"`
		PasswordExpiresAt time.Time `json:"password_expires_at"`
	}{toAPIUser(u), password, *u.PasswordExpiresAt})
}
