package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// API is a team's API: its catalog entry, independent of versions.
type API struct {
	bun.BaseModel `bun:"table:apis,alias:a"`

	ID     int64  `bun:"id,pk,autoincrement"`
	TeamID int64  `bun:"team_id"`
	Slug   string `bun:"slug"`
	Name   string `bun:"name"`
	// SortKey is SortKey(Name), set by CreateAPI and UpdateAPI: what a
	// team's APIs are ordered by.
	SortKey     string     `bun:"sort_key"`
	Summary     string     `bun:"summary"`
	Description string     `bun:"description"` // Markdown, sanitised when rendered
	Tags        StringList `bun:"tags,type:text"`
	Visibility  string     `bun:"visibility"` // "public" or "team"
	Upstreams   StringList `bun:"upstreams,type:text"`
	LockVersion int64      `bun:"lock_version"`
	CreatedAt   time.Time  `bun:"created_at"`
	UpdatedAt   time.Time  `bun:"updated_at"`

	Team *Team `bun:"rel:belongs-to,join:team_id=id"`
}

// Visibility values.
const (
	VisibilityPublic = "public"
	VisibilityTeam   = "team"
)

// CreateAPI inserts a, created at at. It returns ErrConflict when the slug
// is taken.
func (s *Store) CreateAPI(ctx context.Context, db bun.IDB, a *API, at time.Time) error {
	if err := s.liveTeam(ctx, db, a.TeamID); err != nil {
		return fmt.Errorf("create api %q: %w", a.Slug, err)
	}
	now := Stored(at)
	a.CreatedAt, a.UpdatedAt, a.LockVersion = now, now, 1
	a.SortKey = SortKey(a.Name)
	if _, err := db.NewInsert().Model(a).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("create api %q: %w", a.Slug, translate(err))
	}
	return nil
}

// UpdateAPI saves the editable fields of a if nobody changed it since it was
// read (a.LockVersion), updated at at; otherwise it returns ErrConflict.
func (s *Store) UpdateAPI(ctx context.Context, db bun.IDB, a *API, at time.Time) error {
	a.UpdatedAt = Stored(at)
	a.SortKey = SortKey(a.Name)
	res, err := db.NewUpdate().Model(a).
		Column("name", "sort_key", "summary", "description", "tags", "visibility", "upstreams", "updated_at").
		Set("lock_version = lock_version + 1").
		Where("id = ? AND lock_version = ?", a.ID, a.LockVersion).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("update api %q: %w", a.Slug, translate(err))
	}
	if oneRow(res) != nil {
		return fmt.Errorf("update api %q: changed by someone else: %w", a.Slug, ErrConflict)
	}
	a.LockVersion++
	return nil
}

// MoveAPI gives a to the team teamID at at, if it is still in a.TeamID:
// otherwise (moved meanwhile) it returns ErrConflict. The API's
// subscriptions move with it: their providing team is the API's, so the
// new team's maintainers decide them and see their subscribers, and a
// decision taken on one read before the move is refused. Usage
// already recorded stays filed under the team that provided it then.
func (s *Store) MoveAPI(ctx context.Context, db bun.IDB, a *API, teamID int64, at time.Time) error {
	if err := s.liveTeam(ctx, db, teamID); err != nil {
		return fmt.Errorf("move api %q: %w", a.Slug, err)
	}
	now := Stored(at)
	res, err := db.NewUpdate().Model((*API)(nil)).
		Set("team_id = ?", teamID).
		Set("updated_at = ?", now).
		Set("lock_version = lock_version + 1").
		Where("id = ? AND team_id = ?", a.ID, a.TeamID).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("move api %q: %w", a.Slug, translate(err))
	}
	if oneRow(res) != nil {
		return fmt.Errorf("move api %q: moved by someone else: %w", a.Slug, ErrConflict)
	}
	// Their lock versions move too: a decision taken on a subscription
	// read before the move (allowed by the team the API left) is refused
	// as changed meanwhile (TransitionSubscription).
	if _, err := db.NewUpdate().Table("subscriptions").Set("provider_team_id = ?", teamID).Set("lock_version = lock_version + 1").
		Where("api_id = ?", a.ID).Exec(ctx); err != nil {
		return fmt.Errorf("move api %q: subscriptions: %w", a.Slug, translate(err))
	}
	a.TeamID, a.UpdatedAt = teamID, now
	a.LockVersion++
	return nil
}

// LockAPI holds an API's row until tx ends, so that changes of the API made
// under it happen one after the other: the second reads what the first
// wrote. On PostgreSQL the row is locked FOR UPDATE; on SQLite the
// transaction holds the database's write lock from its start
// (_txlock=immediate).
func (s *Store) LockAPI(ctx context.Context, db bun.IDB, id int64) error {
	if s.dialect != PostgreSQL {
		return nil
	}
	var locked int64
	if err := db.NewSelect().Model((*API)(nil)).Column("id").Where("id = ?", id).For("UPDATE").Scan(ctx, &locked); err != nil {
		return fmt.Errorf("lock api: %w", translate(err))
	}
	return nil
}

// LockAPIInTeam locks the row of API a until db's transaction ends
// (PostgreSQL; SQLite writes one transaction at a time) if a is still in
// the team a.TeamID: otherwise (moved to another team meanwhile, MoveAPI)
// it returns ErrConflict, so that a change allowed by the team the API
// left, on a copy read before the move, is refused. Called first in its
// transaction, it orders the change with a move and with other changes of
// the API.
func (s *Store) LockAPIInTeam(ctx context.Context, db bun.IDB, a *API) error {
	q := db.NewSelect().Model((*API)(nil)).Column("id").Where("id = ? AND team_id = ?", a.ID, a.TeamID)
	if s.dialect == PostgreSQL {
		q = q.For("UPDATE")
	}
	var locked int64
	if err := q.Scan(ctx, &locked); errors.Is(translate(err), ErrNotFound) {
		return fmt.Errorf("lock api %q: moved to another team meanwhile: %w", a.Slug, ErrConflict)
	} else if err != nil {
		return fmt.Errorf("lock api %q: %w", a.Slug, translate(err))
	}
	return nil
}

// TouchAPI sets the update time of API a to at, the instant of the
// version's change that touches it, if a is still in the team a.TeamID:
// otherwise (moved to another team meanwhile, MoveAPI) it returns
// ErrConflict, so that a change allowed by the team the API left, on a
// copy read before the move, is refused. The API's row is locked until
// db's transaction ends (PostgreSQL; SQLite writes one transaction at a
// time), so a move waits for the change, or the change sees the move.
func (s *Store) TouchAPI(ctx context.Context, db bun.IDB, a *API, at time.Time) error {
	res, err := db.NewUpdate().Model((*API)(nil)).Set("updated_at = ?", Stored(at)).Where("id = ? AND team_id = ?", a.ID, a.TeamID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("touch api: %w", translate(err))
	}
	if oneRow(res) != nil {
		return fmt.Errorf("touch api %q: moved to another team meanwhile: %w", a.Slug, ErrConflict)
	}
	return nil
}

// APIBySlug returns the API with slug and its team.
func (s *Store) APIBySlug(ctx context.Context, slug string) (*API, error) {
	if !findable(slug) {
		return nil, fmt.Errorf("api %q: %w", slug, ErrNotFound)
	}
	// On every request to an API's pages (the authorization asks it):
	// through a prepared statement.
	as, err := readHot(ctx, s, apiBySlugQuery, func(a *API) []any {
		a.Team = new(Team)
		return append(apiFields(a), teamFields(a.Team)...)
	}, slug)
	if err != nil {
		return nil, fmt.Errorf("api %q: %w", slug, translate(err))
	}
	if len(as) == 0 {
		return nil, fmt.Errorf("api %q: %w", slug, translate(sql.ErrNoRows))
	}
	return &as[0], nil
}

// APIByID returns the API with id and its team.
func (s *Store) APIByID(ctx context.Context, id int64) (*API, error) {
	a := new(API)
	if err := s.db.NewSelect().Model(a).Relation("Team").Where("a.id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("api %d: %w", id, translate(err))
	}
	return a, nil
}

// TeamAPIs returns the APIs of a team ordered by name (SortKey).
func (s *Store) TeamAPIs(ctx context.Context, teamID int64) ([]API, error) {
	var apis []API
	if err := s.db.NewSelect().Model(&apis).Relation("Team").Where("a.team_id = ?", teamID).Order("a.sort_key", "a.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("team apis: %w", translate(err))
	}
	return apis, nil
}

// TeamAPIPage returns limit of a team's APIs in name order after the first
// offset, and the number of them. With hiddenStates, it keeps the public
// APIs with a version in another state (those listed outside the team, as
// lifecycle.APIIsListed says, when hiddenStates are the unpublished states).
func (s *Store) TeamAPIPage(ctx context.Context, teamID int64, hiddenStates []string, offset, limit int) ([]API, int, error) {
	var apis []API
	q := s.db.NewSelect().Model(&apis).Relation("Team").Where("a.team_id = ?", teamID)
	if len(hiddenStates) > 0 {
		q = q.Where("a.visibility = ?", VisibilityPublic).
			Where("EXISTS (SELECT 1 FROM api_versions AS lv WHERE lv.api_id = a.id AND lv.state NOT IN (?))", bun.List(hiddenStates))
	}
	n, err := scanAndCount(ctx, q.Order("a.sort_key", "a.id").Offset(int64(offset)).Limit(int64(limit)))
	if err != nil {
		return nil, 0, fmt.Errorf("team apis: %w", translate(err))
	}
	return apis, n, nil
}

// APIIDs returns the ids of every API after afterID, in id order, at most
// limit of them: for walking the whole catalog in batches.
func (s *Store) APIIDs(ctx context.Context, afterID int64, limit int) ([]int64, error) {
	var ids []int64
	if err := s.db.NewSelect().Model((*API)(nil)).Column("id").Where("id > ?", afterID).Order("id").Limit(int64(limit)).Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("api ids: %w", translate(err))
	}
	return ids, nil
}

// CountAPIs returns the number of APIs.
func (s *Store) CountAPIs(ctx context.Context) (int, error) {
	n, err := s.db.NewSelect().Model((*API)(nil)).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("count apis: %w", translate(err))
	}
	return int(n), nil
}
