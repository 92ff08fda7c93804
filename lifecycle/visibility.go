package lifecycle

import (
	"context"
	"fmt"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
)

// Who sees what. The pages, the JSON API and the MCP server all ask these
// functions, so that the rule lives in one place:
//
//   - a public API is seen by every user; a team-only API only by those who
//     may read its team's APIs ("api read" in the team's domain: the team's
//     members, org approvers and admins);
//   - of an API they see, those who may not read its team's APIs see the
//     versions past review (published, deprecated, retired): drafts and
//     versions in review are the team's work in progress.
//
// What is hidden is answered exactly like what does not exist
// (store.ErrNotFound), so that its existence stays private.

// VersionIsPublic reports whether v may be seen by those who see its API
// without being able to read the team's APIs.
func VersionIsPublic(v *store.APIVersion) bool {
	switch State(v.State) {
	case Draft, InReview:
		return false
	}
	return true
}

// ReadsTeamAPIs reports whether u may read every API and version of a's
// team, team-only ones and work in progress included.
func (s *Service) ReadsTeamAPIs(ctx context.Context, u *store.User, a *store.API) (bool, error) {
	if u == nil || a.Team == nil {
		return false, nil
	}
	return s.auth.Allowed(ctx, u.ID, policy.TeamDomain(a.Team.Slug), "api", "read")
}

// CanSeeAPI reports whether u sees a at all.
func (s *Service) CanSeeAPI(ctx context.Context, u *store.User, a *store.API) (bool, error) {
	if u == nil {
		return false, nil
	}
	if a.Visibility == store.VisibilityPublic {
		return true, nil
	}
	return s.ReadsTeamAPIs(ctx, u, a)
}

// VisibleAPI returns the API with this slug, with its team, when u sees it.
// It returns an error wrapping store.ErrNotFound when there is no such API
// or u may not see it.
func (s *Service) VisibleAPI(ctx context.Context, u *store.User, slug string) (*store.API, error) {
	a, err := s.store.APIBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	ok, err := s.CanSeeAPI(ctx, u, a)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("api %q: %w", slug, store.ErrNotFound)
	}
	return a, nil
}

// VisibleVersions returns the versions of a that u sees, newest first,
// without their specs. The caller has checked that u sees a.
func (s *Service) VisibleVersions(ctx context.Context, u *store.User, a *store.API) ([]store.APIVersion, error) {
	vs, err := s.store.Versions(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	insider, err := s.ReadsTeamAPIs(ctx, u, a)
	if err != nil || insider {
		return vs, err
	}
	out := vs[:0]
	for _, v := range vs {
		if VersionIsPublic(&v) {
			out = append(out, v)
		}
	}
	return out, nil
}

// VisibleVersion returns one version of a, with its spec, when u sees it.
// It returns an error wrapping store.ErrNotFound when a has no such version
// or u may not see it. The caller has checked that u sees a.
func (s *Service) VisibleVersion(ctx context.Context, u *store.User, a *store.API, version string) (*store.APIVersion, error) {
	v, err := s.store.Version(ctx, a.ID, version)
	if err != nil {
		return nil, err
	}
	if ok, err := s.CanSeeVersion(ctx, u, a, v); err != nil || !ok {
		if err == nil {
			err = fmt.Errorf("version %s of %q: %w", version, a.Slug, store.ErrNotFound)
		}
		return nil, err
	}
	return v, nil
}

// CanSeeVersion reports whether u sees v of a. The caller has checked that
// u sees a.
func (s *Service) CanSeeVersion(ctx context.Context, u *store.User, a *store.API, v *store.APIVersion) (bool, error) {
	if VersionIsPublic(v) {
		return true, nil
	}
	return s.ReadsTeamAPIs(ctx, u, a)
}

// Readable says whose team-only APIs u may read, with the permission
// ReadsTeamAPIs checks: every team's (org approvers and admins), or those of
// the listed teams (their members). The catalog search filters by it, so it
// finds exactly the APIs whose pages open.
func (s *Service) Readable(ctx context.Context, u *store.User) (policy.Scope, error) {
	if u == nil {
		return policy.Scope{}, nil
	}
	return s.auth.Teams(ctx, u.ID, "api", "read")
}
