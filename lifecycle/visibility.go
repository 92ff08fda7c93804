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
//   - a public API with a version past review is seen by every user; a
//     team-only API, and a public one with only drafts and versions in
//     review, only by those who may read its team's APIs ("api read" in the
//     team's domain: the team's members, org approvers and admins);
//   - a publication request is seen by those who may read its team's APIs;
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

// APIIsListed reports whether a, with its versions vs, is seen by users
// who may not read its team's APIs: it is public and has a version past
// review. A public API with only drafts is its team's work in progress.
func APIIsListed(a *store.API, vs []store.APIVersion) bool {
	if a.Visibility != store.VisibilityPublic {
		return false
	}
	for i := range vs {
		if VersionIsPublic(&vs[i]) {
			return true
		}
	}
	return false
}

// CanSeeAPI reports whether u sees a at all.
func (s *Service) CanSeeAPI(ctx context.Context, u *store.User, a *store.API) (bool, error) {
	if u == nil {
		return false, nil
	}
	if a.Visibility == store.VisibilityPublic {
		vs, err := s.store.Versions(ctx, a.ID)
		if err != nil {
			return false, err
		}
		if APIIsListed(a, vs) {
			return true, nil
		}
	}
	return s.ReadsTeamAPIs(ctx, u, a)
}

// CanSeeRequest reports whether u may open publication request r (with its
// API and team): those who may read its team's APIs, as VisibleRequests
// lists them. Anyone else is answered as if it did not exist.
func (s *Service) CanSeeRequest(ctx context.Context, u *store.User, r *store.PublicationRequest) (bool, error) {
	if r.API == nil {
		return false, nil
	}
	return s.ReadsTeamAPIs(ctx, u, r.API)
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
	return s.visibleVersion(ctx, u, a, version, s.store.Version)
}

// VisibleVersionMeta is VisibleVersion without the spec: for pages that
// show a version's documentation from a cache and read the spec only when
// the cache misses.
func (s *Service) VisibleVersionMeta(ctx context.Context, u *store.User, a *store.API, version string) (*store.APIVersion, error) {
	return s.visibleVersion(ctx, u, a, version, s.store.VersionMetaByName)
}

// visibleVersion reads a version of a with read and returns it when u sees
// it, else an error wrapping store.ErrNotFound.
func (s *Service) visibleVersion(ctx context.Context, u *store.User, a *store.API, version string,
	read func(ctx context.Context, apiID int64, version string) (*store.APIVersion, error)) (*store.APIVersion, error) {
	v, err := read(ctx, a.ID, version)
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
