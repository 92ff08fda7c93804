package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// APIVersion is one semver version of an API with its OpenAPI description.
// A published description is never changed.
type APIVersion struct {
	bun.BaseModel `bun:"table:api_versions,alias:v"`

	ID           int64      `bun:"id,pk,autoincrement"`
	APIID        int64      `bun:"api_id"`
	Version      string     `bun:"version"`
	Major        int        `bun:"major"`
	Minor        int        `bun:"minor"`
	Patch        int        `bun:"patch"`
	Prerelease   string     `bun:"prerelease"`
	State        string     `bun:"state"`
	SpecRaw      string     `bun:"spec_raw"`    // as uploaded
	SpecJSON     string     `bun:"spec_json"`   // normalised OpenAPI 3 JSON
	SpecFormat   string     `bun:"spec_format"` // openapi-3.0, openapi-3.1, swagger-2.0
	Title        string     `bun:"title"`
	Operations   int        `bun:"operations"`
	CreatedBy    *int64     `bun:"created_by"`
	LockVersion  int64      `bun:"lock_version"`
	CreatedAt    time.Time  `bun:"created_at"`
	UpdatedAt    time.Time  `bun:"updated_at"`
	PublishedAt  *time.Time `bun:"published_at"`
	DeprecatedAt *time.Time `bun:"deprecated_at"`
	SunsetAt     *time.Time `bun:"sunset_at"`
	Successor    string     `bun:"successor"`
	RetiredAt    *time.Time `bun:"retired_at"`
}

// versionOrder sorts versions newest first by semver precedence (a release
// before its pre-releases). Pre-releases compare in ASCII order, as semver
// has it ("RC1" before "beta"): byte by byte, SQLite's way; on PostgreSQL
// (dialect-specific) in the "C" collation, since the database's own, a
// language's on most (en_US.UTF-8), put "beta" first.
func versionOrder(d Dialect) string {
	pre := "v.prerelease"
	if d == PostgreSQL {
		pre = `v.prerelease COLLATE "C"`
	}
	return "v.major DESC, v.minor DESC, v.patch DESC, CASE WHEN v.prerelease = '' THEN 1 ELSE 0 END DESC, " + pre + " DESC"
}

// CreateVersion inserts v. It returns ErrConflict when the API has that version already.
func (s *Store) CreateVersion(ctx context.Context, db bun.IDB, v *APIVersion, at time.Time) error {
	now := Stored(at)
	v.CreatedAt, v.UpdatedAt, v.LockVersion = now, now, 1
	if _, err := db.NewInsert().Model(v).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("create version %s: %w", v.Version, translate(err))
	}
	return nil
}

// Versions returns the versions of an API, newest first, without their specs.
func (s *Store) Versions(ctx context.Context, apiID int64) ([]APIVersion, error) {
	memo := memoOf(ctx)
	if memo != nil {
		if vs, ok := memo.getVersions(apiID); ok {
			return vs, nil
		}
	}
	// Every API page asks it (its visibility, its list): through a
	// prepared statement.
	vs, err := readHot(ctx, s, versionsQuery(s.dialect), versionListFields, apiID)
	if err != nil {
		return nil, fmt.Errorf("versions: %w", translate(err))
	}
	if memo != nil {
		memo.putVersions(apiID, vs)
	}
	return vs, nil
}

// VersionsOf returns the versions, without specs, of several APIs, newest first per API.
func (s *Store) VersionsOf(ctx context.Context, apiIDs []int64) (map[int64][]APIVersion, error) {
	out := map[int64][]APIVersion{}
	if len(apiIDs) == 0 {
		return out, nil
	}
	var vs []APIVersion
	err := s.db.NewSelect().Model(&vs).ExcludeColumn("spec_raw", "spec_json").
		Where("v.api_id IN (?)", bun.List(apiIDs)).OrderExpr("v.api_id, " + versionOrder(s.dialect)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("versions: %w", translate(err))
	}
	for _, v := range vs {
		out[v.APIID] = append(out[v.APIID], v)
	}
	return out, nil
}

// Version returns one version of an API with its spec.
func (s *Store) Version(ctx context.Context, apiID int64, version string) (*APIVersion, error) {
	if !findable(version) {
		return nil, fmt.Errorf("version %q: %w", version, ErrNotFound)
	}
	v := new(APIVersion)
	if err := s.db.NewSelect().Model(v).Where("v.api_id = ? AND v.version = ?", apiID, version).Scan(ctx); err != nil {
		return nil, fmt.Errorf("version %s: %w", version, translate(err))
	}
	return v, nil
}

// VersionMetaByName returns one version of an API without its spec. It
// picks it from the API's versions (Versions): that query is answered from
// an index on SQLite, whereas a lookup by the unique (api, version) key
// reads the row, and with it the descriptions stored before its columns.
func (s *Store) VersionMetaByName(ctx context.Context, apiID int64, version string) (*APIVersion, error) {
	vs, err := s.Versions(ctx, apiID)
	if err != nil {
		return nil, err
	}
	for i := range vs {
		if vs[i].Version == version {
			return &vs[i], nil
		}
	}
	return nil, fmt.Errorf("version %s: %w", version, ErrNotFound)
}

// VersionByID returns a version with its spec.
func (s *Store) VersionByID(ctx context.Context, id int64) (*APIVersion, error) {
	v := new(APIVersion)
	if err := s.db.NewSelect().Model(v).Where("v.id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("version %d: %w", id, translate(err))
	}
	return v, nil
}

// LatestVersion returns the newest version of an API in any state, with its spec.
func (s *Store) LatestVersion(ctx context.Context, db bun.IDB, apiID int64) (*APIVersion, error) {
	v := new(APIVersion)
	if err := db.NewSelect().Model(v).Where("v.api_id = ?", apiID).OrderExpr(versionOrder(s.dialect)).Limit(1).Scan(ctx); err != nil {
		return nil, fmt.Errorf("latest version: %w", translate(err))
	}
	return v, nil
}

// LatestLive returns the newest published or deprecated version of an API,
// with its spec; major < 0 means any major. It returns ErrNotFound when there is none.
func (s *Store) LatestLive(ctx context.Context, apiID int64, major int, excludeID int64) (*APIVersion, error) {
	v := new(APIVersion)
	q := s.db.NewSelect().Model(v).
		Where("v.api_id = ? AND v.state IN (?) AND v.id <> ?", apiID, bun.List([]string{"published", "deprecated"}), excludeID)
	if major >= 0 {
		q = q.Where("v.major = ?", major)
	}
	if err := q.OrderExpr(versionOrder(s.dialect)).Limit(1).Scan(ctx); err != nil {
		return nil, fmt.Errorf("latest live version: %w", translate(err))
	}
	return v, nil
}

// UpdateDraftSpec replaces the spec of a draft version if it is still a draft
// at the lock version that was read; otherwise it returns ErrConflict.
func (s *Store) UpdateDraftSpec(ctx context.Context, db bun.IDB, v *APIVersion) error {
	v.UpdatedAt = s.now()
	res, err := db.NewUpdate().Model(v).
		Column("spec_raw", "spec_json", "spec_format", "title", "operations", "updated_at").
		Set("lock_version = lock_version + 1").
		Where("id = ? AND state = ? AND lock_version = ?", v.ID, "draft", v.LockVersion).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("update draft %s: %w", v.Version, translate(err))
	}
	if oneRow(res) != nil {
		return fmt.Errorf("update draft %s: no longer the draft you read: %w", v.Version, ErrConflict)
	}
	v.LockVersion++
	return nil
}

// TransitionVersion moves v from state from to v.State, saving its lifecycle
// timestamps, if nobody changed it since it was read; otherwise it returns
// ErrConflict. This is the optimistic lock that makes concurrent actions on
// one version end in exactly one transition. at is the transition's
// instant, the published_at, deprecated_at or retired_at the caller set:
// the row is updated at that same time.
func (s *Store) TransitionVersion(ctx context.Context, db bun.IDB, v *APIVersion, from string, at time.Time) error {
	v.UpdatedAt = Stored(at)
	res, err := db.NewUpdate().Model(v).
		Column("state", "updated_at", "published_at", "deprecated_at", "sunset_at", "successor", "retired_at").
		Set("lock_version = lock_version + 1").
		Where("id = ? AND state = ? AND lock_version = ?", v.ID, from, v.LockVersion).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("transition %s: %w", v.Version, translate(err))
	}
	if oneRow(res) != nil {
		return fmt.Errorf("version %s changed meanwhile: %w", v.Version, ErrConflict)
	}
	v.LockVersion++
	return nil
}

// DueForRetirement returns up to limit deprecated versions whose sunset is
// not after now and whose id is greater than after, by id: a caller pages
// through them by passing the last id it got.
func (s *Store) DueForRetirement(ctx context.Context, now time.Time, after int64, limit int) ([]APIVersion, error) {
	var vs []APIVersion
	err := s.db.NewSelect().Model(&vs).ExcludeColumn("spec_raw", "spec_json").
		Where("v.state = ? AND v.sunset_at IS NOT NULL AND v.sunset_at <= ? AND v.id > ?", "deprecated", now, after).
		Order("v.id").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("due for retirement: %w", translate(err))
	}
	return vs, nil
}

// VersionMeta returns a version without its spec.
func (s *Store) VersionMeta(ctx context.Context, id int64) (*APIVersion, error) {
	v := new(APIVersion)
	if err := s.db.NewSelect().Model(v).ExcludeColumn("spec_raw", "spec_json").Where("v.id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("version %d: %w", id, translate(err))
	}
	return v, nil
}

// LatestLiveMeta is LatestLive without the spec.
func (s *Store) LatestLiveMeta(ctx context.Context, apiID int64, major int, excludeID int64) (*APIVersion, error) {
	return s.LatestLiveMetaIn(ctx, s.db, apiID, major, excludeID)
}

// LatestLiveMetaIn is LatestLiveMeta read through db, inside a transaction.
func (s *Store) LatestLiveMetaIn(ctx context.Context, db bun.IDB, apiID int64, major int, excludeID int64) (*APIVersion, error) {
	v := new(APIVersion)
	q := db.NewSelect().Model(v).ExcludeColumn("spec_raw", "spec_json").
		Where("v.api_id = ? AND v.state IN (?) AND v.id <> ?", apiID, bun.List([]string{"published", "deprecated"}), excludeID)
	if major >= 0 {
		q = q.Where("v.major = ?", major)
	}
	if err := q.OrderExpr(versionOrder(s.dialect)).Limit(1).Scan(ctx); err != nil {
		return nil, fmt.Errorf("latest live version: %w", translate(err))
	}
	return v, nil
}

// VersionInProgress is a draft or a version in review, with its API and
// team, as a dashboard lists what a team is working on.
type VersionInProgress struct {
	APISlug   string    `bun:"api_slug"`
	APIName   string    `bun:"api_name"`
	TeamName  string    `bun:"team_name"`
	Version   string    `bun:"version"`
	State     string    `bun:"state"`
	UpdatedAt time.Time `bun:"updated_at"`
}

// VersionsInProgress returns the versions of the teams' APIs in one of
// states, most recently updated first, at most limit: one query over the
// versions in those states (few next to the published ones), whatever the
// number of the teams' APIs.
func (s *Store) VersionsInProgress(ctx context.Context, teamIDs []int64, states []string, limit int) ([]VersionInProgress, error) {
	if len(teamIDs) == 0 || len(states) == 0 {
		return nil, nil
	}
	var out []VersionInProgress
	err := s.db.NewSelect().TableExpr("api_versions AS v").
		Join("JOIN apis AS a ON a.id = v.api_id").
		Join("JOIN teams AS t ON t.id = a.team_id").
		ColumnExpr("a.slug AS api_slug, a.name AS api_name, t.name AS team_name, v.version, v.state, v.updated_at").
		Where("v.state IN (?)", bun.List(states)).
		Where("a.team_id IN (?)", bun.List(teamIDs)).
		OrderExpr("v.updated_at DESC, v.id DESC").Limit(int64(limit)).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("versions in progress: %w", translate(err))
	}
	return out, nil
}
