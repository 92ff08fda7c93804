package store

import (
	"context"
	"database/sql"

	"github.com/portico-dev/portico/migrations"
)

// The reads of every API page (the API with its team, its versions, its
// plans, its history) and of /profile (the user's tokens) are written
// here as SQL text, once, and scanned column by column into their models:
// bun built the same SQL again on each call and scanned by reflection,
// and each call went through the column names and declared types of the
// result (about a third of what the API page's reads cost at 10,036 APIs
// besides SQLite itself). The statements run through queryHot (prepared
// once per connection on SQLite; through bun on PostgreSQL, which writes
// the arguments into the query). Each column list is checked against the
// model's bun scan of the same rows, every field filled
// (TestHotReadsMatchBunScans, both dialects), so a column added to a
// model and not here fails that test.

const apiColumns = "a.id, a.team_id, a.slug, a.name, a.sort_key, a.summary, a.description, a.tags, a.visibility, a.upstreams, a.lock_version, a.created_at, a.updated_at"

const teamColumns = "t.id, t.slug, t.name, t.description, COALESCE(t.name_key, ''), COALESCE(t.name_key_of, ''), t.sort_key, t.created_at, t.updated_at, t.deleted_at"

func apiFields(a *API) []any {
	return []any{&a.ID, &a.TeamID, &a.Slug, &a.Name, &a.SortKey, &a.Summary, &a.Description, &a.Tags, &a.Visibility, &a.Upstreams,
		&a.LockVersion, &a.CreatedAt, &a.UpdatedAt}
}

func teamFields(t *Team) []any {
	return []any{&t.ID, &t.Slug, &t.Name, &t.Description, &t.NameKey, &t.NameKeyOf, &t.SortKey, &t.CreatedAt, &t.UpdatedAt, &t.DeletedAt}
}

// apiBySlugQuery reads an API and its team (every API belongs to a team:
// apis.team_id is NOT NULL and references teams).
const apiBySlugQuery = "SELECT " + apiColumns + ", " + teamColumns +
	" FROM apis AS a JOIN teams AS t ON t.id = a.team_id WHERE a.slug = ?"

// versionListColumns are a version's columns but its specs.
const versionListColumns = "v.id, v.api_id, v.version, v.major, v.minor, v.patch, v.prerelease, v.state, v.spec_format, v.title, v.operations, v.created_by, v.lock_version, v.created_at, v.updated_at, v.published_at, v.deprecated_at, v.sunset_at, v.successor, v.retired_at"

func versionListFields(v *APIVersion) []any {
	return []any{&v.ID, &v.APIID, &v.Version, &v.Major, &v.Minor, &v.Patch, &v.Prerelease, &v.State, &v.SpecFormat,
		&v.Title, &v.Operations, &v.CreatedBy, &v.LockVersion, &v.CreatedAt, &v.UpdatedAt, &v.PublishedAt,
		&v.DeprecatedAt, &v.SunsetAt, &v.Successor, &v.RetiredAt}
}

func versionsQuery(d Dialect) string {
	return "SELECT " + versionListColumns + " FROM api_versions AS v WHERE v.api_id = ? ORDER BY " + versionOrder(d)
}

const planColumns = "p.id, p.api_id, p.slug, p.name, p.sort_key, p.description, p.rate_per_minute, p.burst, p.quota_per_day, p.approval, p.open, p.lock_version, p.created_at, p.updated_at"

func planFields(p *Plan) []any {
	return []any{&p.ID, &p.APIID, &p.Slug, &p.Name, &p.SortKey, &p.Description, &p.RatePerMinute, &p.Burst, &p.QuotaPerDay,
		&p.Approval, &p.Open, &p.LockVersion, &p.CreatedAt, &p.UpdatedAt}
}

const plansQuery = "SELECT " + planColumns + " FROM plans AS p WHERE p.api_id = ? ORDER BY p.sort_key, p.id"

const auditColumns = "e.id, e.created_at, e.actor_id, e.actor, e.action, e.object_type, e.object_id, e.team_id, e.other_team_id, e.before_state, e.after_state, e.reason"

func auditFields(e *AuditEvent) []any {
	return []any{&e.ID, &e.CreatedAt, &e.ActorID, &e.Actor, &e.Action, &e.ObjectType, &e.ObjectID, &e.TeamID, &e.OtherTeamID,
		&e.Before, &e.After, &e.Reason}
}

// apiHistoryQuery is ListAudit's query for an API page (AuditFilter with
// TeamID, APISlug and Limit only, a slug without "@"): arguments team id,
// slug, limit. The events whose object_id is the slug or starts with
// "slug@" (AuditFilter.applyArgs's byte range) are those whose object_id
// before its first "@" is the slug; with the team, equalities on
// audit_events_api_history_idx, which hands them over newest first: no
// sort on every view (the range on audit_events_object_id_idx left the
// events in object_id order, sorted then in a temporary b-tree).
func apiHistoryQuery(d Dialect) string {
	objectAPI := migrations.SQLite().ObjectAPI
	if d == PostgreSQL {
		objectAPI = migrations.PostgreSQL().ObjectAPI
	}
	return "SELECT " + auditColumns + " FROM audit_events AS e WHERE e.team_id = ? AND " + objectAPI +
		" = ? ORDER BY e.id DESC LIMIT ?"
}

const userTokensQuery = "SELECT id, user_id, name, prefix, created_at, last_used_at, expires_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY id DESC"

func userTokenFields(t *APIToken) []any {
	return []any{&t.ID, &t.UserID, &t.Name, &t.Prefix, &t.CreatedAt, &t.LastUsedAt, &t.ExpiresAt, &t.RevokedAt}
}

// readHot runs query with args through queryHot and scans each row into a
// new T through fields, which lists T's destinations in the query's
// column order.
func readHot[T any](ctx context.Context, s *Store, query string, fields func(*T) []any, args ...any) ([]T, error) {
	rows, err := s.queryHot(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, fields)
}

func scanAll[T any](rows *sql.Rows, fields func(*T) []any) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(fields(&v)...); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
