package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/views/pages/home"
)

// ShowDashboard renders the viewer's home page.
func (h *Handler) ShowDashboard(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := currentUser(c)
	ms, err := h.store.Memberships(ctx, u.ID)
	if err != nil {
		return err
	}
	d := home.Dashboard{SeesUsers: h.can(c, policy.OrgDomain, "users", "read")}
	d.CanCreateTeam = len(ms) == 0 && h.can(c, policy.OrgDomain, "teams", "create")
	for _, m := range ms {
		d.Teams = append(d.Teams, home.Team{Slug: m.Team.Slug, Name: m.Team.Name, Role: m.Role})
	}
	if d.SeesUsers {
		if d.Users, err = h.store.CountUsers(ctx); err != nil {
			return err
		}
		teams, err := h.store.ListTeams(ctx)
		if err != nil {
			return err
		}
		d.AllTeams = len(teams)
	}
	if err := h.fillWaiting(c, ms, &d); err != nil {
		return err
	}
	return h.render(c, home.Home(h.page(c, "Home", "home"), d))
}
