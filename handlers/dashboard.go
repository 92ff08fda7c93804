package handlers

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
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

// dashboardLimit is how many waiting items each dashboard section shows.
const dashboardLimit = 10

// fillWaiting adds to the dashboard what waits for the user: open requests
// to review (for reviewers, leaving out their own) and the drafts and
// versions in review of their teams, most recently updated first.
func (h *Handler) fillWaiting(c *fiber.Ctx, ms []store.Membership, d *home.Dashboard) error {
	ctx := c.UserContext()
	u := currentUser(c)
	list, err := h.life.ReviewableRequests(ctx, u, 200)
	if err != nil {
		return err
	}
	d.IsReviewer = list.Any
	d.ReviewsTotal = len(list.Requests)
	for i := range list.Requests {
		r := &list.Requests[i]
		if len(d.Reviews) < dashboardLimit {
			row := reviewRow(r)
			d.Reviews = append(d.Reviews, home.Waiting{
				Title: row.API + " " + row.Version, Link: fmt.Sprintf("/reviews/%d", r.ID),
				Detail: "requested by " + row.Requester + " · " + row.Created,
			})
		}
	}
	teamIDs := make([]int64, 0, len(ms))
	for _, m := range ms {
		teamIDs = append(teamIDs, m.Team.ID)
	}
	vs, err := h.store.VersionsInProgress(ctx, teamIDs, []string{string(lifecycle.Draft), string(lifecycle.InReview)}, dashboardLimit)
	if err != nil {
		return err
	}
	for _, v := range vs {
		st := lifecycle.State(v.State)
		d.InProgress = append(d.InProgress, home.Waiting{
			Title: v.APIName + " " + v.Version, Link: "/apis/" + v.APISlug + "/versions/" + v.Version,
			State: v.State, StateLabel: st.Label(), Detail: v.TeamName + " · updated " + fmtTime(v.UpdatedAt),
		})
	}
	return nil
}
