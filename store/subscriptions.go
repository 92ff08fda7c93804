package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"
)

// TopicGatewayChanged is the outbox topic written in the same transaction as
// every change to what the gateways serve (plans, subscription states, keys,
// and the versions' lifecycle); its payload is a GatewayChange.
//
// An outbox topic, once a landed version writes it, keeps a handler in the
// next version (cmd/portico's outboxHandlers): during a rolling upgrade the
// older instances' messages are left to, or taken by, the newer ones, and a
// topic no newer instance claims stays pending for good. Renaming a topic is
// adding one. When .ci/upgrade-from moves to a newer commit, list the topics
// that commit writes in releasedOutboxTopics (cmd/portico/
// outbox_topics_test.go), which checks them against the handlers.
const TopicGatewayChanged = "gateway.changed"

// GatewayChange is the payload of TopicGatewayChanged: the API whose gateway
// configuration changed.
type GatewayChange struct {
	API string `json:"api"`
}

// Plan is what an API offers its subscribers: limits and approval.
type Plan struct {
	bun.BaseModel `bun:"table:plans,alias:p"`

	ID    int64  `bun:"id,pk,autoincrement"`
	APIID int64  `bun:"api_id"`
	Slug  string `bun:"slug"`
	Name  string `bun:"name"`
	// SortKey is SortKey(Name), set by the store on every write of Name:
	// what an API's plans are ordered by.
	SortKey     string `bun:"sort_key"`
	Description string `bun:"description"`
	// RatePerMinute is the sustained rate per subscription (0: no limit),
	// Burst how many requests may come at once (0: the rate per minute),
	// QuotaPerDay the requests per day (0: no quota).
	RatePerMinute int       `bun:"rate_per_minute"`
	Burst         int       `bun:"burst"`
	QuotaPerDay   int64     `bun:"quota_per_day"`
	Approval      string    `bun:"approval"` // "auto" or "manual"
	Open          bool      `bun:"open"`     // accepts new subscriptions
	LockVersion   int64     `bun:"lock_version"`
	CreatedAt     time.Time `bun:"created_at"`
	UpdatedAt     time.Time `bun:"updated_at"`
}

// App is a consumer team's application: what subscribes to APIs.
type App struct {
	bun.BaseModel `bun:"table:apps,alias:app"`

	ID     int64  `bun:"id,pk,autoincrement"`
	TeamID int64  `bun:"team_id"`
	Slug   string `bun:"slug"`
	Name   string `bun:"name"`
	// SortKey is SortKey(Name), set by the store on every write of Name:
	// what lists of apps are ordered by.
	SortKey     string    `bun:"sort_key"`
	Description string    `bun:"description"`
	Contact     string    `bun:"contact"`
	CreatedBy   *int64    `bun:"created_by"`
	LockVersion int64     `bun:"lock_version"`
	CreatedAt   time.Time `bun:"created_at"`
	UpdatedAt   time.Time `bun:"updated_at"`
	// DeletedAt is when the app was removed (DeleteApp); nil while it is
	// not. A removed app is in no list and found by no slug, and its slug
	// is free again; its row stays for the history that names it.
	DeletedAt *time.Time `bun:"deleted_at"`

	Team *Team `bun:"rel:belongs-to,join:team_id=id"`
}

// Subscription is an app's subscription to an API's major version on a plan.
type Subscription struct {
	bun.BaseModel `bun:"table:subscriptions,alias:s"`

	ID             int64      `bun:"id,pk,autoincrement"`
	AppID          int64      `bun:"app_id"`
	ConsumerTeamID int64      `bun:"consumer_team_id"`
	APIID          int64      `bun:"api_id"`
	ProviderTeamID int64      `bun:"provider_team_id"`
	Major          int        `bun:"major"`
	PlanID         int64      `bun:"plan_id"`
	State          string     `bun:"state"`
	Purpose        string     `bun:"purpose"`
	Reason         string     `bun:"reason"` // of a rejection or revocation
	RequestedBy    *int64     `bun:"requested_by"`
	DecidedBy      *int64     `bun:"decided_by"`
	LockVersion    int64      `bun:"lock_version"`
	CreatedAt      time.Time  `bun:"created_at"`
	UpdatedAt      time.Time  `bun:"updated_at"`
	DecidedAt      *time.Time `bun:"decided_at"`
	EndedAt        *time.Time `bun:"ended_at"`

	App          *App  `bun:"rel:belongs-to,join:app_id=id"`
	API          *API  `bun:"rel:belongs-to,join:api_id=id"`
	Plan         *Plan `bun:"rel:belongs-to,join:plan_id=id"`
	ConsumerTeam *Team `bun:"rel:belongs-to,join:consumer_team_id=id"`
	ProviderTeam *Team `bun:"rel:belongs-to,join:provider_team_id=id"`
	Requester    *User `bun:"rel:belongs-to,join:requested_by=id"`
}

// APIKey is a subscription's key. Only the SHA-256 of the key is stored; the
// API, major and plan are the subscription's, copied for the gateway.
type APIKey struct {
	bun.BaseModel `bun:"table:api_keys,alias:k"`

	ID             int64      `bun:"id,pk,autoincrement"`
	Kid            string     `bun:"kid"`
	SubscriptionID int64      `bun:"subscription_id"`
	APIID          int64      `bun:"api_id"`
	Major          int        `bun:"major"`
	PlanID         int64      `bun:"plan_id"`
	Name           string     `bun:"name"`
	KeyHash        string     `bun:"key_hash"`
	State          string     `bun:"state"` // "active" or "revoked"
	CreatedBy      *int64     `bun:"created_by"`
	CreatedAt      time.Time  `bun:"created_at"`
	ExpiresAt      *time.Time `bun:"expires_at"`
	GraceEndsAt    *time.Time `bun:"grace_ends_at"`
	RevokedAt      *time.Time `bun:"revoked_at"`
	LastUsedAt     *time.Time `bun:"last_used_at"`
	RotatedTo      *int64     `bun:"rotated_to"`

	Creator *User `bun:"rel:belongs-to,join:created_by=id"`
}

// Key states.
const (
	KeyActive  = "active"
	KeyRevoked = "revoked"
)

// Until is when the key stops verifying: the earlier of its expiry and its
// grace end (nil: never).
func (k *APIKey) Until() *time.Time {
	switch {
	case k.ExpiresAt == nil:
		return k.GraceEndsAt
	case k.GraceEndsAt == nil || k.ExpiresAt.Before(*k.GraceEndsAt):
		return k.ExpiresAt
	}
	return k.GraceEndsAt
}

// Live reports whether the key verifies at now.
func (k *APIKey) Live(now time.Time) bool {
	u := k.Until()
	return k.State == KeyActive && (u == nil || now.Before(*u))
}

// CreatePlan inserts p, created at at. It returns ErrConflict when the API
// has a plan with its slug.
func (s *Store) CreatePlan(ctx context.Context, db bun.IDB, p *Plan, at time.Time) error {
	now := Stored(at)
	p.CreatedAt, p.UpdatedAt, p.LockVersion = now, now, 1
	p.SortKey = SortKey(p.Name)
	if _, err := db.NewInsert().Model(p).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("create plan %q: %w", p.Slug, translate(err))
	}
	return nil
}

// UpdatePlan saves the editable fields of p if nobody changed it since it
// was read, updated at at; otherwise it returns ErrConflict.
func (s *Store) UpdatePlan(ctx context.Context, db bun.IDB, p *Plan, at time.Time) error {
	p.UpdatedAt = Stored(at)
	p.SortKey = SortKey(p.Name)
	res, err := db.NewUpdate().Model(p).
		Column("name", "sort_key", "description", "rate_per_minute", "burst", "quota_per_day", "approval", "open", "updated_at").
		Set("lock_version = lock_version + 1").
		Where("id = ? AND lock_version = ?", p.ID, p.LockVersion).Exec(ctx)
	if err != nil {
		return fmt.Errorf("update plan %q: %w", p.Slug, translate(err))
	}
	if oneRow(res) != nil {
		return fmt.Errorf("update plan %q: changed meanwhile: %w", p.Slug, ErrConflict)
	}
	p.LockVersion++
	return nil
}

// Plans returns the plans of an API by name.
func (s *Store) Plans(ctx context.Context, apiID int64) ([]Plan, error) {
	// Every API page shows them: through a prepared statement.
	memo := memoOf(ctx)
	if memo != nil {
		if ps, ok := memo.getPlans(apiID); ok {
			return ps, nil
		}
	}
	ps, err := readHot(ctx, s, plansQuery, planFields, apiID)
	if err != nil {
		return nil, fmt.Errorf("plans: %w", translate(err))
	}
	if memo != nil {
		memo.putPlans(apiID, ps)
	}
	return ps, nil
}

// PlansOf returns the plans of several APIs, by API id.
func (s *Store) PlansOf(ctx context.Context, apiIDs []int64) (map[int64][]Plan, error) {
	out := map[int64][]Plan{}
	if len(apiIDs) == 0 {
		return out, nil
	}
	var ps []Plan
	if err := s.db.NewSelect().Model(&ps).Where("p.api_id IN (?)", bun.List(apiIDs)).Order("p.sort_key", "p.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("plans: %w", translate(err))
	}
	for _, p := range ps {
		out[p.APIID] = append(out[p.APIID], p)
	}
	return out, nil
}

// PlanBySlug returns the plan of an API with slug.
func (s *Store) PlanBySlug(ctx context.Context, apiID int64, slug string) (*Plan, error) {
	if !findable(slug) {
		return nil, fmt.Errorf("plan %q: %w", slug, ErrNotFound)
	}
	p := new(Plan)
	if err := s.db.NewSelect().Model(p).Where("p.api_id = ? AND p.slug = ?", apiID, slug).Scan(ctx); err != nil {
		return nil, fmt.Errorf("plan %q: %w", slug, translate(err))
	}
	return p, nil
}

// CreateApp inserts a, created at at. It returns ErrConflict when the slug
// is taken.
func (s *Store) CreateApp(ctx context.Context, db bun.IDB, a *App, at time.Time) error {
	if err := s.liveTeam(ctx, db, a.TeamID); err != nil {
		return fmt.Errorf("create app %q: %w", a.Slug, err)
	}
	now := Stored(at)
	a.CreatedAt, a.UpdatedAt, a.LockVersion = now, now, 1
	a.SortKey = SortKey(a.Name)
	if _, err := db.NewInsert().Model(a).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("create app %q: %w", a.Slug, translate(err))
	}
	return nil
}

// UpdateApp saves the editable fields of a if nobody changed it since it
// was read, updated at at; otherwise it returns ErrConflict.
func (s *Store) UpdateApp(ctx context.Context, db bun.IDB, a *App, at time.Time) error {
	a.UpdatedAt = Stored(at)
	a.SortKey = SortKey(a.Name)
	res, err := db.NewUpdate().Model(a).Column("name", "sort_key", "description", "contact", "updated_at").
		Set("lock_version = lock_version + 1").
		Where("id = ? AND lock_version = ? AND deleted_at IS NULL", a.ID, a.LockVersion).Exec(ctx)
	if err != nil {
		return fmt.Errorf("update app %q: %w", a.Slug, translate(err))
	}
	if oneRow(res) != nil {
		return fmt.Errorf("update app %q: changed meanwhile: %w", a.Slug, ErrConflict)
	}
	a.LockVersion++
	return nil
}

// AppBySlug returns the app with slug and its team; a removed app is not
// found.
func (s *Store) AppBySlug(ctx context.Context, slug string) (*App, error) {
	if !findable(slug) {
		return nil, fmt.Errorf("app %q: %w", slug, ErrNotFound)
	}
	a := new(App)
	if err := s.db.NewSelect().Model(a).Relation("Team").Where("app.slug = ? AND app.deleted_at IS NULL", slug).Scan(ctx); err != nil {
		return nil, fmt.Errorf("app %q: %w", slug, translate(err))
	}
	return a, nil
}

// AppCursor is where a page of apps by name (sort_key) then id starts:
// after the app with id ID whose sort key was Key (the zero value: from
// the first). It carries the key the previous page's last app had, as
// stored (App.SortKey, which an app an older instance wrote may lack, ”),
// so renaming that app meanwhile neither skips nor repeats the others, and
// the next page starts where the ORDER BY put it.
type AppCursor struct {
	Key string
	ID  int64
}

// AppCursorAfter is the cursor of the page after a.
func AppCursorAfter(a App) AppCursor { return AppCursor{Key: a.SortKey, ID: a.ID} }

// AppsOf returns up to limit apps (not removed) of the teams (nil: every team) with
// their teams, by name (SortKey) then id, after the cursor after. The page
// is one range of the apps_team_sort_key_idx index per team. The cursor
// compares as the ORDER BY does: the same columns, both byte by byte.
func (s *Store) AppsOf(ctx context.Context, teamIDs []int64, after AppCursor, limit int) ([]App, error) {
	var apps []App
	q := s.db.NewSelect().Model(&apps).Relation("Team").Where("app.deleted_at IS NULL")
	if teamIDs != nil {
		if len(teamIDs) == 0 {
			return nil, nil
		}
		q = q.Where("app.team_id IN (?)", bun.List(teamIDs))
	}
	if after.ID > 0 {
		q = q.Where("(app.sort_key, app.id) > (?, ?)", after.Key, after.ID)
	}
	if err := q.Order("app.sort_key", "app.id").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("apps: %w", translate(err))
	}
	return apps, nil
}

// CreateSubscription inserts sub, created and updated at at: the instant
// of the operation, which the caller also gives an auto-approved
// subscription's decided_at, so that one write has one time (a second clock
// read would put the decision before the creation). It returns ErrConflict
// when the app has a live (pending or active) subscription to the same API
// and major.
func (s *Store) CreateSubscription(ctx context.Context, db bun.IDB, sub *Subscription, at time.Time) error {
	at = Stored(at)
	sub.CreatedAt, sub.UpdatedAt, sub.LockVersion = at, at, 1
	if _, err := db.NewInsert().Model(sub).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("create subscription: %w", translate(err))
	}
	return nil
}

// subscriptionQuery selects subscriptions with their app, API (without
// description), plan, teams and requester.
func (s *Store) subscriptionQuery(db bun.IDB, dst any) *bun.SelectQuery {
	return db.NewSelect().Model(dst).
		Relation("App", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Column("id", "team_id", "slug", "name", "deleted_at")
		}).
		Relation("API", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Column("id", "team_id", "slug", "name", "visibility")
		}).
		Relation("Plan").
		Relation("ConsumerTeam", func(q *bun.SelectQuery) *bun.SelectQuery { return q.Column("id", "slug", "name") }).
		Relation("ProviderTeam", func(q *bun.SelectQuery) *bun.SelectQuery { return q.Column("id", "slug", "name") }).
		Relation("Requester", func(q *bun.SelectQuery) *bun.SelectQuery { return q.Column("id", "username", "display_name") })
}

// SubscriptionByID returns a subscription with its app, API, plan and teams.
func (s *Store) SubscriptionByID(ctx context.Context, id int64) (*Subscription, error) {
	sub := new(Subscription)
	if err := s.subscriptionQuery(s.db, sub).Where("s.id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("subscription %d: %w", id, translate(err))
	}
	return sub, nil
}

// SubscriptionFilter narrows a listing of subscriptions.
type SubscriptionFilter struct {
	// ConsumerTeams keeps the subscriptions of these teams' apps;
	// ProviderTeams those to these teams' APIs. Nil means every team; an
	// empty, non-nil list matches nothing.
	ConsumerTeams []int64
	ProviderTeams []int64
	States        []string
	AppID         int64
	APIID         int64
	// BeforeID pages: only subscriptions with a smaller id (newest first).
	BeforeID int64
	// Oldest lists oldest first (the inbox), AfterID paging it.
	Oldest  bool
	AfterID int64
	Limit   int
}

func (f SubscriptionFilter) empty() bool {
	return (f.ConsumerTeams != nil && len(f.ConsumerTeams) == 0) || (f.ProviderTeams != nil && len(f.ProviderTeams) == 0)
}

func (f SubscriptionFilter) apply(q *bun.SelectQuery) *bun.SelectQuery {
	if f.ConsumerTeams != nil {
		q = q.Where("s.consumer_team_id IN (?)", bun.List(f.ConsumerTeams))
	}
	if f.ProviderTeams != nil {
		q = q.Where("s.provider_team_id IN (?)", bun.List(f.ProviderTeams))
	}
	if len(f.States) > 0 {
		q = q.Where("s.state IN (?)", bun.List(f.States))
	}
	if f.AppID != 0 {
		q = q.Where("s.app_id = ?", f.AppID)
	}
	if f.APIID != 0 {
		q = q.Where("s.api_id = ?", f.APIID)
	}
	return q
}

// Subscriptions lists subscriptions, newest first (oldest first with
// Oldest), at most f.Limit (1 to 500, default 50).
func (s *Store) Subscriptions(ctx context.Context, f SubscriptionFilter) ([]Subscription, error) {
	if f.empty() {
		return nil, nil
	}
	var subs []Subscription
	q := f.apply(s.subscriptionQuery(s.db, &subs))
	if f.Oldest {
		if f.AfterID > 0 {
			q = q.Where("s.id > ?", f.AfterID)
		}
		q = q.Order("s.id")
	} else {
		if f.BeforeID > 0 {
			q = q.Where("s.id < ?", f.BeforeID)
		}
		q = q.Order("s.id DESC")
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	if err := q.Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("subscriptions: %w", translate(err))
	}
	return subs, nil
}

// CountSubscriptions counts the subscriptions f matches (paging ignored).
func (s *Store) CountSubscriptions(ctx context.Context, f SubscriptionFilter) (int, error) {
	if f.empty() {
		return 0, nil
	}
	if f.ConsumerTeams == nil && f.AppID == 0 && f.APIID == 0 && len(f.States) == 1 && len(f.ProviderTeams) <= 1 {
		// The navigation's question on every page (requests waiting for
		// the user's decision): a statement kept prepared.
		return s.countHot(ctx, f)
	}
	n, err := f.apply(s.db.NewSelect().Model((*Subscription)(nil))).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("count subscriptions: %w", translate(err))
	}
	return int(n), nil
}

// countHot counts the subscriptions in one state, of one provider team
// or of all (f.ProviderTeams nil), through a prepared statement.
func (s *Store) countHot(ctx context.Context, f SubscriptionFilter) (int, error) {
	query, args := "SELECT count(*) FROM subscriptions WHERE state = ?", []any{f.States[0]}
	if f.ProviderTeams != nil {
		query, args = "SELECT count(*) FROM subscriptions WHERE provider_team_id = ? AND state = ?", []any{f.ProviderTeams[0], f.States[0]}
	}
	n, err := s.countRows(ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("count subscriptions: %w", translate(err))
	}
	return n, nil
}

// TransitionSubscription saves sub's new state, decision and end if it is
// still in state from at the lock version read; otherwise ErrConflict. at
// is the transition's instant, the decided_at or ended_at the caller set:
// the row is updated at that same time.
func (s *Store) TransitionSubscription(ctx context.Context, db bun.IDB, sub *Subscription, from string, at time.Time) error {
	sub.UpdatedAt = Stored(at)
	res, err := db.NewUpdate().Model(sub).
		Column("state", "reason", "decided_by", "decided_at", "ended_at", "updated_at").
		Set("lock_version = lock_version + 1").
		Where("id = ? AND state = ? AND lock_version = ?", sub.ID, from, sub.LockVersion).Exec(ctx)
	if err != nil {
		return fmt.Errorf("subscription %d: %w", sub.ID, translate(err))
	}
	if oneRow(res) != nil {
		return fmt.Errorf("subscription %d changed meanwhile: %w", sub.ID, ErrConflict)
	}
	sub.LockVersion++
	return nil
}

// LiveSubscriptionsOf returns up to limit pending or active subscriptions
// to an API's major, oldest first, with their apps and teams, and how many
// there are in all.
func (s *Store) LiveSubscriptionsOf(ctx context.Context, db bun.IDB, apiID int64, major, limit int) ([]Subscription, int, error) {
	var subs []Subscription
	q := s.subscriptionQuery(db, &subs).Where("s.api_id = ? AND s.major = ? AND s.state IN (?)", apiID, major, bun.List([]string{"pending", "active"}))
	n, err := scanAndCount(ctx, q.Order("s.id").Limit(int64(limit)))
	if err != nil {
		return nil, 0, fmt.Errorf("live subscriptions: %w", translate(err))
	}
	return subs, n, nil
}

// LiveSubscriptionsOutside returns the pending and active subscriptions
// to an API (every major) of apps of teams other than teamID, oldest
// first, at most limit, and how many there are in all.
func (s *Store) LiveSubscriptionsOutside(ctx context.Context, db bun.IDB, apiID, teamID int64, limit int) ([]Subscription, int, error) {
	var subs []Subscription
	q := s.subscriptionQuery(db, &subs).Where("s.api_id = ? AND s.consumer_team_id <> ? AND s.state IN (?)", apiID, teamID, bun.List([]string{"pending", "active"}))
	n, err := scanAndCount(ctx, q.Order("s.id").Limit(int64(limit)))
	if err != nil {
		return nil, 0, fmt.Errorf("live subscriptions of other teams: %w", translate(err))
	}
	return subs, n, nil
}

// LockAPIVisibility reads an API's visibility and team inside tx and holds
// them until tx ends, so that a subscription written in tx and a change
// of the API to team-only, or its move to another team, cannot both
// commit: whichever comes second sees the other. On PostgreSQL the row is
// locked FOR SHARE (dialect-specific); on SQLite the transaction holds the
// database's write lock from its start.
func (s *Store) LockAPIVisibility(ctx context.Context, db bun.IDB, apiID int64) (visibility string, teamID int64, err error) {
	q := db.NewSelect().Model((*API)(nil)).Column("visibility", "team_id").Where("id = ?", apiID)
	if s.dialect == PostgreSQL {
		q = q.For("SHARE")
	}
	if err := q.Scan(ctx, &visibility, &teamID); err != nil {
		return "", 0, fmt.Errorf("api visibility: %w", translate(err))
	}
	return visibility, teamID, nil
}

// LockPlan returns a plan as committed now and, on PostgreSQL, holds its
// row against changes until the end of the transaction (SQLite writes one
// transaction at a time): a subscription is created under the plan's
// openness and approval as they stand when it commits.
func (s *Store) LockPlan(ctx context.Context, db bun.IDB, id int64) (*Plan, error) {
	p := new(Plan)
	q := db.NewSelect().Model(p).Where("p.id = ?", id)
	if s.dialect == PostgreSQL {
		q = q.For("SHARE")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("plan %d: %w", id, translate(err))
	}
	return p, nil
}

// SubscriberUsers returns the ids of the enabled users who manage the apps
// of the pending or active subscriptions to an API's major (those told of
// its deprecation): the developers, maintainers and owners of their teams.
func (s *Store) SubscriberUsers(ctx context.Context, db bun.IDB, apiID int64, major int) ([]int64, error) {
	teams := db.NewSelect().Model((*Subscription)(nil)).Column("consumer_team_id").
		Where("api_id = ? AND major = ? AND state IN (?)", apiID, major, bun.List([]string{"pending", "active"}))
	ids, err := appManagers(ctx, db, teams)
	if err != nil {
		return nil, fmt.Errorf("subscriber users: %w", err)
	}
	return ids, nil
}

// AppManagers returns the ids of the enabled developers, maintainers and
// owners of the teams with these ids: those who manage the teams' apps and
// subscriptions.
func (s *Store) AppManagers(ctx context.Context, db bun.IDB, teamIDs []int64) ([]int64, error) {
	if len(teamIDs) == 0 {
		return nil, nil
	}
	ids, err := appManagers(ctx, db, bun.List(teamIDs))
	if err != nil {
		return nil, fmt.Errorf("app managers: %w", err)
	}
	return ids, nil
}

// appManagers is AppManagers for the teams that teams (a subquery or a
// list) names.
func appManagers(ctx context.Context, db bun.IDB, teams any) ([]int64, error) {
	var ids []int64
	err := db.NewSelect().Model((*TeamMember)(nil)).Distinct().Column("user_id").
		Where("team_id IN (?)", teams).
		Where("role IN (?)", bun.List([]string{"owner", "maintainer", "developer"})).
		Where("user_id IN (?)", enabledUsers(db)).
		Order("user_id").Scan(ctx, &ids)
	if err != nil {
		return nil, translate(err)
	}
	return ids, nil
}

// EndSubscriptions ends every pending or active subscription to an API's
// major (the version it used is retired) and revokes their keys. It
// returns the subscriptions it ended, with their apps and teams.
//
// The update itself picks the live subscriptions: one cancelled or revoked
// by a transaction that commits meanwhile is no longer live when the
// update reaches its row (PostgreSQL reads it again after the lock), and
// stays as that transaction left it, reason included. at is the instant
// of the retirement: the subscriptions end and their keys are revoked then.
func (s *Store) EndSubscriptions(ctx context.Context, db bun.IDB, apiID int64, major int, reason string, at time.Time) ([]Subscription, error) {
	now := Stored(at)
	var ids []int64
	if err := db.NewUpdate().Model((*Subscription)(nil)).
		Set("state = ?", "ended").Set("ended_at = ?", now).Set("reason = ?", reason).Set("updated_at = ?", now).
		Set("lock_version = lock_version + 1").
		Where("api_id = ? AND major = ? AND state IN (?)", apiID, major, bun.List([]string{"pending", "active"})).
		Returning("id").Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("end subscriptions: %w", translate(err))
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var subs []Subscription
	if err := s.subscriptionQuery(db, &subs).Where("s.id IN (?)", bun.List(ids)).Order("s.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("ended subscriptions: %w", translate(err))
	}
	if err := s.lockActiveKeysOf(ctx, db, ids); err != nil {
		return nil, fmt.Errorf("revoke keys of ended subscriptions: %w", err)
	}
	if _, err := db.NewUpdate().Model((*APIKey)(nil)).
		Set("state = ?", KeyRevoked).Set("revoked_at = ?", now).
		Where("subscription_id IN (?) AND state = ?", bun.List(ids), KeyActive).Exec(ctx); err != nil {
		return nil, fmt.Errorf("revoke keys of ended subscriptions: %w", translate(err))
	}
	return subs, nil
}

// LockLiveApp locks app id's row FOR SHARE (PostgreSQL) for the rest of
// db's transaction, so that a removal (DeleteApp, which locks it FOR
// UPDATE) waits for the subscription being written or has committed
// before it, and returns ErrNotFound when the app was removed meanwhile.
// On SQLite the transaction holds the database.
func (s *Store) LockLiveApp(ctx context.Context, db bun.IDB, id int64) error {
	q := db.NewSelect().Model((*App)(nil)).Column("id").Where("id = ? AND deleted_at IS NULL", id)
	if s.dialect == PostgreSQL {
		q = q.For("SHARE")
	}
	var got int64
	if err := q.Scan(ctx, &got); err != nil {
		return fmt.Errorf("app %d: %w", id, translate(err))
	}
	return nil
}

// DeleteApp removes app a at at inside db's transaction: it cancels every
// pending or active subscription of the app with reason, revokes every
// active key of those subscriptions at once (no grace) and marks the app
// removed (deleted_at), freeing its slug. It returns the subscriptions it
// cancelled, with their apps, APIs, plans and teams, and the state each was
// in before (by id), or ErrNotFound when the app was removed meanwhile.
//
// On PostgreSQL the app's row is locked FOR UPDATE first: a subscription
// being created for it (which locks the row FOR SHARE, LockLiveApp) either
// committed before, and is cancelled here, or waits and then finds the app
// gone. The live subscriptions are locked FOR UPDATE before they are
// cancelled: a key being issued, which locks its subscription's row
// (TouchActiveSubscription), either committed before, and the key is
// revoked here (each statement reads what committed before it), or waits
// and finds the subscription cancelled; a concurrent approval or
// cancellation likewise.
func (s *Store) DeleteApp(ctx context.Context, db bun.IDB, a *App, reason string, at time.Time) ([]Subscription, map[int64]string, error) {
	now := Stored(at)
	if s.dialect == PostgreSQL {
		var id int64
		if err := db.NewSelect().Model((*App)(nil)).Column("id").Where("id = ? AND deleted_at IS NULL", a.ID).For("UPDATE").Scan(ctx, &id); err != nil {
			return nil, nil, fmt.Errorf("delete app %q: %w", a.Slug, translate(err))
		}
	}
	res, err := db.NewUpdate().Model((*App)(nil)).Set("deleted_at = ?", now).Set("updated_at = ?", now).
		Set("lock_version = lock_version + 1").Where("id = ? AND deleted_at IS NULL", a.ID).Exec(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("delete app %q: %w", a.Slug, translate(err))
	}
	if err := oneRow(res); err != nil {
		return nil, nil, fmt.Errorf("delete app %q: %w", a.Slug, ErrNotFound)
	}
	var live []struct {
		ID    int64  `bun:"id"`
		State string `bun:"state"`
	}
	q := db.NewSelect().Model((*Subscription)(nil)).Column("id", "state").
		Where("app_id = ? AND state IN (?)", a.ID, bun.List([]string{"pending", "active"})).Order("id")
	if s.dialect == PostgreSQL {
		q = q.For("UPDATE")
	}
	if err := q.Scan(ctx, &live); err != nil {
		return nil, nil, fmt.Errorf("delete app %q: live subscriptions: %w", a.Slug, translate(err))
	}
	ids := make([]int64, len(live))
	from := make(map[int64]string, len(live))
	for i, l := range live {
		ids[i], from[l.ID] = l.ID, l.State
	}
	if len(ids) > 0 {
		if _, err := db.NewUpdate().Model((*Subscription)(nil)).
			Set("state = ?", "cancelled").Set("ended_at = ?", now).Set("reason = ?", reason).Set("updated_at = ?", now).
			Set("lock_version = lock_version + 1").
			Where("id IN (?)", bun.List(ids)).Exec(ctx); err != nil {
			return nil, nil, fmt.Errorf("delete app %q: cancel subscriptions: %w", a.Slug, translate(err))
		}
	}
	a.DeletedAt = &now
	a.LockVersion++
	if len(ids) == 0 {
		return nil, nil, nil
	}
	var subs []Subscription
	if err := s.subscriptionQuery(db, &subs).Where("s.id IN (?)", bun.List(ids)).Order("s.id").Scan(ctx); err != nil {
		return nil, nil, fmt.Errorf("delete app %q: cancelled subscriptions: %w", a.Slug, translate(err))
	}
	if err := s.lockActiveKeysOf(ctx, db, ids); err != nil {
		return nil, nil, fmt.Errorf("delete app %q: revoke keys: %w", a.Slug, err)
	}
	if _, err := db.NewUpdate().Model((*APIKey)(nil)).
		Set("state = ?", KeyRevoked).Set("revoked_at = ?", now).
		Where("subscription_id IN (?) AND state = ?", bun.List(ids), KeyActive).Exec(ctx); err != nil {
		return nil, nil, fmt.Errorf("delete app %q: revoke keys: %w", a.Slug, translate(err))
	}
	return subs, from, nil
}

// lockKeys locks the rows of the keys with these ids on PostgreSQL, in id
// order, 500 at a time: every transaction that writes several keys (an
// ingest setting their last use, the end of subscriptions revoking them)
// locks them in that one order first, so that two of them wait for each
// other rather than deadlock. The caller checks the dialect.
func lockKeys(ctx context.Context, db bun.IDB, ids []int64) error {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	for start := 0; start < len(ids); start += 500 {
		var locked []int64
		if err := db.NewSelect().Table("api_keys").Column("id").Where("id IN (?)", bun.List(ids[start:min(start+500, len(ids))])).
			Order("id").For("UPDATE").Scan(ctx, &locked); err != nil {
			return translate(err)
		}
	}
	return nil
}

// lockActiveKeysOf locks, on PostgreSQL, the active keys of subscriptions
// in id order (lockKeys) before a statement revokes them.
func (s *Store) lockActiveKeysOf(ctx context.Context, db bun.IDB, subscriptionIDs []int64) error {
	if s.dialect != PostgreSQL {
		return nil
	}
	var ids []int64
	if err := db.NewSelect().Table("api_keys").Column("id").
		Where("subscription_id IN (?) AND state = ?", bun.List(subscriptionIDs), KeyActive).Scan(ctx, &ids); err != nil {
		return translate(err)
	}
	return lockKeys(ctx, db, ids)
}

// CreateKey inserts k, created at at.
func (s *Store) CreateKey(ctx context.Context, db bun.IDB, k *APIKey, at time.Time) error {
	k.CreatedAt = Stored(at)
	if _, err := db.NewInsert().Model(k).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("create key: %w", translate(err))
	}
	return nil
}

// KeyByKid returns the key with public id kid.
func (s *Store) KeyByKid(ctx context.Context, kid string) (*APIKey, error) {
	if !findable(kid) {
		return nil, fmt.Errorf("key %q: %w", kid, ErrNotFound)
	}
	k := new(APIKey)
	if err := s.db.NewSelect().Model(k).Relation("Creator", func(q *bun.SelectQuery) *bun.SelectQuery { return q.Column("id", "username") }).
		Where("k.kid = ?", kid).Scan(ctx); err != nil {
		return nil, fmt.Errorf("key %q: %w", kid, translate(err))
	}
	return k, nil
}

// KeyByHash returns the key whose stored hash is keyHash: one indexed lookup.
func (s *Store) KeyByHash(ctx context.Context, keyHash string) (*APIKey, error) {
	k := new(APIKey)
	if err := s.db.NewSelect().Model(k).Where("k.key_hash = ?", keyHash).Scan(ctx); err != nil {
		return nil, fmt.Errorf("key by hash: %w", translate(err))
	}
	return k, nil
}

// KeysBefore returns at most limit keys of a subscription, newest first,
// those with an id below beforeID when it is not 0.
func (s *Store) KeysBefore(ctx context.Context, subscriptionID, beforeID int64, limit int) ([]APIKey, error) {
	var ks []APIKey
	q := s.db.NewSelect().Model(&ks).Relation("Creator", func(q *bun.SelectQuery) *bun.SelectQuery { return q.Column("id", "username") }).
		Where("k.subscription_id = ?", subscriptionID)
	if beforeID > 0 {
		q = q.Where("k.id < ?", beforeID)
	}
	if err := q.Order("k.id DESC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("keys: %w", translate(err))
	}
	return ks, nil
}

// liveKeys is the condition of a key that verifies at ? (given twice):
// active, not expired, not past its grace end.
const liveKeys = "k.state = 'active' AND (k.expires_at IS NULL OR k.expires_at > ?) AND (k.grace_ends_at IS NULL OR k.grace_ends_at > ?)"

// SubscriptionKeys is what a list of subscriptions shows of each one's
// keys: those that verify, all of them, and the newest of those that
// ended (revoked, expired, rotated out), with how many ended.
type SubscriptionKeys struct {
	Live       []APIKey
	Ended      []APIKey
	EndedTotal int
}

// KeysOverview returns, by subscription id, the subscriptions' keys that
// verify at now and at most ended of their newest ended keys, each newest
// first, with the count of their ended keys.
func (s *Store) KeysOverview(ctx context.Context, subscriptionIDs []int64, now time.Time, ended int) (map[int64]*SubscriptionKeys, error) {
	out := map[int64]*SubscriptionKeys{}
	if len(subscriptionIDs) == 0 {
		return out, nil
	}
	for _, id := range subscriptionIDs {
		out[id] = &SubscriptionKeys{}
	}
	now = now.UTC()
	creator := func(q *bun.SelectQuery) *bun.SelectQuery { return q.Column("id", "username") }
	var live []APIKey
	if err := s.db.NewSelect().Model(&live).Relation("Creator", creator).
		Where("k.subscription_id IN (?)", bun.List(subscriptionIDs)).Where(liveKeys, now, now).Order("k.id DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("keys: %w", translate(err))
	}
	for _, k := range live {
		out[k.SubscriptionID].Live = append(out[k.SubscriptionID].Live, k)
	}
	var counts []struct {
		SubscriptionID int64 `bun:"subscription_id"`
		N              int   `bun:"n"`
	}
	if err := s.db.NewSelect().TableExpr("api_keys AS k").ColumnExpr("k.subscription_id, COUNT(*) AS n").
		Where("k.subscription_id IN (?)", bun.List(subscriptionIDs)).Where("NOT ("+liveKeys+")", now, now).
		Group("k.subscription_id").Scan(ctx, &counts); err != nil {
		return nil, fmt.Errorf("count ended keys: %w", translate(err))
	}
	var ids []int64
	for _, c := range counts {
		out[c.SubscriptionID].EndedTotal = c.N
		// The newest ended keys of each: one indexed walk back from its
		// newest key, stopped after ended rows.
		var newest []int64
		if err := s.db.NewSelect().TableExpr("api_keys AS k").Column("k.id").
			Where("k.subscription_id = ?", c.SubscriptionID).Where("NOT ("+liveKeys+")", now, now).
			Order("k.id DESC").Limit(int64(ended)).Scan(ctx, &newest); err != nil {
			return nil, fmt.Errorf("ended keys: %w", translate(err))
		}
		ids = append(ids, newest...)
	}
	if len(ids) == 0 {
		return out, nil
	}
	var old []APIKey
	if err := s.db.NewSelect().Model(&old).Relation("Creator", creator).
		Where("k.id IN (?)", bun.List(ids)).Order("k.id DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("ended keys: %w", translate(err))
	}
	for _, k := range old {
		out[k.SubscriptionID].Ended = append(out[k.SubscriptionID].Ended, k)
	}
	return out, nil
}

// KeysPage returns limit of a subscription's keys after the first offset,
// newest first, and how many keys it has.
func (s *Store) KeysPage(ctx context.Context, subscriptionID int64, offset, limit int) ([]APIKey, int, error) {
	var ks []APIKey
	total, err := s.db.NewSelect().Model(&ks).Relation("Creator", func(q *bun.SelectQuery) *bun.SelectQuery { return q.Column("id", "username") }).
		Where("k.subscription_id = ?", subscriptionID).Order("k.id DESC").Offset(int64(offset)).Limit(int64(limit)).ScanAndCount(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("keys: %w", translate(err))
	}
	return ks, int(total), nil
}

// CountLiveKeys counts a subscription's keys that verify at now and are not
// ending (rotated, in their grace period).
func (s *Store) CountLiveKeys(ctx context.Context, db bun.IDB, subscriptionID int64, now time.Time) (int, error) {
	n, err := db.NewSelect().Model((*APIKey)(nil)).
		Where("subscription_id = ? AND state = ? AND grace_ends_at IS NULL", subscriptionID, KeyActive).
		Where("(expires_at IS NULL OR expires_at > ?)", now).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("count keys: %w", translate(err))
	}
	return int(n), nil
}

// KeysInGrace returns a subscription's rotated keys still in their grace
// period at now (active, not expired), the one whose grace ends first
// first.
func (s *Store) KeysInGrace(ctx context.Context, db bun.IDB, subscriptionID int64, now time.Time) ([]APIKey, error) {
	var ks []APIKey
	err := db.NewSelect().Model(&ks).
		Where("subscription_id = ? AND state = ? AND grace_ends_at > ?", subscriptionID, KeyActive, now).
		Where("(expires_at IS NULL OR expires_at > ?)", now).Order("grace_ends_at", "id").Limit(100).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("keys in grace: %w", translate(err))
	}
	return ks, nil
}

// EndKey saves a key's state, grace end, revocation and successor if it is
// still active and not ending; otherwise it returns ErrConflict.
func (s *Store) EndKey(ctx context.Context, db bun.IDB, k *APIKey) error {
	res, err := db.NewUpdate().Model(k).Column("state", "grace_ends_at", "revoked_at", "rotated_to").
		Where("id = ? AND state = ? AND grace_ends_at IS NULL", k.ID, KeyActive).Exec(ctx)
	if err != nil {
		return fmt.Errorf("end key %s: %w", k.Kid, translate(err))
	}
	if oneRow(res) != nil {
		return fmt.Errorf("key %s changed meanwhile: %w", k.Kid, ErrConflict)
	}
	return nil
}

// RevokeKey revokes a key that is active (in its grace period or not) at
// at; otherwise it returns ErrConflict.
func (s *Store) RevokeKey(ctx context.Context, db bun.IDB, k *APIKey, at time.Time) error {
	now := Stored(at)
	res, err := db.NewUpdate().Model((*APIKey)(nil)).Set("state = ?", KeyRevoked).Set("revoked_at = ?", now).
		Where("id = ? AND state = ?", k.ID, KeyActive).Exec(ctx)
	if err != nil {
		return fmt.Errorf("revoke key %s: %w", k.Kid, translate(err))
	}
	if oneRow(res) != nil {
		return fmt.Errorf("key %s revoked already: %w", k.Kid, ErrConflict)
	}
	k.State, k.RevokedAt = KeyRevoked, &now
	return nil
}

// RevokeSubscriptionKeys revokes every active key of a subscription at at,
// locked first in the one order of keys (lockActiveKeysOf).
func (s *Store) RevokeSubscriptionKeys(ctx context.Context, db bun.IDB, subscriptionID int64, at time.Time) (int, error) {
	if err := s.lockActiveKeysOf(ctx, db, []int64{subscriptionID}); err != nil {
		return 0, fmt.Errorf("revoke keys of subscription %d: %w", subscriptionID, err)
	}
	res, err := db.NewUpdate().Model((*APIKey)(nil)).Set("state = ?", KeyRevoked).Set("revoked_at = ?", Stored(at)).
		Where("subscription_id = ? AND state = ?", subscriptionID, KeyActive).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("revoke keys of subscription %d: %w", subscriptionID, translate(err))
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// GatewayKey is a key as the gateway snapshot carries it: everything a node
// needs to accept or refuse a request, with the key's hash, never the key.
type GatewayKey struct {
	ID             int64      `bun:"id"`
	Kid            string     `bun:"kid"`
	KeyHash        string     `bun:"key_hash"`
	SubscriptionID int64      `bun:"subscription_id"`
	Team           string     `bun:"team"`
	App            string     `bun:"app"`
	API            string     `bun:"api"`
	Major          int        `bun:"major"`
	PlanID         int64      `bun:"plan_id"`
	State          string     `bun:"state"`
	ExpiresAt      *time.Time `bun:"expires_at"`
	GraceEndsAt    *time.Time `bun:"grace_ends_at"`
}

// GatewayKeys returns, in id order after afterID, at most limit keys that
// still verify or may again be asked about: active keys whose expiry and
// grace end are not before since. Revoked and ended keys are left out.
func (s *Store) GatewayKeys(ctx context.Context, afterID int64, limit int, since time.Time) ([]GatewayKey, error) {
	var out []GatewayKey
	err := s.db.NewSelect().TableExpr("api_keys AS k").
		ColumnExpr("k.id, k.kid, k.key_hash, k.subscription_id, t.slug AS team, app.slug AS app, a.slug AS api, k.major, k.plan_id, k.state, k.expires_at, k.grace_ends_at").
		Join("JOIN subscriptions AS s ON s.id = k.subscription_id").
		Join("JOIN apps AS app ON app.id = s.app_id").
		Join("JOIN teams AS t ON t.id = s.consumer_team_id").
		Join("JOIN apis AS a ON a.id = k.api_id").
		Where("k.id > ? AND k.state = ?", afterID, KeyActive).
		Where("(k.expires_at IS NULL OR k.expires_at > ?)", since).
		Where("(k.grace_ends_at IS NULL OR k.grace_ends_at > ?)", since).
		Order("k.id").Limit(int64(limit)).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("gateway keys: %w", translate(err))
	}
	return out, nil
}

// AllPlans returns every plan in id order after afterID, at most limit: the
// gateway snapshot's plans.
func (s *Store) AllPlans(ctx context.Context, afterID int64, limit int) ([]Plan, error) {
	var ps []Plan
	if err := s.db.NewSelect().Model(&ps).Where("p.id > ?", afterID).Order("p.id").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("plans: %w", translate(err))
	}
	return ps, nil
}

// TouchActiveSubscription locks an active subscription's row for the rest
// of tx (so that concurrent key issues count its keys one after the other)
// and returns ErrConflict when it is no longer active. It sets the row's
// updated_at to at, the instant of the key's change.
func (s *Store) TouchActiveSubscription(ctx context.Context, db bun.IDB, id int64, at time.Time) error {
	res, err := db.NewUpdate().Model((*Subscription)(nil)).Set("updated_at = ?", Stored(at)).
		Where("id = ? AND state = ?", id, "active").Exec(ctx)
	if err != nil {
		return fmt.Errorf("subscription %d: %w", id, translate(err))
	}
	if oneRow(res) != nil {
		return fmt.Errorf("subscription %d is not active: %w", id, ErrConflict)
	}
	return nil
}

// TeamIDs returns the ids of the teams with these slugs.
func (s *Store) TeamIDs(ctx context.Context, slugs []string) ([]int64, error) {
	ids := []int64{}
	slugs = onlyFindable(slugs)
	if len(slugs) == 0 {
		return ids, nil
	}
	if err := s.db.NewSelect().Model((*Team)(nil)).Column("id").Where("slug IN (?)", bun.List(slugs)).Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("team ids: %w", translate(err))
	}
	return ids, nil
}

// TeamUsersWithRoles returns the ids of a team's enabled members holding
// one of roles (those to notify: a disabled user is told of nothing).
func (s *Store) TeamUsersWithRoles(ctx context.Context, db bun.IDB, teamID int64, roles ...string) ([]int64, error) {
	var ids []int64
	if err := db.NewSelect().Model((*TeamMember)(nil)).Column("user_id").
		Where("team_id = ? AND role IN (?)", teamID, bun.List(roles)).
		Where("user_id IN (?)", enabledUsers(db)).Order("user_id").Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("team users: %w", translate(err))
	}
	return ids, nil
}

// OtherVersionsInMajor counts an API's versions of a major, other than
// excludeID, in one of states.
func (s *Store) OtherVersionsInMajor(ctx context.Context, db bun.IDB, apiID int64, major int, excludeID int64, states ...string) (int, error) {
	n, err := db.NewSelect().Model((*APIVersion)(nil)).
		Where("api_id = ? AND major = ? AND id <> ? AND state IN (?)", apiID, major, excludeID, bun.List(states)).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("versions in major: %w", translate(err))
	}
	return int(n), nil
}

// LockPublishedInMajor counts the published versions of an API's major
// inside tx, holding them until tx ends, so that a subscription written in
// tx and a retirement or deprecation of those versions cannot both
// commit: whichever comes second sees the other. On PostgreSQL the rows
// are locked FOR SHARE (dialect-specific); on SQLite the transaction
// holds the database's write lock from its start (_txlock=immediate).
func (s *Store) LockPublishedInMajor(ctx context.Context, db bun.IDB, apiID int64, major int) (int, error) {
	var ids []int64
	q := db.NewSelect().Model((*APIVersion)(nil)).Column("id").
		Where("api_id = ? AND major = ? AND state = ?", apiID, major, "published")
	if s.dialect == PostgreSQL {
		q = q.For("SHARE")
	}
	if err := q.Scan(ctx, &ids); err != nil {
		return 0, fmt.Errorf("published versions in major: %w", translate(err))
	}
	return len(ids), nil
}

// bulkBatch is how many rows a bulk insert writes per statement (SQLite
// bounds the number of parameters of one statement).
const bulkBatch = 400

// CreatePlans, CreateApps, CreateSubscriptions and CreateKeys insert many
// rows at once, setting their ids: for generated scale data
// (`portico demo --subscriptions`), which no rule governs.
func (s *Store) CreatePlans(ctx context.Context, db bun.IDB, ps []Plan) error {
	now := s.now()
	for i := range ps {
		ps[i].CreatedAt, ps[i].UpdatedAt, ps[i].LockVersion = now, now, 1
		ps[i].SortKey = SortKey(ps[i].Name)
	}
	return bulkInsert(ctx, db, ps, "plans")
}

// CreateApps inserts many apps (see CreatePlans).
func (s *Store) CreateApps(ctx context.Context, db bun.IDB, as []App) error {
	now := s.now()
	for i := range as {
		as[i].CreatedAt, as[i].UpdatedAt, as[i].LockVersion = now, now, 1
		as[i].SortKey = SortKey(as[i].Name)
	}
	return bulkInsert(ctx, db, as, "apps")
}

// CreateSubscriptions inserts many subscriptions (see CreatePlans).
func (s *Store) CreateSubscriptions(ctx context.Context, db bun.IDB, subs []Subscription) error {
	now := s.now()
	for i := range subs {
		subs[i].CreatedAt, subs[i].UpdatedAt, subs[i].LockVersion = now, now, 1
	}
	return bulkInsert(ctx, db, subs, "subscriptions")
}

// CreateKeys inserts many keys (see CreatePlans).
func (s *Store) CreateKeys(ctx context.Context, db bun.IDB, ks []APIKey) error {
	now := s.now()
	for i := range ks {
		ks[i].CreatedAt = now
	}
	return bulkInsert(ctx, db, ks, "api keys")
}

func bulkInsert[T any](ctx context.Context, db bun.IDB, rows []T, what string) error {
	for start := 0; start < len(rows); start += bulkBatch {
		batch := rows[start:min(start+bulkBatch, len(rows))]
		if _, err := db.NewInsert().Model(&batch).Returning("id").Exec(ctx); err != nil {
			return fmt.Errorf("create %s: %w", what, translate(err))
		}
	}
	return nil
}

// LiveSubscriptionsNow is LiveSubscriptionsOf outside a transaction: what
// a confirmation shows before an action that would end them.
func (s *Store) LiveSubscriptionsNow(ctx context.Context, apiID int64, major, limit int) ([]Subscription, int, error) {
	return s.LiveSubscriptionsOf(ctx, s.db, apiID, major, limit)
}

// OtherVersionsInMajorNow is OtherVersionsInMajor outside a transaction.
func (s *Store) OtherVersionsInMajorNow(ctx context.Context, apiID int64, major int, excludeID int64, states ...string) (int, error) {
	return s.OtherVersionsInMajor(ctx, s.db, apiID, major, excludeID, states...)
}

// enabledUsers selects the ids of the users who are not disabled.
func enabledUsers(db bun.IDB) *bun.SelectQuery {
	return db.NewSelect().Model((*User)(nil)).Column("id").Where("disabled = ?", false)
}
