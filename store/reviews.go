package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// PublicationRequest asks reviewers to publish a draft version.
type PublicationRequest struct {
	bun.BaseModel `bun:"table:publication_requests,alias:r"`

	ID              int64      `bun:"id,pk,autoincrement"`
	APIID           int64      `bun:"api_id"`
	VersionID       int64      `bun:"version_id"`
	RequesterID     int64      `bun:"requester_id"`
	State           string     `bun:"state"` // open, approved, rejected, withdrawn
	Note            string     `bun:"note"`
	CreatedAt       time.Time  `bun:"created_at"`
	DecidedAt       *time.Time `bun:"decided_at"`
	DecidedBy       *int64     `bun:"decided_by"`
	DecisionComment string     `bun:"decision_comment"`
	Override        bool       `bun:"override"`

	API       *API        `bun:"rel:belongs-to,join:api_id=id"`
	Version   *APIVersion `bun:"rel:belongs-to,join:version_id=id"`
	Requester *User       `bun:"rel:belongs-to,join:requester_id=id"`
	Decider   *User       `bun:"rel:belongs-to,join:decided_by=id"`
}

// Publication request states.
const (
	RequestOpen      = "open"
	RequestApproved  = "approved"
	RequestRejected  = "rejected"
	RequestWithdrawn = "withdrawn"
)

// CreateRequest inserts an open publication request, created at at (the
// instant the version is submitted).
func (s *Store) CreateRequest(ctx context.Context, db bun.IDB, r *PublicationRequest, at time.Time) error {
	r.CreatedAt, r.State = Stored(at), RequestOpen
	if _, err := db.NewInsert().Model(r).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("create publication request: %w", translate(err))
	}
	return nil
}

func (s *Store) requestQuery(db bun.IDB, dst any) *bun.SelectQuery {
	return db.NewSelect().Model(dst).
		Relation("API").Relation("API.Team").
		Relation("Version", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.ExcludeColumn("spec_raw", "spec_json")
		}).
		Relation("Requester").Relation("Decider")
}

// Request returns a publication request with its API, team, version (without
// spec), requester and decider.
func (s *Store) Request(ctx context.Context, id int64) (*PublicationRequest, error) {
	r := new(PublicationRequest)
	if err := s.requestQuery(s.db, r).Where("r.id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("publication request %d: %w", id, translate(err))
	}
	return r, nil
}

// OpenRequestFor returns the open request of a version.
func (s *Store) OpenRequestFor(ctx context.Context, versionID int64) (*PublicationRequest, error) {
	r := new(PublicationRequest)
	if err := s.requestQuery(s.db, r).Where("r.version_id = ? AND r.state = ?", versionID, RequestOpen).Scan(ctx); err != nil {
		return nil, fmt.Errorf("open request: %w", translate(err))
	}
	return r, nil
}

// RequestFilter narrows a listing of publication requests.
type RequestFilter struct {
	State     string // empty for every state
	APIID     int64
	VersionID int64
	TeamID    int64
	// Teams keeps the requests of the APIs of these teams (slugs); empty
	// for every team.
	Teams []string
	// NotRequester leaves out the requests of this user.
	NotRequester int64
	// Decided keeps the requests that are no longer open.
	Decided bool
	// Before keeps the requests with a smaller id (keyset paging); Offset
	// skips as many of the newest (numbered pages).
	Before int64
	Offset int
	Limit  int
}

// Requests lists publication requests, newest first.
func (s *Store) Requests(ctx context.Context, f RequestFilter) ([]PublicationRequest, error) {
	var rs []PublicationRequest
	if err := f.apply(s.requestQuery(s.db, &rs)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("publication requests: %w", translate(err))
	}
	return rs, nil
}

// RequestsPage is Requests with the number of requests the filter matches
// without its offset and limit, for numbered pages.
func (s *Store) RequestsPage(ctx context.Context, f RequestFilter) ([]PublicationRequest, int, error) {
	var rs []PublicationRequest
	n, err := scanAndCount(ctx, f.apply(s.requestQuery(s.db, &rs)))
	if err != nil {
		return nil, 0, fmt.Errorf("publication requests: %w", translate(err))
	}
	return rs, n, nil
}

func (f RequestFilter) apply(q *bun.SelectQuery) *bun.SelectQuery {
	if f.State != "" {
		q = q.Where("r.state = ?", f.State)
	}
	if f.APIID != 0 {
		q = q.Where("r.api_id = ?", f.APIID)
	}
	if f.VersionID != 0 {
		q = q.Where("r.version_id = ?", f.VersionID)
	}
	if f.TeamID != 0 {
		q = q.Where("api.team_id = ?", f.TeamID)
	}
	if len(f.Teams) > 0 {
		q = q.Where("api__team.slug IN (?)", bun.List(f.Teams))
	}
	if f.NotRequester != 0 {
		q = q.Where("r.requester_id <> ?", f.NotRequester)
	}
	if f.Decided {
		q = q.Where("r.state <> ?", RequestOpen)
	}
	if f.Before > 0 {
		q = q.Where("r.id < ?", f.Before)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	if f.Offset > 0 {
		q = q.Offset(int64(f.Offset))
	}
	return q.Order("r.id DESC").Limit(int64(limit))
}

// DecideRequest closes an open request with a decision taken at at, the
// instant the caller also gives the version's transition (an approval is
// when the version is published). It returns ErrConflict when the request
// is no longer open.
func (s *Store) DecideRequest(ctx context.Context, db bun.IDB, r *PublicationRequest, state string, by *int64, comment string, override bool, at time.Time) error {
	now := Stored(at)
	res, err := db.NewUpdate().Model((*PublicationRequest)(nil)).
		Set("state = ?", state).Set("decided_at = ?", now).Set("decided_by = ?", by).
		Set("decision_comment = ?", comment).Set("override = ?", override).
		Where("id = ? AND state = ?", r.ID, RequestOpen).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("decide request %d: %w", r.ID, translate(err))
	}
	if oneRow(res) != nil {
		return fmt.Errorf("request %d was decided meanwhile: %w", r.ID, ErrConflict)
	}
	r.State, r.DecidedAt, r.DecidedBy, r.DecisionComment, r.Override = state, &now, by, comment, override
	return nil
}

// Reviewers returns the enabled users who may review the publication
// requests of a team's APIs: org approvers and admins, and the team's
// reviewers. Each user appears once, ordered by username (as ListUsers).
func (s *Store) Reviewers(ctx context.Context, db bun.IDB, teamID int64) ([]User, error) {
	var users []User
	teamReviewers := db.NewSelect().Model((*TeamMember)(nil)).Column("user_id").
		Where("team_id = ? AND reviewer = ?", teamID, true)
	err := db.NewSelect().Model(&users).
		Where("disabled = ?", false).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("org_role IN (?)", bun.List([]string{"approver", "admin"})).
				WhereOr("id IN (?)", teamReviewers)
		}).
		OrderExpr(s.bytewise("username")).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("reviewers: %w", translate(err))
	}
	return users, nil
}
