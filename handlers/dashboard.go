package handlers

import (
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/views/components"
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
	if err := h.fillTraffic(c, ms, &d); err != nil {
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
				Detail: "requested by " + store.Isolate(row.Requester) + " · " + row.Created,
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
			State: v.State, StateLabel: st.Label(), Detail: store.Isolate(v.TeamName) + " · updated " + fmtTime(v.UpdatedAt),
		})
	}
	return nil
}

// dashboardAPIs bounds the sparklines of the dashboard.
const dashboardAPIs = 20

// fillTraffic adds a sparkline of the last 24 hours per API of the user's
// teams where they see the usage (those whose subscribers they read), at
// most dashboardAPIs, by team then name.
func (h *Handler) fillTraffic(c *fiber.Ctx, ms []store.Membership, d *home.Dashboard) error {
	ctx := c.UserContext()
	var list []store.API
	for _, m := range ms {
		if len(list) >= dashboardAPIs || !h.can(c, policy.TeamDomain(m.Team.Slug), "subscribers", "read") {
			continue
		}
		as, err := h.store.TeamAPIs(ctx, m.Team.ID)
		if err != nil {
			return err
		}
		list = append(list, as[:min(len(as), dashboardAPIs-len(list))]...)
	}
	if len(list) == 0 {
		return nil
	}
	ids := make([]int64, len(list))
	for i, a := range list {
		ids[i] = a.ID
	}
	now := h.now().UTC()
	lines, err := h.usage.Sparklines(ctx, currentUser(c), ids, now.Add(-24*time.Hour), now, time.Hour)
	if err != nil {
		return err
	}
	for _, a := range list {
		line := lines[a.ID]
		if line == nil {
			line = make([]int64, 25)
		}
		var total int64
		for _, n := range line {
			total += n
		}
		d.Traffic = append(d.Traffic, home.APITraffic{Slug: a.Slug, Name: a.Name, Requests: strconv.FormatInt(total, 10),
			Line: components.NewSparkline(fmt.Sprintf("%s: %d requests in the last 24 hours", a.Name, total), line)})
	}
	return nil
}
