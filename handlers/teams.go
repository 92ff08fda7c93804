package handlers

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/people"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/views/components"
	"github.com/portico-dev/portico/views/pages/teams"
)

func teamRoleOptions() []components.Option {
	var out []components.Option
	for _, r := range policy.TeamRoles() {
		out = append(out, components.Option{Value: r, Label: r})
	}
	return out
}

// ListTeams renders the team directory.
func (h *Handler) ListTeams(c *fiber.Ctx) error {
	list, err := h.store.ListTeams(c.UserContext())
	if err != nil {
		return err
	}
	rows := make([]teams.Row, 0, len(list))
	for _, t := range list {
		rows = append(rows, teams.Row{Slug: t.Slug, Name: t.Name, Description: t.Description, Members: t.Members})
	}
	canCreate := h.can(c, policy.OrgDomain, "teams", "create")
	return h.render(c, teams.List(h.page(c, "Teams", "teams"), rows, canCreate))
}

// NewTeam renders the form to create a team.
func (h *Handler) NewTeam(c *fiber.Ctx) error {
	return h.render(c, teams.New(h.page(c, "New team", "teams"), teams.Form{}))
}

// CreateTeam creates a team.
func (h *Handler) CreateTeam(c *fiber.Ctx) error {
	in := people.TeamInput{Slug: c.FormValue("slug"), Name: c.FormValue("name"), Description: c.FormValue("description")}
	var t *store.Team
	err := h.once(c, "a team", "", func(ctx context.Context) (string, error) {
		var err error
		if t, err = h.people.CreateTeam(ctx, currentUser(c), in); err != nil {
			return "", err
		}
		return "/teams/" + t.Slug, nil
	})
	if fields, ok := fieldErrors(err); ok {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.render(c, teams.New(h.page(c, "New team", "teams"), teams.Form{Slug: in.Slug, Name: in.Name, Description: in.Description, Errors: fields}))
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", "Team "+store.Isolate(t.Name)+" created. Add its members below.")
	return seeOther(c, "/teams/"+t.Slug)
}

// ShowTeam renders a team with its members.
func (h *Handler) ShowTeam(c *fiber.Ctx) error {
	return h.renderTeam(c, teams.MemberForm{Role: policy.RoleDeveloper})
}

func (h *Handler) renderTeam(c *fiber.Ctx, add teams.MemberForm) error {
	return h.renderTeamChange(c, add, teams.MemberForm{})
}

// renderTeamChange renders the team page with the add-member form add and
// the refused change of a member change (zero: none).
func (h *Handler) renderTeamChange(c *fiber.Ctx, add, change teams.MemberForm) error {
	t := currentTeam(c)
	return h.renderTeamPage(c, add, change, teams.Form{Slug: t.Slug, Name: t.Name, Description: t.Description})
}

// renderTeamPage renders the team page with the add-member form add, the
// refused change of a member change (zero: none) and the team's edit form
// edit (its errors open it).
func (h *Handler) renderTeamPage(c *fiber.Ctx, add, change teams.MemberForm, edit teams.Form) error {
	t := currentTeam(c)
	page, err := listPage(c)
	if err != nil {
		return err
	}
	members, err := h.store.TeamMembers(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	d := teams.Detail{
		Slug: t.Slug, Name: t.Name, Description: t.Description,
		CanManage: h.can(c, policy.TeamDomain(t.Slug), "members", "manage"),
		Roles:     teamRoleOptions(),
		Add:       add,
		Change:    change,
		Edit:      edit,
		CanEdit:   h.can(c, policy.TeamDomain(t.Slug), "team", "manage"),
		CanDelete: h.can(c, policy.OrgDomain, "teams", "delete"),
	}
	for _, m := range members {
		d.Members = append(d.Members, teams.Member{Username: m.User.Username, DisplayName: m.User.DisplayName, Role: m.Role, Reviewer: m.Reviewer, Disabled: m.User.Disabled})
	}
	if len(change.Errors) > 0 && change.Errors["username"] == "" && !slices.ContainsFunc(d.Members, func(m teams.Member) bool { return m.Username == change.Username }) {
		// No row to show the error in: it goes above the members table.
		d.Change.Errors = components.FieldErrors{"username": firstMessage(change.Errors)}
	}
	if d.APIs, d.APITotal, err = h.teamAPIRows(c, t, page); err != nil {
		return err
	}
	var done bool
	if d.APIPager, done, err = pagedList(c, "/teams/"+t.Slug, url.Values{}, page, teamAPIsPerPage, d.APITotal); done {
		return err
	}
	d.CanCreateAPI = h.can(c, policy.TeamDomain(t.Slug), "api", "create")
	return h.render(c, teams.Show(h.page(c, store.Isolate(t.Name), "teams"), d))
}

// UpdateTeam saves the team's name and description
// (people.Service.UpdateTeam); the slug stays.
func (h *Handler) UpdateTeam(c *fiber.Ctx) error {
	t := currentTeam(c)
	in := people.TeamEdit{Name: c.FormValue("name"), Description: c.FormValue("description")}
	err := h.people.UpdateTeam(c.UserContext(), currentUser(c), t, in)
	if fields, ok := fieldErrors(err); ok {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderTeamPage(c, teams.MemberForm{Role: policy.RoleDeveloper}, teams.MemberForm{},
			teams.Form{Slug: t.Slug, Name: in.Name, Description: in.Description, Errors: fields})
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", "Saved "+store.Isolate(t.Name)+".")
	return seeOther(c, "/teams/"+t.Slug)
}

// DeleteTeam removes the team (people.Service.DeleteTeam); a team that
// still owns APIs or apps is kept, and the page says which.
func (h *Handler) DeleteTeam(c *fiber.Ctx) error {
	t := currentTeam(c)
	err := h.people.DeleteTeam(c.UserContext(), currentUser(c), t)
	if msg, ok := refusal(err); ok {
		h.flash(c, "error", msg)
		return seeOther(c, "/teams/"+t.Slug)
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", "Removed the team "+store.Isolate(t.Name)+".")
	return seeOther(c, "/teams")
}

// APIDeleteTeam removes the team: 204, or 409 naming what it still owns.
func (h *Handler) APIDeleteTeam(c *fiber.Ctx) error {
	if err := h.people.DeleteTeam(c.UserContext(), currentUser(c), currentTeam(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// AddTeamMember adds a user to the team with a role.
func (h *Handler) AddTeamMember(c *fiber.Ctx) error {
	t := currentTeam(c)
	username, role := c.FormValue("username"), c.FormValue("role")
	err := h.once(c, "a team membership", "", func(ctx context.Context) (string, error) {
		_, err := h.people.SetMember(ctx, currentUser(c), t, people.MemberInput{Username: username, Role: role})
		return "/teams/" + t.Slug, err
	})
	if fields, ok := fieldErrors(err); ok {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderTeam(c, teams.MemberForm{Username: username, Role: role, Errors: fields})
	}
	if msg, ok := refusal(err); ok {
		h.flash(c, "error", msg)
		return seeOther(c, "/teams/"+t.Slug)
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", store.Isolate(people.NormalizeUsername(username))+" is now "+strings.TrimSpace(role)+" of "+store.Isolate(t.Name)+".")
	return seeOther(c, "/teams/"+t.Slug)
}

// ChangeTeamMember changes a member's role; it adds nobody.
func (h *Handler) ChangeTeamMember(c *fiber.Ctx) error {
	t := currentTeam(c)
	username := c.Params("username")
	err := h.people.ChangeMemberRole(c.UserContext(), currentUser(c), t, username, c.FormValue("role"))
	if fields, ok := fieldErrors(err); ok {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderTeamChange(c, teams.MemberForm{Role: policy.RoleDeveloper}, teams.MemberForm{Username: username, Role: c.FormValue("role"), Errors: fields})
	}
	if msg, ok := refusal(err); ok {
		h.flash(c, "error", msg)
		return seeOther(c, "/teams/"+t.Slug)
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", "Changed the role of "+store.Isolate(username)+".")
	return seeOther(c, "/teams/"+t.Slug)
}

// RemoveTeamMember removes a member from the team.
func (h *Handler) RemoveTeamMember(c *fiber.Ctx) error {
	t := currentTeam(c)
	username := c.Params("username")
	err := h.people.RemoveMember(c.UserContext(), currentUser(c), t, username)
	if msg, ok := refusal(err); ok {
		h.flash(c, "error", msg)
		return seeOther(c, "/teams/"+t.Slug)
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", "Removed "+store.Isolate(username)+" from "+store.Isolate(t.Name)+".")
	return seeOther(c, "/teams/"+t.Slug)
}

// SetTeamMemberReviewer sets (reviewer=true) or clears (reviewer=false) a
// member's team reviewer flag.
func (h *Handler) SetTeamMemberReviewer(c *fiber.Ctx) error {
	t := currentTeam(c)
	username := c.Params("username")
	back := "/teams/" + t.Slug
	var reviewer bool
	switch c.FormValue("reviewer") {
	case "true":
		reviewer = true
	case "false":
	default:
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderTeamChange(c, teams.MemberForm{Role: policy.RoleDeveloper}, teams.MemberForm{Username: username,
			Errors: components.FieldErrors{"reviewer": "Choose whether " + store.Echo(username, store.MaxEcho) + " reviews the team's publication requests."}})
	}
	err := h.people.SetReviewer(c.UserContext(), currentUser(c), t, username, reviewer)
	if msg, ok := refusal(err); ok {
		h.flash(c, "error", msg)
		return seeOther(c, back)
	}
	if err != nil {
		return err
	}
	if reviewer {
		h.flash(c, "success", store.Isolate(username)+" now reviews the publication requests of "+store.Isolate(t.Name)+".")
	} else {
		h.flash(c, "success", store.Isolate(username)+" no longer reviews the publication requests of "+store.Isolate(t.Name)+".")
	}
	return seeOther(c, back)
}

func firstMessage(fields map[string]string) string {
	for _, k := range sortedKeys(fields) {
		return fields[k]
	}
	return ""
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
	// Disabled: the member's account is disabled; they keep the role but
	// act for the team no more.
	Disabled bool `json:"disabled"`
}

func (h *Handler) teamJSON(c *fiber.Ctx, t *store.Team) (apiTeam, error) {
	members, err := h.store.TeamMembers(c.UserContext(), t.ID)
	if err != nil {
		return apiTeam{}, err
	}
	out := apiTeam{Slug: t.Slug, Name: t.Name, Description: t.Description, CreatedAt: t.CreatedAt, Members: []apiTeamMember{}}
	for _, m := range members {
		out.Members = append(out.Members, apiTeamMember{Username: m.User.Username, Role: m.Role, Reviewer: m.Reviewer, Disabled: m.User.Disabled})
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

// APIUpdateTeam changes the team's name and description, those present
// in the body (people.Service.UpdateTeam), and answers the team.
func (h *Handler) APIUpdateTeam(c *fiber.Ctx) error {
	var body struct {
		Name        *string `json:"name"`
		Description *string `json:"description"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	t := currentTeam(c)
	in := people.TeamEdit{Name: t.Name, Description: t.Description}
	if body.Name != nil {
		in.Name = *body.Name
	}
	if body.Description != nil {
		in.Description = *body.Description
	}
	if err := h.people.UpdateTeam(c.UserContext(), currentUser(c), t, in); err != nil {
		return err
	}
	out, err := h.teamJSON(c, t)
	if err != nil {
		return err
	}
	return c.JSON(out)
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
// starts without it). It answers the team, 201 when the user was added.
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
	created, err := h.people.SetMember(c.UserContext(), currentUser(c), t, in)
	if err != nil {
		return err
	}
	out, err := h.teamJSON(c, t)
	if err != nil {
		return err
	}
	if created {
		c.Status(fiber.StatusCreated)
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
