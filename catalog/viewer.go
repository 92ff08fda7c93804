package catalog

import (
	"context"

	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/search"
	"github.com/portico-dev/portico/store"
)

// MaxQueryLength is the longest search text, in characters.
const MaxQueryLength = 200

// ViewerOf returns who u is to the search index: an org admin sees every
// API; anybody else the public ones and the team-only ones of their own
// teams. The catalog page, the search API and the MCP server all search as
// this viewer, so that they find the same APIs.
func ViewerOf(ctx context.Context, s *store.Store, u *store.User) (search.Viewer, error) {
	if u.OrgRole == policy.RoleAdmin {
		return search.Viewer{All: true}, nil
	}
	ms, err := s.Memberships(ctx, u.ID)
	if err != nil {
		return search.Viewer{}, err
	}
	v := search.Viewer{Teams: make([]string, 0, len(ms))}
	for _, m := range ms {
		v.Teams = append(v.Teams, m.Team.Slug)
	}
	return v, nil
}

// Search runs q over index as viewer, the way the catalog searches: without
// a state filter, retired APIs are left out (DefaultStates).
func Search(ctx context.Context, index search.Index, viewer search.Viewer, q search.Query) (search.Result, error) {
	q.Viewer = viewer
	if len(q.States) == 0 {
		q.States = DefaultStates()
	}
	return index.Search(ctx, q)
}
