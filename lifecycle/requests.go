package lifecycle

import (
	"context"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
)

// Decisions says what a user may do with an open publication request. The
// review page shows the forms it allows, and Approve and Withdraw apply the
// same answer, so the page never offers what the action refuses.
type Decisions struct {
	// Review: approve or reject. A reviewer of the API's team (its team
	// reviewers, org approvers and admins) who is not the requester, or
	// who may override the four-eyes rule.
	Review bool
	// Override: approve their own request, recorded as an override (org admins).
	Override bool
	// Withdraw: take the request back; its requester, or someone allowed
	// to withdraw others' requests (org admins), with the submit permission.
	Withdraw bool
}

// Decisions answers what u may do with r. r must carry its API with its
// team, as store.Request returns it.
func (s *Service) Decisions(ctx context.Context, u *store.User, r *store.PublicationRequest) (Decisions, error) {
	team := ""
	if r.API != nil && r.API.Team != nil {
		team = r.API.Team.Slug
	} else {
		a, err := s.store.APIByID(ctx, r.APIID)
		if err != nil {
			return Decisions{}, err
		}
		team = a.Team.Slug
	}
	return s.decisions(ctx, u, team, r)
}

// decisions holds the four-eyes rule: nobody decides their own request,
// except with the "reviews override" permission (org admins).
func (s *Service) decisions(ctx context.Context, u *store.User, team string, r *store.PublicationRequest) (Decisions, error) {
	if u == nil {
		return Decisions{}, nil
	}
	domain := policy.TeamDomain(team)
	allowed := func(obj, act string) (bool, error) { return s.auth.Allowed(ctx, u.ID, domain, obj, act) }
	var d Decisions
	requester := r.RequesterID == u.ID
	review, err := allowed("api", Permission(Approve))
	if err != nil {
		return Decisions{}, err
	}
	if review && requester {
		if d.Override, err = allowed("reviews", "override"); err != nil {
			return Decisions{}, err
		}
	}
	d.Review = review && (!requester || d.Override)
	if d.Withdraw, err = allowed("api", Permission(Withdraw)); err != nil {
		return Decisions{}, err
	}
	if d.Withdraw && !requester {
		if d.Withdraw, err = allowed("reviews", "withdraw"); err != nil {
			return Decisions{}, err
		}
	}
	return d, nil
}

// RequestList is a listing of publication requests and how far the
// viewer's permission reaches.
type RequestList struct {
	Requests []store.PublicationRequest
	// AllTeams is set when the permission holds in every team.
	AllTeams bool
	// Any is set when it holds in at least one team.
	Any bool
	// Total counts the requests the filter matches, without its offset and
	// limit (VisibleRequestsPage only).
	Total int
}

// VisibleRequestsPage lists the requests u may open (as VisibleRequests)
// that f selects, one page of them (f.Offset, f.Limit), with their Total.
// f.Teams is set from u's permission.
func (s *Service) VisibleRequestsPage(ctx context.Context, u *store.User, f store.RequestFilter) (RequestList, error) {
	return s.listRequests(ctx, u, "read", f, true)
}

func (s *Service) listRequests(ctx context.Context, u *store.User, act string, f store.RequestFilter, count bool) (RequestList, error) {
	if u == nil {
		return RequestList{}, nil
	}
	scope, err := s.auth.Teams(ctx, u.ID, "api", act)
	if err != nil {
		return RequestList{}, err
	}
	out := RequestList{AllTeams: scope.All, Any: !scope.None()}
	if scope.None() {
		return out, nil
	}
	f.Teams = nil
	if !scope.All {
		f.Teams = scope.Teams
	}
	if count {
		out.Requests, out.Total, err = s.store.RequestsPage(ctx, f)
		return out, err
	}
	out.Requests, err = s.store.Requests(ctx, f)
	return out, err
}

// VisibleRequests lists, newest first and in one query, the publication
// requests u may open: those of the teams whose APIs u may read (every
// team for org approvers and admins, their own teams for members, which
// includes every request a team reviewer reviews). state "" lists every state.
func (s *Service) VisibleRequests(ctx context.Context, u *store.User, state string, limit int) (RequestList, error) {
	return s.listRequests(ctx, u, "read", store.RequestFilter{State: state, Limit: limit}, false)
}

// ReviewableRequests lists, newest first and in one query, the open
// requests waiting for u's review: those of the teams where u reviews
// (every team for org approvers and admins), except u's own. Any says
// whether u reviews at all.
func (s *Service) ReviewableRequests(ctx context.Context, u *store.User, limit int) (RequestList, error) {
	f := store.RequestFilter{State: store.RequestOpen, Limit: limit}
	if u != nil {
		f.NotRequester = u.ID
	}
	return s.listRequests(ctx, u, Permission(Approve), f, false)
}
