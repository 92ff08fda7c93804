package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/lookalike"
)

// Team is a group of people who own APIs and apps. It is the permission domain.
type Team struct {
	bun.BaseModel `bun:"table:teams"`

	ID          int64  `bun:"id,pk,autoincrement"`
	Slug        string `bun:"slug"`
	Name        string `bun:"name"`
	Description string `bun:"description"`
	// NameKey is lookalike.Key(Name), set by CreateTeam and UpdateTeam:
	// equal for two teams whose names read alike. NameKeyOf is the name it
	// was computed from: where it differs from Name (a rename by an
	// instance older than the key), the key is stale until
	// RefreshTeamNameKeys computes it again.
	NameKey   string `bun:"name_key,nullzero"`
	NameKeyOf string `bun:"name_key_of,nullzero"`
	// SortKey is SortKey(Name), set by CreateTeam and UpdateTeam: what
	// lists of teams are ordered by.
	SortKey   string    `bun:"sort_key"`
	CreatedAt time.Time `bun:"created_at"`
	UpdatedAt time.Time `bun:"updated_at"`
	// DeletedAt is when the team was removed while removed apps still
	// named it (DeleteTeam); its slug is then RemovedTeamSlug(ID). Such a
	// team is in no list and found by no slug.
	DeletedAt *time.Time `bun:"deleted_at"`
}

// RemovedTeamSlug is the slug a removed team that keeps its row takes:
// no team slug reads so (slug.Valid refuses "~"), so the old slug is
// free, and the removed team's policy domain is nobody's.
func RemovedTeamSlug(id int64) string { return fmt.Sprintf("~removed-%d", id) }

// liveTeam returns ErrNotFound unless the team teamID exists and is not
// removed, inside db's transaction, for a write that is to refer to it (an
// API or app created in it, an API moved to it, a member added). A team
// removed with removed apps keeps its row (DeleteTeam), so the foreign key
// alone does not refuse such a write. On PostgreSQL the row is locked FOR
// SHARE: a removal under way (which locks it FOR UPDATE) is waited for,
// then the row is read again as it committed.
func (s *Store) liveTeam(ctx context.Context, db bun.IDB, teamID int64) error {
	q := db.NewSelect().Model((*Team)(nil)).Column("id").Where("id = ? AND deleted_at IS NULL", teamID)
	if s.dialect == PostgreSQL {
		q = q.For("SHARE")
	}
	var id int64
	if err := q.Scan(ctx, &id); err != nil {
		return fmt.Errorf("team %d: %w", teamID, translate(err))
	}
	return nil
}

// TeamMember is a user's role in a team.
type TeamMember struct {
	bun.BaseModel `bun:"table:team_members"`

	TeamID int64  `bun:"team_id,pk"`
	UserID int64  `bun:"user_id,pk"`
	Role   string `bun:"role"`
	// Reviewer is set for members the team names to review its
	// publication requests, whatever their role.
	Reviewer  bool      `bun:"reviewer"`
	CreatedAt time.Time `bun:"created_at"`
	UpdatedAt time.Time `bun:"updated_at"`

	User *User `bun:"rel:belongs-to,join:user_id=id"`
	Team *Team `bun:"rel:belongs-to,join:team_id=id"`
}

// TeamSummary is a team with its member count.
type TeamSummary struct {
	Team
	Members int `bun:"members"`
}

// Membership is one of a user's teams with the user's role in it.
type Membership struct {
	Team Team
	Role string
}

// CreateTeam inserts t. It returns ErrConflict when the slug is taken.
func (s *Store) CreateTeam(ctx context.Context, db bun.IDB, t *Team) error {
	now := s.now()
	t.CreatedAt, t.UpdatedAt = now, now
	t.NameKey, t.NameKeyOf = lookalike.Key(t.Name), t.Name
	t.SortKey = SortKey(t.Name)
	if _, err := db.NewInsert().Model(t).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("create team %q: %w", t.Slug, translate(err))
	}
	return nil
}

// UpdateTeam saves the name and description of t, if the team still has
// the name and description read (wasName, wasDescription) and is not
// removed: otherwise it returns ErrConflict (changed meanwhile: the caller's
// "before" would not be the team's) or ErrNotFound (removed).
func (s *Store) UpdateTeam(ctx context.Context, db bun.IDB, t *Team, wasName, wasDescription string) error {
	t.UpdatedAt = s.now()
	t.NameKey, t.NameKeyOf = lookalike.Key(t.Name), t.Name
	t.SortKey = SortKey(t.Name)
	res, err := db.NewUpdate().Model(t).Column("name", "name_key", "name_key_of", "sort_key", "description", "updated_at").
		WherePK().Where("deleted_at IS NULL AND name = ? AND description = ?", wasName, wasDescription).Exec(ctx)
	if err != nil {
		return fmt.Errorf("update team %q: %w", t.Slug, translate(err))
	}
	if oneRow(res) != nil {
		if err := s.liveTeam(ctx, db, t.ID); err != nil {
			return fmt.Errorf("update team %q: %w", t.Slug, err)
		}
		return fmt.Errorf("update team %q: changed meanwhile: %w", t.Slug, ErrConflict)
	}
	// Memberships, cached with the sessions, carry the team's name.
	return s.authChanged(ctx, db)
}

// TeamBySlug returns the team with slug; a removed team is not found.
func (s *Store) TeamBySlug(ctx context.Context, slug string) (*Team, error) {
	if !findable(slug) {
		return nil, fmt.Errorf("team %q: %w", slug, ErrNotFound)
	}
	t := new(Team)
	if err := s.db.NewSelect().Model(t).Where("slug = ? AND deleted_at IS NULL", slug).Scan(ctx); err != nil {
		return nil, fmt.Errorf("team %q: %w", slug, translate(err))
	}
	return t, nil
}

// ListTeams returns every team with its member count, ordered by name
// (SortKey).
func (s *Store) ListTeams(ctx context.Context) ([]TeamSummary, error) {
	var teams []TeamSummary
	err := s.db.NewSelect().
		TableExpr("teams AS t").
		ColumnExpr("t.*").
		ColumnExpr("(SELECT COUNT(*) FROM team_members AS m WHERE m.team_id = t.id) AS members").
		Where("t.deleted_at IS NULL").
		OrderExpr("t.sort_key, t.id").
		Scan(ctx, &teams)
	if err != nil {
		return nil, fmt.Errorf("list teams: %w", translate(err))
	}
	return teams, nil
}

// TeamNames returns the display names of the teams with these slugs, by
// slug: two columns, for pages that show teams by name.
func (s *Store) TeamNames(ctx context.Context, slugs []string) (map[string]string, error) {
	out := make(map[string]string, len(slugs))
	slugs = onlyFindable(slugs)
	if len(slugs) == 0 {
		return out, nil
	}
	var rows []struct {
		Slug string `bun:"slug"`
		Name string `bun:"name"`
	}
	if err := s.db.NewSelect().Model((*Team)(nil)).Column("slug", "name").Where("slug IN (?) AND deleted_at IS NULL", bun.List(slugs)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("team names: %w", translate(err))
	}
	for _, r := range rows {
		out[r.Slug] = r.Name
	}
	return out, nil
}

// TeamHasLookalike reports whether another team's name reads like t's
// (lookalike.Key): one read of the name_key index, whatever the number of
// teams. A key an older instance left NULL, or left stale by renaming the
// team (name_key_of is not the name), is computed here from the name; a
// stale key that hides a lookalike lasts until the next maintenance pass
// (RefreshTeamNameKeys).
func (s *Store) TeamHasLookalike(ctx context.Context, t *Team) (bool, error) {
	key := lookalike.Key(t.Name)
	var rows []struct {
		Name      string `bun:"name"`
		NameKey   string `bun:"name_key,nullzero"`
		NameKeyOf string `bun:"name_key_of,nullzero"`
	}
	err := s.db.NewSelect().Model((*Team)(nil)).Column("name", "name_key", "name_key_of").
		Where("(name_key = ? OR name_key IS NULL) AND slug <> ? AND deleted_at IS NULL", key, t.Slug).
		Limit(lookalikeReadLimit).Scan(ctx, &rows)
	if err != nil {
		return false, fmt.Errorf("lookalikes of team %q: %w", t.Slug, translate(err))
	}
	for _, r := range rows {
		if r.NameKey != "" && r.NameKeyOf == r.Name {
			if r.NameKey == key {
				return true, nil
			}
			continue
		}
		if lookalike.Key(r.Name) == key {
			return true, nil
		}
	}
	return false, nil
}

// lookalikeReadLimit bounds the rows TeamHasLookalike reads: the first
// lookalike answers, and NULL keys last only until the next maintenance
// pass fills them (RefreshTeamNameKeys).
const lookalikeReadLimit = 100

// TeamNameKeysInterval is how often each portal instance runs
// RefreshTeamNameKeys: the longest a rename by an older instance leaves a
// team's lookalike label wrong.
const TeamNameKeysInterval = time.Minute

// RefreshTeamNameKeys computes again the name_key of the teams whose key is
// missing or stale: created before the column, or created or renamed by an
// instance that does not know it (during a rolling upgrade), which leaves
// name_key_of unlike the name. It returns how many keys it set. Migrate
// runs it after the migrations, and each portal instance every
// TeamNameKeysInterval; on most runs there is nothing to do. A team renamed
// meanwhile is left to the next run.
func (s *Store) RefreshTeamNameKeys(ctx context.Context) (int, error) {
	done := 0
	lastID := int64(0)
	for {
		var rows []struct {
			ID   int64  `bun:"id"`
			Name string `bun:"name"`
		}
		err := s.db.NewSelect().Model((*Team)(nil)).Column("id", "name").
			Where("name_key IS NULL OR name_key_of IS NULL OR name_key_of <> name").Where("id > ?", lastID).
			OrderExpr("id").Limit(500).Scan(ctx, &rows)
		if err != nil {
			return done, fmt.Errorf("refresh team name keys: %w", translate(err))
		}
		if len(rows) == 0 {
			return done, nil
		}
		for _, r := range rows {
			lastID = r.ID
			res, err := s.db.NewUpdate().Model((*Team)(nil)).
				Set("name_key = ?", lookalike.Key(r.Name)).Set("name_key_of = ?", r.Name).
				Where("id = ? AND name = ?", r.ID, r.Name).Exec(ctx)
			if err != nil {
				return done, fmt.Errorf("refresh team name keys: %w", translate(err))
			}
			if n, err := res.RowsAffected(); err == nil {
				done += int(n)
			}
		}
	}
}

// TeamMembers returns the members of a team with their users, ordered by
// username (byte by byte on both databases).
func (s *Store) TeamMembers(ctx context.Context, teamID int64) ([]TeamMember, error) {
	var members []TeamMember
	err := s.db.NewSelect().Model(&members).
		Relation("User").
		Where("team_member.team_id = ?", teamID).
		OrderExpr(s.bytewise(`"user".username`)).
		Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("team members: %w", translate(err))
	}
	return members, nil
}

// Memberships returns the teams of a user with the user's role, ordered by
// team name (SortKey).
// They are cached until the next change of users, roles or teams (authcache.go).
func (s *Store) Memberships(ctx context.Context, userID int64) ([]Membership, error) {
	if ms, ok := s.auth.cachedMemberships(userID); ok {
		return ms, nil
	}
	gen := s.auth.generation()
	var rows []TeamMember
	err := s.db.NewSelect().Model(&rows).
		Relation("Team").
		Where("team_member.user_id = ?", userID).
		OrderExpr("team.sort_key, team.id").
		Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("memberships: %w", translate(err))
	}
	out := make([]Membership, 0, len(rows))
	for _, r := range rows {
		out = append(out, Membership{Team: *r.Team, Role: r.Role})
	}
	s.auth.putMemberships(gen, userID, out)
	return out, nil
}

// TeamRole returns the role of a user in a team, or "" when not a member.
func (s *Store) TeamRole(ctx context.Context, teamID, userID int64) (string, error) {
	var role string
	err := s.db.NewSelect().Model((*TeamMember)(nil)).Column("role").
		Where("team_id = ? AND user_id = ?", teamID, userID).Scan(ctx, &role)
	if err != nil {
		err = translate(err)
		if errorsIsNotFound(err) {
			return "", nil
		}
		return "", fmt.Errorf("team role: %w", err)
	}
	return role, nil
}

// SetTeamMember gives a user a role in a team, adding the user when needed.
// It returns the previous role ("" when the user was not a member).
func (s *Store) SetTeamMember(ctx context.Context, db bun.IDB, teamID, userID int64, role string) (string, error) {
	if err := s.liveTeam(ctx, db, teamID); err != nil {
		return "", err
	}
	previous, err := s.memberRole(ctx, db, teamID, userID)
	if err != nil {
		return "", err
	}
	now := s.now()
	m := &TeamMember{TeamID: teamID, UserID: userID, Role: role, CreatedAt: now, UpdatedAt: now}
	if previous == "" {
		// Another transaction may add the user at the same time (the same
		// request sent twice): then this one goes on with the member it
		// added, rather than failing on the primary key (which on
		// PostgreSQL would abort the transaction).
		res, err := db.NewInsert().Model(m).On("CONFLICT (team_id, user_id) DO NOTHING").Exec(ctx)
		if err != nil {
			return "", fmt.Errorf("set member: %w", translate(err))
		}
		if n, err := res.RowsAffected(); err != nil {
			return "", fmt.Errorf("set member: %w", err)
		} else if n == 1 {
			return previous, s.bumpPolicyVersion(ctx, db)
		}
		if previous, err = s.memberRole(ctx, db, teamID, userID); err != nil {
			return "", err
		} else if previous == "" {
			return "", fmt.Errorf("set member: added and removed meanwhile: %w", ErrConflict)
		}
	}
	if previous == role {
		return previous, nil
	}
	if _, err := db.NewUpdate().Model(m).Column("role", "updated_at").WherePK().Exec(ctx); err != nil {
		return "", fmt.Errorf("set member: %w", translate(err))
	}
	return previous, s.bumpPolicyVersion(ctx, db)
}

// memberRole returns the role of a user in a team read through db, or ""
// when not a member.
func (s *Store) memberRole(ctx context.Context, db bun.IDB, teamID, userID int64) (string, error) {
	var role string
	err := db.NewSelect().Model((*TeamMember)(nil)).Column("role").
		Where("team_id = ? AND user_id = ?", teamID, userID).Scan(ctx, &role)
	if err = translate(err); err != nil && !errorsIsNotFound(err) {
		return "", fmt.Errorf("read member: %w", err)
	}
	return role, nil
}

// RemoveTeamMember removes a user from a team and returns the role they had.
func (s *Store) RemoveTeamMember(ctx context.Context, db bun.IDB, teamID, userID int64) (string, error) {
	// The delete returns the role it removed: of two removals at once,
	// the second removes nothing (ErrNotFound), and a role changed
	// meanwhile (to owner) is the one the caller checks.
	var previous string
	if err := db.NewDelete().Model((*TeamMember)(nil)).
		Where("team_id = ? AND user_id = ?", teamID, userID).Returning("role").Scan(ctx, &previous); err != nil {
		return "", fmt.Errorf("remove member: %w", translate(err))
	}
	return previous, s.bumpPolicyVersion(ctx, db)
}

// SetTeamReviewer sets or clears the reviewer flag of a team member and
// returns the previous value. It returns ErrNotFound when the user is not a
// member of the team. A change bumps the policy version.
func (s *Store) SetTeamReviewer(ctx context.Context, db bun.IDB, teamID, userID int64, reviewer bool) (bool, error) {
	var previous bool
	err := db.NewSelect().Model((*TeamMember)(nil)).Column("reviewer").
		Where("team_id = ? AND user_id = ?", teamID, userID).Scan(ctx, &previous)
	if err != nil {
		return false, fmt.Errorf("team reviewer: %w", translate(err))
	}
	if previous == reviewer {
		return previous, nil
	}
	// The update changes the flag only if it is still the one read: of
	// two identical changes at once, the second (on PostgreSQL, once the
	// first commits) changes nothing, and is no change.
	res, err := db.NewUpdate().Model((*TeamMember)(nil)).
		Set("reviewer = ?", reviewer).Set("updated_at = ?", s.now()).
		Where("team_id = ? AND user_id = ? AND reviewer = ?", teamID, userID, previous).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("set team reviewer: %w", translate(err))
	}
	if n, err := res.RowsAffected(); err != nil {
		return false, fmt.Errorf("set team reviewer: %w", err)
	} else if n == 1 {
		return previous, s.bumpPolicyVersion(ctx, db)
	}
	// Changed (or removed) meanwhile: read it as it is now.
	var current bool
	if err := db.NewSelect().Model((*TeamMember)(nil)).Column("reviewer").
		Where("team_id = ? AND user_id = ?", teamID, userID).Scan(ctx, &current); err != nil {
		return false, fmt.Errorf("team reviewer: %w", translate(err))
	}
	if current != reviewer {
		return false, fmt.Errorf("team reviewer changed meanwhile: %w", ErrConflict)
	}
	return current, nil
}

// CountActiveTeamOwners returns how many owners of a team are not
// disabled: a disabled owner manages nothing.
func (s *Store) CountActiveTeamOwners(ctx context.Context, db bun.IDB, teamID int64) (int, error) {
	n, err := db.NewSelect().Model((*TeamMember)(nil)).
		Where("team_id = ? AND role = ?", teamID, "owner").
		Where("user_id IN (SELECT id FROM users WHERE disabled = ?)", false).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("count owners: %w", translate(err))
	}
	return int(n), nil
}

// TeamHoldings is what a team still owns: the slugs of some of its APIs
// and apps (at most the limit asked), and how many there are.
type TeamHoldings struct {
	APIs, Apps         []string
	APICount, AppCount int
}

// DeleteTeam removes team t with its memberships, inside db's transaction,
// unless it still owns APIs or apps not removed: then it removes nothing
// and returns what remains (named up to limit each). A team that had apps,
// all removed, keeps its row for their history (subscriptions and apps
// reference it): marked deleted_at, with the slug RemovedTeamSlug. The team's row is locked first
// on PostgreSQL (FOR UPDATE: an API or app being created in it, or moved
// to it, waits, then fails on the missing team: ErrNotFound, as a request
// made after the removal); SQLite writes one transaction at a time. Audit events keep the team's id, which no later
// team reuses.
func (s *Store) DeleteTeam(ctx context.Context, db bun.IDB, t *Team, limit int) (*TeamHoldings, error) {
	if s.dialect == PostgreSQL {
		var id int64
		if err := db.NewSelect().Model((*Team)(nil)).Column("id").Where("id = ?", t.ID).For("UPDATE").Scan(ctx, &id); err != nil {
			return nil, fmt.Errorf("lock team %q: %w", t.Slug, translate(err))
		}
	}
	var h TeamHoldings
	n, err := db.NewSelect().Model((*API)(nil)).Column("slug").Where("team_id = ?", t.ID).OrderExpr(s.bytewise("slug")).Limit(int64(limit)).ScanAndCount(ctx, &h.APIs)
	if err != nil {
		return nil, fmt.Errorf("team apis: %w", translate(err))
	}
	h.APICount = int(n)
	if n, err = db.NewSelect().Model((*App)(nil)).Column("slug").Where("team_id = ? AND deleted_at IS NULL", t.ID).OrderExpr(s.bytewise("slug")).Limit(int64(limit)).ScanAndCount(ctx, &h.Apps); err != nil {
		return nil, fmt.Errorf("team apps: %w", translate(err))
	}
	h.AppCount = int(n)
	if h.APICount > 0 || h.AppCount > 0 {
		return &h, nil
	}
	if _, err := db.NewDelete().Model((*TeamMember)(nil)).Where("team_id = ?", t.ID).Exec(ctx); err != nil {
		return nil, fmt.Errorf("delete team %q: members: %w", t.Slug, translate(err))
	}
	removed, err := db.NewSelect().Model((*App)(nil)).Where("team_id = ?", t.ID).Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("delete team %q: removed apps: %w", t.Slug, translate(err))
	}
	if removed > 0 {
		now := Stored(Now())
		res, err := db.NewUpdate().Model((*Team)(nil)).Set("slug = ?", RemovedTeamSlug(t.ID)).Set("deleted_at = ?", now).
			Set("updated_at = ?", now).Where("id = ? AND deleted_at IS NULL", t.ID).Exec(ctx)
		if err != nil {
			return nil, fmt.Errorf("delete team %q: %w", t.Slug, translate(err))
		}
		if err := oneRow(res); err != nil {
			return nil, fmt.Errorf("delete team %q: %w", t.Slug, err)
		}
		return nil, s.bumpPolicyVersion(ctx, db)
	}
	res, err := db.NewDelete().Model((*Team)(nil)).Where("id = ?", t.ID).Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("delete team %q: %w", t.Slug, translate(err))
	}
	if err := oneRow(res); err != nil {
		return nil, fmt.Errorf("delete team %q: %w", t.Slug, err)
	}
	return nil, s.bumpPolicyVersion(ctx, db)
}
