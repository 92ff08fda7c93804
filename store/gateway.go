package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/uptrace/bun"
	"golang.org/x/sync/errgroup"
)

// GatewayNode is a registered gateway node. Only its token's SHA-256 is
// stored. The status fields are what a portal instance last heard from it.
type GatewayNode struct {
	bun.BaseModel `bun:"table:gateway_nodes,alias:gn"`

	ID          int64      `bun:"id,pk,autoincrement"`
	Name        string     `bun:"name"`
	TokenHash   string     `bun:"token_hash"`
	TokenPrefix string     `bun:"token_prefix"`
	CreatedBy   *int64     `bun:"created_by"`
	CreatedAt   time.Time  `bun:"created_at"`
	RevokedAt   *time.Time `bun:"revoked_at"`

	AppliedVersion  int64      `bun:"applied_version"`
	AppliedHash     string     `bun:"applied_hash"`
	LastSeenAt      *time.Time `bun:"last_seen_at"`
	LastError       string     `bun:"last_error"`
	RejectedVersion int64      `bun:"rejected_version"`
	RejectedHash    string     `bun:"rejected_hash"`
	Agent           string     `bun:"agent"`
	// ReportSession and ReportSeq number the report the status is from
	// (see RecordGatewayNodeStatus).
	ReportSession string `bun:"report_session"`
	ReportSeq     int64  `bun:"report_seq"`
}

// CreateGatewayNode stores a node. It returns ErrConflict when an active
// node has the name.
func (s *Store) CreateGatewayNode(ctx context.Context, db bun.IDB, n *GatewayNode) error {
	n.CreatedAt = s.now()
	if _, err := db.NewInsert().Model(n).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("create gateway node %s: %w", n.Name, translate(err))
	}
	return nil
}

// GatewayNodes lists the active (not revoked) nodes by name (SortKey, then
// id). An admin's list of a few nodes, read whole: it is sorted here
// rather than by a column of keys.
func (s *Store) GatewayNodes(ctx context.Context) ([]GatewayNode, error) {
	var ns []GatewayNode
	if err := s.db.NewSelect().Model(&ns).Where("gn.revoked_at IS NULL").Scan(ctx); err != nil {
		return nil, fmt.Errorf("gateway nodes: %w", translate(err))
	}
	sortByName(ns, func(n GatewayNode) (string, int64) { return n.Name, n.ID })
	return ns, nil
}

// ActiveGatewayNode returns the active node named name.
func (s *Store) ActiveGatewayNode(ctx context.Context, db bun.IDB, name string) (*GatewayNode, error) {
	if !findable(name) {
		return nil, fmt.Errorf("gateway node %q: %w", name, ErrNotFound)
	}
	n := new(GatewayNode)
	if err := db.NewSelect().Model(n).Where("gn.name = ? AND gn.revoked_at IS NULL", name).Scan(ctx); err != nil {
		return nil, fmt.Errorf("gateway node %s: %w", name, translate(err))
	}
	return n, nil
}

// GatewayNodeByToken returns the active node whose token has the SHA-256 tokenHash.
func (s *Store) GatewayNodeByToken(ctx context.Context, tokenHash string) (*GatewayNode, error) {
	n := new(GatewayNode)
	if err := s.db.NewSelect().Model(n).Column("id", "name").Where("gn.token_hash = ? AND gn.revoked_at IS NULL", tokenHash).Scan(ctx); err != nil {
		return nil, fmt.Errorf("gateway node by token: %w", translate(err))
	}
	return n, nil
}

// RevokeGatewayNode revokes the node with id if it is active; ErrNotFound otherwise.
func (s *Store) RevokeGatewayNode(ctx context.Context, db bun.IDB, id int64) error {
	res, err := db.NewUpdate().Model((*GatewayNode)(nil)).Set("revoked_at = ?", s.now()).
		Where("id = ? AND revoked_at IS NULL", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("revoke gateway node: %w", translate(err))
	}
	return oneRow(res)
}

// GatewayNodeStatus is what a portal instance heard from a node. The time
// it was heard is the database's (see RecordGatewayNodeStatus).
type GatewayNodeStatus struct {
	AppliedVersion  int64
	AppliedHash     string
	LastError       string
	RejectedVersion int64
	RejectedHash    string
	Agent           string
	// ReportSession and ReportSeq number the node's report (its
	// Portico-Report header): the session it drew at start, 8 to 32
	// characters, and its requests' count in it, from 1. Both empty/0
	// for a node that numbers none.
	ReportSession string
	ReportSeq     int64
	// ReportedAt is when the portal instance received the report, by the
	// database's clock (see ClockNow); zero for now.
	ReportedAt time.Time
}

// RecordGatewayNodeStatus stores the status of the active registration id
// (a revoked one is left alone), heard now by the database's clock, unless
// the status stored is from a newer report of the node: one of the same
// session with a higher seq. A node sends one request at a time, but a
// request it gave up on may still be written by a slow portal instance
// after its retry was written by another: the condition is in the UPDATE,
// so it holds whichever instances write, in whatever order. A report of
// another session (the node restarted) is always stored. An unnumbered
// report (ReportSeq 0, a node from before the numbering) is stored unless
// the status stored is from a report received later (ReportedAt): a node
// retries after a backoff of at least 0.4 s, far more than the instances'
// estimates of the database's clock differ.
//
// The last contact is stamped by the database, not by the instance that
// heard the node: every instance compares it with ClockNow, so the
// clocks of the portal instances, which may differ by more than a node's
// held request, never decide whether a node is unreachable.
func (s *Store) RecordGatewayNodeStatus(ctx context.Context, id int64, st GatewayNodeStatus) error {
	reported := s.clock()
	if !st.ReportedAt.IsZero() {
		reported = Stored(st.ReportedAt)
	}
	_, err := s.db.NewUpdate().Model((*GatewayNode)(nil)).
		Set("applied_version = ?", st.AppliedVersion).
		Set("applied_hash = ?", st.AppliedHash).
		Set("last_seen_at = ?", s.clock()).
		Set("last_error = ?", st.LastError).
		Set("rejected_version = ?", st.RejectedVersion).
		Set("rejected_hash = ?", st.RejectedHash).
		Set("agent = ?", st.Agent).
		Set("report_session = ?", st.ReportSession).
		Set("report_seq = ?", st.ReportSeq).
		Set("reported_at = ?", reported).
		Where("id = ? AND revoked_at IS NULL", id).
		Where("((? > 0 AND (report_session <> ? OR report_seq < ?)) OR (? = 0 AND (reported_at IS NULL OR reported_at <= ?)))",
			st.ReportSeq, st.ReportSession, st.ReportSeq, st.ReportSeq, reported).Exec(ctx)
	if err != nil {
		return fmt.Errorf("record gateway node status: %w", translate(err))
	}
	return nil
}

// TouchGatewayNode sets the last contact of the active registration id to
// now by the database's clock, leaving the rest of its status as it is.
func (s *Store) TouchGatewayNode(ctx context.Context, id int64) error {
	_, err := s.db.NewUpdate().Model((*GatewayNode)(nil)).
		Set("last_seen_at = ?", s.clock()).
		Where("id = ? AND revoked_at IS NULL", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("touch gateway node: %w", translate(err))
	}
	return nil
}

// GatewayDeployment is one version of an API major version's gateway
// settings. The newest per (API, major) is in force.
type GatewayDeployment struct {
	bun.BaseModel `bun:"table:gateway_deployments,alias:gd"`

	ID                int64      `bun:"id,pk,autoincrement"`
	APIID             int64      `bun:"api_id"`
	Major             int        `bun:"major"`
	Targets           StringList `bun:"targets,type:text"`
	ConnectTimeoutMS  int        `bun:"connect_timeout_ms"`
	ResponseTimeoutMS int        `bun:"response_timeout_ms"`
	// CORSOrigins are the browser origins allowed to call the version
	// (gateway.Route.CORSOrigins); empty for no CORS.
	CORSOrigins StringList `bun:"cors_origins,type:text"`
	// RollbackOf is the deployment whose settings this one restored.
	RollbackOf *int64    `bun:"rollback_of"`
	Note       string    `bun:"note"`
	CreatedBy  *int64    `bun:"created_by"`
	CreatedAt  time.Time `bun:"created_at"`

	// Author is the username of CreatedBy, when read with it.
	Author string `bun:"author,scanonly"`
}

// CreateGatewayDeployment stores a deployment.
func (s *Store) CreateGatewayDeployment(ctx context.Context, db bun.IDB, d *GatewayDeployment) error {
	d.CreatedAt = s.now()
	if _, err := db.NewInsert().Model(d).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("create gateway deployment: %w", translate(err))
	}
	return nil
}

// GatewayDeployments returns the deployments of an API's major, newest
// first, at most limit.
func (s *Store) GatewayDeployments(ctx context.Context, apiID int64, major, limit int) ([]GatewayDeployment, error) {
	return gatewayDeployments(ctx, s.db, apiID, major, limit)
}

// LatestGatewayDeployment returns the newest deployment of an API's major
// read through db (inside the transaction that deploys after it), or an
// error wrapping ErrNotFound when it has none.
func (s *Store) LatestGatewayDeployment(ctx context.Context, db bun.IDB, apiID int64, major int) (*GatewayDeployment, error) {
	ds, err := gatewayDeployments(ctx, db, apiID, major, 1)
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, fmt.Errorf("latest gateway deployment: %w", ErrNotFound)
	}
	return &ds[0], nil
}

func gatewayDeployments(ctx context.Context, db bun.IDB, apiID int64, major, limit int) ([]GatewayDeployment, error) {
	var ds []GatewayDeployment
	err := db.NewSelect().Model(&ds).ColumnExpr("gd.*").ColumnExpr("u.username AS author").
		Join("LEFT JOIN users AS u ON u.id = gd.created_by").
		Where("gd.api_id = ? AND gd.major = ?", apiID, major).Order("gd.id DESC").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("gateway deployments: %w", translate(err))
	}
	return ds, nil
}

// GatewayDeployment returns one deployment of an API.
func (s *Store) GatewayDeployment(ctx context.Context, apiID, id int64) (*GatewayDeployment, error) {
	d := new(GatewayDeployment)
	if err := s.db.NewSelect().Model(d).Where("gd.id = ? AND gd.api_id = ?", id, apiID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("gateway deployment %d: %w", id, translate(err))
	}
	return d, nil
}

// CurrentGatewayDeployments returns the deployment in force of every (API,
// major) that has one; of one API when apiID is not 0.
func (s *Store) CurrentGatewayDeployments(ctx context.Context, apiID int64) ([]GatewayDeployment, error) {
	var ds []GatewayDeployment
	q := s.db.NewSelect().Model(&ds).
		Column("api_id", "major", "targets", "connect_timeout_ms", "response_timeout_ms", "cors_origins")
	if apiID != 0 {
		q = q.Where("gd.id IN (SELECT MAX(id) FROM gateway_deployments WHERE api_id = ? GROUP BY major)", apiID)
	} else {
		q = q.Where("gd.id IN (SELECT MAX(id) FROM gateway_deployments GROUP BY api_id, major)")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("current gateway deployments: %w", translate(err))
	}
	return ds, nil
}

// GatewayTargetSources reads, in two queries, what decides which majors
// of the APIs apiIDs have upstream targets in force (control.ServedRoutes),
// and with what settings: each API's slug and upstream URLs, the
// deployment in force (its major, targets, timeouts and CORS origins) of
// each of its majors that has one, and their published, deprecated and
// retired versions (what a compile reads of them: the route's lifecycle
// state). An API that does not exist is left out.
func (s *Store) GatewayTargetSources(ctx context.Context, apiIDs []int64) ([]GatewayRouteAPI, []GatewayDeployment, []GatewayRouteVersion, error) {
	if len(apiIDs) == 0 {
		return nil, nil, nil, nil
	}
	var vs []GatewayRouteVersion
	err := s.db.NewSelect().TableExpr("api_versions").
		ColumnExpr("api_id, version, major, minor, patch, prerelease, state, deprecated_at, sunset_at, successor, retired_at").
		Where("state IN "+gatewayLiveStates).Where("api_id IN (?)", bun.List(apiIDs)).Scan(ctx, &vs)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("gateway target versions: %w", translate(err))
	}
	var rows []struct {
		ID        int64      `bun:"id"`
		Slug      string     `bun:"slug"`
		Upstreams StringList `bun:"upstreams"`
		Major     *int       `bun:"major"`
		Targets   StringList `bun:"targets"`
		Connect   *int       `bun:"connect_timeout_ms"`
		Response  *int       `bun:"response_timeout_ms"`
		Origins   StringList `bun:"cors_origins"`
	}
	err = s.db.NewSelect().TableExpr("apis AS a").
		ColumnExpr("a.id, a.slug, a.upstreams, gd.major, gd.targets, gd.connect_timeout_ms, gd.response_timeout_ms, gd.cors_origins").
		Join("LEFT JOIN gateway_deployments AS gd ON gd.api_id = a.id AND gd.id IN (SELECT MAX(id) FROM gateway_deployments WHERE api_id IN (?) GROUP BY api_id, major)", bun.List(apiIDs)).
		Where("a.id IN (?)", bun.List(apiIDs)).OrderExpr("a.id").Scan(ctx, &rows)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("gateway target sources: %w", translate(err))
	}
	var as []GatewayRouteAPI
	var ds []GatewayDeployment
	for _, r := range rows {
		if len(as) == 0 || as[len(as)-1].ID != r.ID {
			as = append(as, GatewayRouteAPI{ID: r.ID, Slug: r.Slug, Upstreams: r.Upstreams})
		}
		if r.Major != nil {
			d := GatewayDeployment{APIID: r.ID, Major: *r.Major, Targets: r.Targets, CORSOrigins: r.Origins}
			if r.Connect != nil {
				d.ConnectTimeoutMS = *r.Connect
			}
			if r.Response != nil {
				d.ResponseTimeoutMS = *r.Response
			}
			ds = append(ds, d)
		}
	}
	return as, ds, vs, nil
}

// GatewayNodeApplied is what an active node has applied, what it refuses
// (RejectedVersion and RejectedHash, 0 and "" while it refuses nothing),
// and when it was last heard (by the database's clock; nil: never).
// LoggedHash is the hash the change log holds for AppliedVersion: the
// configuration the portal made of that version (nil when the log holds
// no such version: pruned, or never written, as after a restore of the
// database).
type GatewayNodeApplied struct {
	AppliedVersion  int64      `bun:"applied_version"`
	AppliedHash     string     `bun:"applied_hash"`
	RejectedVersion int64      `bun:"rejected_version"`
	RejectedHash    string     `bun:"rejected_hash"`
	LastSeenAt      *time.Time `bun:"last_seen_at"`
	LoggedHash      *string    `bun:"logged_hash"`
}

// GatewayNodesApplied reads, in one query, what every active (not revoked)
// node has applied with the hash the change log holds for that version,
// and the database's clock to compare their last contacts with (see
// ClockNow).
func (s *Store) GatewayNodesApplied(ctx context.Context) ([]GatewayNodeApplied, time.Time, error) {
	var rows []struct {
		GatewayNodeApplied
		Now *time.Time `bun:"db_now"`
	}
	q := s.db.NewSelect().TableExpr("gateway_nodes AS gn").
		ColumnExpr("gn.applied_version, gn.applied_hash, gn.rejected_version, gn.rejected_hash, gn.last_seen_at, gc.hash AS logged_hash").
		Join("LEFT JOIN gateway_changes AS gc ON gc.version = gn.applied_version").Where("gn.revoked_at IS NULL")
	if s.dialect == PostgreSQL {
		q = q.ColumnExpr("CURRENT_TIMESTAMP AS db_now")
	}
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, time.Time{}, fmt.Errorf("gateway nodes applied: %w", translate(err))
	}
	now := s.now()
	out := make([]GatewayNodeApplied, len(rows))
	for i := range rows {
		out[i] = rows[i].GatewayNodeApplied
		if rows[i].Now != nil {
			now = rows[i].Now.UTC()
		}
	}
	return out, now, nil
}

// GatewayRouteAPI is what a compile reads of an API.
type GatewayRouteAPI struct {
	ID        int64      `bun:"id"`
	Slug      string     `bun:"slug"`
	Upstreams StringList `bun:"upstreams"`
}

// GatewayRouteVersion is what a compile reads of a version.
type GatewayRouteVersion struct {
	APIID        int64      `bun:"api_id"`
	Version      string     `bun:"version"`
	Major        int        `bun:"major"`
	Minor        int        `bun:"minor"`
	Patch        int        `bun:"patch"`
	Prerelease   string     `bun:"prerelease"`
	State        string     `bun:"state"`
	DeprecatedAt *time.Time `bun:"deprecated_at"`
	SunsetAt     *time.Time `bun:"sunset_at"`
	Successor    string     `bun:"successor"`
	RetiredAt    *time.Time `bun:"retired_at"`
}

// The compile's reads below are written by hand and scanned by hand into
// typed slices, through statements prepared once on SQLite (queryHot): at
// 10,000 APIs and 50,000 keys, bun's reflection (a reflect.Append and a
// field lookup per column and row) and a new statement per compile were
// a large part of a compile of everything.

// gatewayLiveStates are the version states gateways serve.
const gatewayLiveStates = "('published', 'deprecated', 'retired')"

// GatewayRouteSources reads the APIs that have a published, deprecated or
// retired version, and those versions (never a spec); of one API when
// apiID is not 0.
func (s *Store) GatewayRouteSources(ctx context.Context, apiID int64) ([]GatewayRouteAPI, []GatewayRouteVersion, error) {
	q := "SELECT api_id, version, major, minor, patch, prerelease, state, deprecated_at, sunset_at, successor, retired_at FROM api_versions WHERE state IN " + gatewayLiveStates
	var args []any
	if apiID != 0 {
		q += " AND api_id = ?"
		args = append(args, apiID)
	}
	rows, err := s.queryHot(ctx, q, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("gateway route versions: %w", translate(err))
	}
	var vs []GatewayRouteVersion
	rv := newRowValues(11)
	err = scanRows(rows, func(rows *sql.Rows) error {
		if err := rv.scan(rows); err != nil {
			return err
		}
		vs = append(vs, GatewayRouteVersion{APIID: rv.int64(0), Version: rv.string(1), Major: rv.int(2), Minor: rv.int(3), Patch: rv.int(4),
			Prerelease: rv.string(5), State: rv.string(6), DeprecatedAt: rv.time(7), SunsetAt: rv.time(8), Successor: rv.string(9),
			RetiredAt: rv.time(10)})
		return rv.err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("gateway route versions: %w", translate(err))
	}
	q = "SELECT id, slug, upstreams FROM apis WHERE id IN (SELECT api_id FROM api_versions WHERE state IN " + gatewayLiveStates + ")"
	if apiID != 0 {
		// One API: its own versions looked up by the index, rather than
		// the API ids of every live version gathered first (3 ms at
		// 10,000 APIs, most of a key revocation's compile).
		q = "SELECT id, slug, upstreams FROM apis WHERE id = ? AND EXISTS (SELECT 1 FROM api_versions WHERE api_id = apis.id AND state IN " + gatewayLiveStates + ")"
	}
	rows, err = s.queryHot(ctx, q, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("gateway route apis: %w", translate(err))
	}
	as := make([]GatewayRouteAPI, 0, len(vs))
	rv = newRowValues(3)
	err = scanRows(rows, func(rows *sql.Rows) error {
		if err := rv.scan(rows); err != nil {
			return err
		}
		a := GatewayRouteAPI{ID: rv.int64(0), Slug: rv.string(1)}
		if err := a.Upstreams.Scan(rv.vals[2]); err != nil {
			return err
		}
		as = append(as, a)
		return rv.err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("gateway route apis: %w", translate(err))
	}
	return as, vs, nil
}

// scanRows calls scan for each of rows, then closes them.
func scanRows(rows *sql.Rows, scan func(*sql.Rows) error) error {
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// GatewayPlan is a plan as a compile reads it, with its API's slug.
type GatewayPlan struct {
	ID            int64  `bun:"id"`
	API           string `bun:"api"`
	Slug          string `bun:"slug"`
	RatePerMinute int    `bun:"rate_per_minute"`
	Burst         int    `bun:"burst"`
	QuotaPerDay   int64  `bun:"quota_per_day"`
}

// GatewayPlans returns every plan, or those of one API when apiID is not 0.
func (s *Store) GatewayPlans(ctx context.Context, apiID int64) ([]GatewayPlan, error) {
	q := "SELECT p.id, a.slug, p.slug, p.rate_per_minute, p.burst, p.quota_per_day FROM plans AS p JOIN apis AS a ON a.id = p.api_id"
	var args []any
	if apiID != 0 {
		q += " WHERE p.api_id = ?"
		args = append(args, apiID)
	}
	rows, err := s.queryHot(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("gateway plans: %w", translate(err))
	}
	var ps []GatewayPlan
	rv := newRowValues(6)
	err = scanRows(rows, func(rows *sql.Rows) error {
		if err := rv.scan(rows); err != nil {
			return err
		}
		ps = append(ps, GatewayPlan{ID: rv.int64(0), API: rv.string(1), Slug: rv.string(2), RatePerMinute: rv.int(3), Burst: rv.int(4), QuotaPerDay: rv.int64(5)})
		return rv.err
	})
	if err != nil {
		return nil, fmt.Errorf("gateway plans: %w", translate(err))
	}
	return ps, nil
}

// gatewayKeysWhere selects the keys a compile serves: active ones whose
// expiry and grace end are not before the argument (given twice).
const gatewayKeysWhere = " WHERE k.state = 'active' AND (k.expires_at IS NULL OR k.expires_at > ?) AND (k.grace_ends_at IS NULL OR k.grace_ends_at > ?)"

// GatewayKeysOf returns, in one query, the keys GatewayKeys pages through:
// active ones whose expiry and grace end are not before since; of one API
// when apiID is not 0.
func (s *Store) GatewayKeysOf(ctx context.Context, apiID int64, since time.Time) ([]GatewayKey, error) {
	sinceArg := s.timeArg(since)
	if apiID != 0 {
		// One API's keys (a few): their team, app and API slugs joined.
		rows, err := s.queryHot(ctx, "SELECT k.id, k.kid, k.key_hash, k.subscription_id, t.slug, app.slug, a.slug, k.major, k.plan_id, k.expires_at, k.grace_ends_at"+
			" FROM api_keys AS k JOIN subscriptions AS s ON s.id = k.subscription_id JOIN apps AS app ON app.id = s.app_id"+
			" JOIN teams AS t ON t.id = s.consumer_team_id JOIN apis AS a ON a.id = k.api_id"+gatewayKeysWhere+" AND k.api_id = ?",
			sinceArg, sinceArg, apiID)
		if err != nil {
			return nil, fmt.Errorf("gateway keys: %w", translate(err))
		}
		var out []GatewayKey
		err = scanRows(rows, func(rows *sql.Rows) error {
			out = append(out, GatewayKey{State: KeyActive})
			k := &out[len(out)-1]
			return rows.Scan(&k.ID, &k.Kid, &k.KeyHash, &k.SubscriptionID, &k.Team, &k.App, &k.API, &k.Major, &k.PlanID, &k.ExpiresAt, &k.GraceEndsAt)
		})
		if err != nil {
			return nil, fmt.Errorf("gateway keys: %w", translate(err))
		}
		return out, nil
	}
	// Every key: the rows carry their team's, app's and API's ids, whose
	// slugs are read afterwards, once each (an id of a team, app or API
	// deleted in between leaves its keys out, as the join would have).
	// Three joins and three text columns fewer per key row, and the slugs
	// are shared by the keys rather than copied into each. The rows are
	// read in id ranges at once, on as many connections.
	var maxID sql.NullInt64
	rows, err := s.queryHot(ctx, "SELECT max(id) FROM api_keys")
	if err != nil {
		return nil, fmt.Errorf("gateway keys: %w", translate(err))
	}
	if err := scanRows(rows, func(rows *sql.Rows) error { return rows.Scan(&maxID) }); err != nil {
		return nil, fmt.Errorf("gateway keys: %w", translate(err))
	}
	parts := int64(1)
	if maxID.Int64 >= keysSplitAt {
		parts = keysParts
	}
	type part struct {
		keys []GatewayKey
		ids  [][3]int64 // each key's team, app and API
	}
	ps := make([]part, parts)
	g, gctx := errgroup.WithContext(ctx)
	for i := range ps {
		from, to := maxID.Int64*int64(i)/parts, maxID.Int64*int64(i+1)/parts
		if i == len(ps)-1 {
			to = math.MaxInt64
		}
		g.Go(func() error {
			p := &ps[i]
			p.keys, p.ids = make([]GatewayKey, 0, min(to, maxID.Int64)-from), make([][3]int64, 0, min(to, maxID.Int64)-from)
			rows, err := s.queryHot(gctx, "SELECT k.id, k.kid, k.key_hash, k.subscription_id, s.consumer_team_id, s.app_id, k.api_id, k.major, k.plan_id, k.expires_at, k.grace_ends_at"+
				" FROM api_keys AS k JOIN subscriptions AS s ON s.id = k.subscription_id"+gatewayKeysWhere+" AND k.id > ? AND k.id <= ?", sinceArg, sinceArg, from, to)
			if err != nil {
				return err
			}
			rv := newRowValues(11)
			return scanRows(rows, func(rows *sql.Rows) error {
				if err := rv.scan(rows); err != nil {
					return err
				}
				p.keys = append(p.keys, GatewayKey{ID: rv.int64(0), Kid: rv.string(1), KeyHash: rv.string(2), SubscriptionID: rv.int64(3),
					Major: rv.int(7), PlanID: rv.int64(8), State: KeyActive, ExpiresAt: rv.time(9), GraceEndsAt: rv.time(10)})
				p.ids = append(p.ids, [3]int64{rv.int64(4), rv.int64(5), rv.int64(6)})
				return rv.err
			})
		})
	}
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("gateway keys: %w", translate(err))
	}
	var slugs [3]map[int64]string
	for i, table := range []string{"teams", "apps", "apis"} {
		if slugs[i], err = s.slugsByID(ctx, table); err != nil {
			return nil, err
		}
	}
	n := 0
	for i := range ps {
		n += len(ps[i].keys)
	}
	out := make([]GatewayKey, 0, n)
	for _, p := range ps {
		for i := range p.keys {
			k := &p.keys[i]
			var ok [3]bool
			k.Team, ok[0] = slugs[0][p.ids[i][0]]
			k.App, ok[1] = slugs[1][p.ids[i][1]]
			k.API, ok[2] = slugs[2][p.ids[i][2]]
			if ok == [3]bool{true, true, true} {
				out = append(out, *k)
			}
		}
	}
	return out, nil
}

// The compile reads the keys in keysParts id ranges at once when there
// are keysSplitAt or more.
const (
	keysParts   = 2
	keysSplitAt = 10_000
)

// slugsByID reads the slug of every row of table (teams, apps or apis).
func (s *Store) slugsByID(ctx context.Context, table string) (map[int64]string, error) {
	rows, err := s.queryHot(ctx, "SELECT id, slug FROM "+table)
	if err != nil {
		return nil, fmt.Errorf("%s slugs: %w", table, translate(err))
	}
	m := map[int64]string{}
	rv := newRowValues(2)
	err = scanRows(rows, func(rows *sql.Rows) error {
		if err := rv.scan(rows); err != nil {
			return err
		}
		m[rv.int64(0)] = rv.string(1)
		return rv.err
	})
	if err != nil {
		return nil, fmt.Errorf("%s slugs: %w", table, translate(err))
	}
	return m, nil
}

// timeArg is t as a query argument compares with the stored times: on
// SQLite the text bun writes for a time (UTC, microseconds), since SQLite
// compares the stored text.
func (s *Store) timeArg(t time.Time) any {
	if s.dialect == SQLite {
		return t.UTC().Format("2006-01-02 15:04:05.999999-07:00")
	}
	return t
}

// GatewayHead is the newest configuration's version and hash (0 and ""
// before the first compile).
type GatewayHead struct {
	Version int64
	Hash    string
}

// ReadGatewayHead returns the configuration's head.
func (s *Store) ReadGatewayHead(ctx context.Context) (GatewayHead, error) {
	var h GatewayHead
	err := s.db.NewSelect().Table("gateway_head").Column("version", "hash").Where("id = 1").Scan(ctx, &h.Version, &h.Hash)
	if err != nil {
		return h, fmt.Errorf("gateway head: %w", translate(err))
	}
	return h, nil
}

// GatewayLogEntry is one version of the configuration: the delta from the
// previous version, and the full snapshot when it is a checkpoint.
type GatewayLogEntry struct {
	bun.BaseModel `bun:"table:gateway_changes,alias:gc"`

	Version    int64   `bun:"version,pk"`
	BaseHash   string  `bun:"base_hash"`
	Hash       string  `bun:"hash"`
	Delta      string  `bun:"delta"`
	DeltaBytes int64   `bun:"delta_bytes"`
	Checkpoint *string `bun:"checkpoint"`
	// CheckpointBytes is the checkpoint's size (0 without one). Queries
	// find checkpoints by it rather than by checkpoint IS NOT NULL, which
	// SQLite answers by loading each row's megabytes of snapshot.
	CheckpointBytes int64 `bun:"checkpoint_bytes"`
	// CheckpointSince is, with the checkpoint, since which version each of
	// its routes has been as it is (its encoding is the control package's;
	// nil without a checkpoint, or for one written before it was recorded).
	CheckpointSince *string `bun:"checkpoint_since"`
	// Compiler is the version of the compiler that wrote it (see
	// control.Compiler); 0 for a version a portal wrote before they
	// recorded it.
	Compiler  int       `bun:"compiler"`
	CreatedAt time.Time `bun:"created_at"`
}

// GatewayChangeCompiler returns the compiler version that wrote the
// configuration's version (see GatewayLogEntry.Compiler); ErrNotFound when
// the change log no longer holds it.
func (s *Store) GatewayChangeCompiler(ctx context.Context, version int64) (int, error) {
	var c int
	err := s.db.NewSelect().Table("gateway_changes").Column("compiler").Where("version = ?", version).Scan(ctx, &c)
	if err != nil {
		return 0, fmt.Errorf("gateway change %d's compiler: %w", version, translate(err))
	}
	return c, nil
}

// TakeGatewayChange records compiler as the compiler of version when an
// older one wrote it: a newer compiler made the same configuration of the
// database. A pruned version is left alone.
func (s *Store) TakeGatewayChange(ctx context.Context, version int64, compiler int) error {
	if _, err := s.db.NewUpdate().Table("gateway_changes").Set("compiler = ?", compiler).
		Where("version = ? AND compiler < ?", version, compiler).Exec(ctx); err != nil {
		return fmt.Errorf("gateway change %d's compiler: %w", version, translate(err))
	}
	return nil
}

// AppendGatewayChange records c as the version after base and moves the
// head to it, inside db (the compile's transaction). It returns ErrConflict
// when the head is no longer base: another compile went first.
func (s *Store) AppendGatewayChange(ctx context.Context, db bun.IDB, base GatewayHead, c *GatewayLogEntry) error {
	res, err := db.NewUpdate().Table("gateway_head").
		Set("version = ?", c.Version).Set("hash = ?", c.Hash).Set("updated_at = ?", s.now()).
		Where("id = 1 AND version = ? AND hash = ?", base.Version, base.Hash).Exec(ctx)
	if err != nil {
		return fmt.Errorf("move gateway head: %w", translate(err))
	}
	if err := oneRow(res); err != nil {
		return fmt.Errorf("move gateway head from version %d: %w", base.Version, ErrConflict)
	}
	c.CreatedAt = s.now()
	if raw := rawExecer(db); raw != nil && s.dialect == SQLite {
		// The delta and checkpoint (megabytes at scale) are bound as
		// parameters: inlined in the statement, SQLite would parse them as
		// one huge string literal, after bun had escaped them into it.
		q := db.NewInsert().Model(c).Value("delta", "?").Value("checkpoint", "?").Value("checkpoint_since", "?").String()
		if _, err := raw.ExecContext(ctx, q, c.Delta, c.Checkpoint, c.CheckpointSince); err != nil {
			return fmt.Errorf("append gateway change %d: %w", c.Version, translate(err))
		}
		return nil
	}
	if _, err := db.NewInsert().Model(c).Exec(ctx); err != nil {
		return fmt.Errorf("append gateway change %d: %w", c.Version, translate(err))
	}
	return nil
}

// rawExecer returns the database/sql handle under db (nil for another
// kind of bun.IDB), whose ExecContext binds its arguments as the driver's
// parameters instead of bun's formatting them into the query.
func rawExecer(db bun.IDB) interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
} {
	switch v := db.(type) {
	case bun.Tx:
		return v.Tx
	case *bun.Tx:
		return v.Tx
	case *bun.DB:
		return v.DB
	case bun.Conn:
		return v.Conn
	}
	return nil
}

// GatewayChangesAfter returns the changes after version (deltas only), in
// order, at most limit.
func (s *Store) GatewayChangesAfter(ctx context.Context, version int64, limit int) ([]GatewayLogEntry, error) {
	var cs []GatewayLogEntry
	err := s.db.NewSelect().Model(&cs).ExcludeColumn("checkpoint", "checkpoint_since").
		Where("gc.version > ?", version).Order("gc.version").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("gateway changes: %w", translate(err))
	}
	return cs, nil
}

// LatestGatewayCheckpoint returns the newest checkpoint's version,
// snapshot and CheckpointSince ("" when it has none); ErrNotFound when
// there is none.
func (s *Store) LatestGatewayCheckpoint(ctx context.Context) (version int64, snapshot, since string, err error) {
	var c GatewayLogEntry
	err = s.db.NewSelect().Model(&c).Column("version", "checkpoint", "checkpoint_since").
		Where("gc.checkpoint_bytes > 0").Order("gc.version DESC").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) || errorsIsNotFound(translate(err)) {
		return 0, "", "", fmt.Errorf("gateway checkpoint: %w", ErrNotFound)
	}
	if err != nil {
		return 0, "", "", fmt.Errorf("gateway checkpoint: %w", translate(err))
	}
	if c.CheckpointSince != nil {
		since = *c.CheckpointSince
	}
	return c.Version, *c.Checkpoint, since, nil
}

// GatewayDeltaBytesSince sums the sizes of the deltas after the newest
// checkpoint, and returns that checkpoint's size (0 and 0 without one).
func (s *Store) GatewayDeltaBytesSince(ctx context.Context, db bun.IDB) (deltas, checkpoint int64, err error) {
	var cp struct {
		Version int64
		Size    int64
	}
	err = db.NewSelect().Table("gateway_changes").Column("version", "checkpoint_bytes").
		Where("checkpoint_bytes > 0").Order("version DESC").Limit(1).Scan(ctx, &cp.Version, &cp.Size)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("gateway checkpoint size: %w", translate(err))
	}
	var sum sql.NullInt64
	err = db.NewSelect().Table("gateway_changes").ColumnExpr("SUM(delta_bytes)").Where("version > ?", cp.Version).Scan(ctx, &sum)
	if err != nil {
		return 0, 0, fmt.Errorf("gateway delta sizes: %w", translate(err))
	}
	return sum.Int64, cp.Size, nil
}

// PruneGatewayChanges forgets what no instance needs any more: the
// snapshots of the checkpoints older than the second newest (the big part),
// and the changes that precede both that checkpoint and the newest keep
// versions (small deltas, kept so that an instance a little behind still
// catches up by deltas and answers its nodes with deltas). It returns how
// many changes it removed.
func (s *Store) PruneGatewayChanges(ctx context.Context, keep int64) (int64, error) {
	var versions []int64
	err := s.db.NewSelect().Table("gateway_changes").Column("version").
		Where("checkpoint_bytes > 0").Order("version DESC").Limit(2).Scan(ctx, &versions)
	if err != nil {
		return 0, fmt.Errorf("gateway checkpoints: %w", translate(err))
	}
	if len(versions) < 2 {
		return 0, nil
	}
	second := versions[1]
	if _, err := s.db.NewUpdate().Table("gateway_changes").Set("checkpoint = NULL").Set("checkpoint_bytes = 0").Set("checkpoint_since = NULL").
		Where("version < ? AND checkpoint_bytes > 0", second).Exec(ctx); err != nil {
		return 0, fmt.Errorf("prune gateway checkpoints: %w", translate(err))
	}
	res, err := s.db.NewDelete().Table("gateway_changes").Where("version < ? AND version <= ?", second, versions[0]-keep).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("prune gateway changes: %w", translate(err))
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// GatewayChanged records, inside db, that what gateways serve has changed
// (api names the API concerned, "" for a change of no API's).
func (s *Store) GatewayChanged(ctx context.Context, db bun.IDB, api string) error {
	return s.Enqueue(ctx, db, TopicGatewayChanged, GatewayChange{API: api})
}
