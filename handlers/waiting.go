package handlers

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/views/pages/home"
)

// dashboardLimit is how many waiting items each dashboard section shows.
const dashboardLimit = 10

// fillWaiting adds to the dashboard what waits for the user: open requests
// to review (for reviewers, leaving out their own) and the drafts and
// versions in review of their teams.
func (h *Handler) fillWaiting(c *fiber.Ctx, ms []store.Membership, d *home.Dashboard) error {
	ctx := c.UserContext()
	u := currentUser(c)
	rs, isReviewer, err := h.reviewable(c, ms)
	if err != nil {
		return err
	}
	d.IsReviewer = isReviewer
	for i := range rs {
		r := &rs[i]
		if r.RequesterID == u.ID {
			continue
		}
		d.ReviewsTotal++
		if len(d.Reviews) < dashboardLimit {
			row := reviewRow(r)
			d.Reviews = append(d.Reviews, home.Waiting{
				Title: row.API + " " + row.Version, Link: fmt.Sprintf("/reviews/%d", r.ID),
				Detail: "requested by " + row.Requester + " · " + row.Created,
			})
		}
	}
	for _, m := range ms {
		list, err := h.store.TeamAPIs(ctx, m.Team.ID)
		if err != nil {
			return err
		}
		ids := make([]int64, 0, len(list))
		for _, a := range list {
			ids = append(ids, a.ID)
		}
		versions, err := h.store.VersionsOf(ctx, ids)
		if err != nil {
			return err
		}
		for _, a := range list {
			for _, v := range versions[a.ID] {
				st := lifecycle.State(v.State)
				if st != lifecycle.Draft && st != lifecycle.InReview {
					continue
				}
				if len(d.InProgress) >= dashboardLimit {
					return nil
				}
				d.InProgress = append(d.InProgress, home.Waiting{
					Title: a.Name + " " + v.Version, Link: "/apis/" + a.Slug + "/versions/" + v.Version,
					State: v.State, StateLabel: st.Label(), Detail: m.Team.Name + " · updated " + fmtTime(v.UpdatedAt),
				})
			}
		}
	}
	return nil
}

// reviewable returns the open publication requests the user may review,
// newest first, and whether the user reviews at all: every team's for org
// reviewers (approvers and admins), else those of the teams (among ms) where
// the user is a team reviewer. An API belongs to one team, so no request is
// listed twice.
func (h *Handler) reviewable(c *fiber.Ctx, ms []store.Membership) ([]store.PublicationRequest, bool, error) {
	ctx := c.UserContext()
	if h.can(c, policy.OrgDomain, "reviews", "read") {
		rs, err := h.store.Requests(ctx, store.RequestFilter{State: store.RequestOpen, Limit: 200})
		return rs, true, err
	}
	var out []store.PublicationRequest
	isReviewer := false
	for _, m := range ms {
		if !h.can(c, policy.TeamDomain(m.Team.Slug), "api", "review") {
			continue
		}
		isReviewer = true
		rs, err := h.store.Requests(ctx, store.RequestFilter{State: store.RequestOpen, TeamID: m.Team.ID, Limit: 200})
		if err != nil {
			return nil, false, err
		}
		out = append(out, rs...)
	}
	sortRequestsNewestFirst(out)
	return out, isReviewer, nil
}
