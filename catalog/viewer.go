package catalog

import (
	"context"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/search"
	"github.com/portico-dev/portico/store"
)

// ViewerOf returns who u is to the search index: the public APIs and the
// team-only ones of the teams whose APIs u may read (lifecycle's Readable:
// every team for org approvers and admins, their own teams for members),
// the same permission that opens an API's page. The catalog page, the
// search API and the MCP server all search as this viewer, so that they
// find the same APIs.
func ViewerOf(ctx context.Context, life *lifecycle.Service, u *store.User) (search.Viewer, error) {
	scope, err := life.Readable(ctx, u)
	if err != nil {
		return search.Viewer{}, err
	}
	if scope.All {
		return search.Viewer{All: true}, nil
	}
	return search.Viewer{Teams: append([]string{}, scope.Teams...)}, nil
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
