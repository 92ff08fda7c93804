package handlers

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"io"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/people"
	"github.com/portico-dev/portico/store"
)

//go:embed openapi.json
var apiDescription []byte

// APIDescription serves the OpenAPI description of the JSON API.
func (h *Handler) APIDescription(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(apiDescription)
}

// decodeJSON reads a JSON body strictly: unknown fields and trailing data are errors.
func decodeJSON(c *fiber.Ctx, v any) error {
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return clientError(fiber.StatusBadRequest, "The request body is empty; send a JSON object.")
		}
		return clientError(fiber.StatusBadRequest, "The request body is not valid JSON for this operation: "+err.Error())
	}
	if dec.More() {
		return clientError(fiber.StatusBadRequest, "The request body has data after the JSON object.")
	}
	return nil
}

type apiUser struct {
	Username    string    `json:"username"`
	DisplayName string    `json:"display_name"`
	Email       string    `json:"email"`
	OrgRole     string    `json:"org_role"`
	Disabled    bool      `json:"disabled"`
	CreatedAt   time.Time `json:"created_at"`
}

func toAPIUser(u *store.User) apiUser {
	return apiUser{Username: u.Username, DisplayName: u.DisplayName, Email: u.Email, OrgRole: u.OrgRole, Disabled: u.Disabled, CreatedAt: u.CreatedAt}
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
	u, password, err := h.people.CreateUser(c.UserContext(), currentUser(c), people.UserInput(body))
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

// APIUpdateUser changes a user's org role, status or profile.
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
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	if err := h.people.UpdateUser(c.UserContext(), currentUser(c), u, people.UserChange(body)); err != nil {
		return err
	}
	return c.JSON(toAPIUser(u))
}

type apiTeam struct {
	Slug        string          `json:"slug"`
	Name        string          `json:"name"`
	Description string          `json:"description"`
	CreatedAt   time.Time       `json:"created_at"`
	Members     []apiTeamMember `json:"members"`
}

type apiTeamMember struct {
	Username string `json:"username"`
	Role     string `json:"role"`
	Reviewer bool   `json:"reviewer"`
}

func (h *Handler) teamJSON(c *fiber.Ctx, t *store.Team) (apiTeam, error) {
	members, err := h.store.TeamMembers(c.UserContext(), t.ID)
	if err != nil {
		return apiTeam{}, err
	}
	out := apiTeam{Slug: t.Slug, Name: t.Name, Description: t.Description, CreatedAt: t.CreatedAt, Members: []apiTeamMember{}}
	for _, m := range members {
		out.Members = append(out.Members, apiTeamMember{Username: m.User.Username, Role: m.Role, Reviewer: m.Reviewer})
	}
	return out, nil
}

// APICreateTeam creates a team.
func (h *Handler) APICreateTeam(c *fiber.Ctx) error {
	var body struct {
		Slug        string `json:"slug"`
		Name        string `json:"name"`
		Description string `json:"description"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	t, err := h.people.CreateTeam(c.UserContext(), currentUser(c), people.TeamInput(body))
	if err != nil {
		return err
	}
	out, err := h.teamJSON(c, t)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/api/v1/teams/"+t.Slug)
	return c.Status(fiber.StatusCreated).JSON(out)
}

// APIGetTeam returns a team with its members.
func (h *Handler) APIGetTeam(c *fiber.Ctx) error {
	out, err := h.teamJSON(c, currentTeam(c))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// APISetTeamMember gives a user a role in the team and, when the body has
// "reviewer", sets their team reviewer flag (absent: unchanged; a new member
// starts without it).
func (h *Handler) APISetTeamMember(c *fiber.Ctx) error {
	var body struct {
		Role     string `json:"role"`
		Reviewer *bool  `json:"reviewer"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	t := currentTeam(c)
	in := people.MemberInput{Username: c.Params("username"), Role: body.Role, Reviewer: body.Reviewer}
	if err := h.people.SetMember(c.UserContext(), currentUser(c), t, in); err != nil {
		return err
	}
	out, err := h.teamJSON(c, t)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// APIRemoveTeamMember removes a user from the team.
func (h *Handler) APIRemoveTeamMember(c *fiber.Ctx) error {
	if err := h.people.RemoveMember(c.UserContext(), currentUser(c), currentTeam(c), c.Params("username")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
