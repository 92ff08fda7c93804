package store

import (
	"context"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/uptrace/bun"
)

// RuleSetting is an org's severity for one rule, where it differs from
// Portico's default.
type RuleSetting struct {
	bun.BaseModel `bun:"table:rule_settings,alias:rs"`

	RuleID    string    `bun:"rule_id,pk"`
	Severity  string    `bun:"severity"`
	UpdatedBy *int64    `bun:"updated_by"`
	UpdatedAt time.Time `bun:"updated_at"`
}

// RuleSettings returns the org's rule settings by rule id.
func (s *Store) RuleSettings(ctx context.Context) (map[string]string, error) {
	var rows []RuleSetting
	if err := s.db.NewSelect().Model(&rows).Scan(ctx); err != nil {
		return nil, fmt.Errorf("rule settings: %w", translate(err))
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.RuleID] = r.Severity
	}
	return out, nil
}

// RuleSeverity returns the org's severity for a rule read through db, or an
// error wrapping ErrNotFound when the rule has Portico's default.
func (s *Store) RuleSeverity(ctx context.Context, db bun.IDB, ruleID string) (string, error) {
	var severity string
	if err := db.NewSelect().Model((*RuleSetting)(nil)).Column("severity").Where("rule_id = ?", ruleID).Scan(ctx, &severity); err != nil {
		return "", fmt.Errorf("rule %s: %w", ruleID, translate(err))
	}
	return severity, nil
}

// LockRuleSettings takes, in tx, the lock under which the org's rule set is
// changed, held until tx ends: a change reads the severities it replaces
// under it, so that of two changes of one rule at once the second sees the
// first's, even for a rule with no stored setting (no row to lock). On
// PostgreSQL it is an advisory lock of the transaction (dialect-specific),
// one for the whole rule set of this schema; on SQLite the transaction holds
// the database's write lock from its start.
func (s *Store) LockRuleSettings(ctx context.Context, tx bun.Tx) error {
	if s.dialect != PostgreSQL {
		return nil
	}
	h := fnv.New64a()
	h.Write([]byte("portico rule settings " + s.schema))
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", int64(h.Sum64())); err != nil {
		return fmt.Errorf("lock the rule set: %w", translate(err))
	}
	return nil
}

// SetRuleSetting records the org's severity for a rule.
func (s *Store) SetRuleSetting(ctx context.Context, db bun.IDB, ruleID, severity string, by int64) error {
	r := &RuleSetting{RuleID: ruleID, Severity: severity, UpdatedBy: &by, UpdatedAt: s.now()}
	_, err := db.NewInsert().Model(r).
		On("CONFLICT (rule_id) DO UPDATE").
		Set("severity = EXCLUDED.severity").Set("updated_by = EXCLUDED.updated_by").Set("updated_at = EXCLUDED.updated_at").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("set rule %s: %w", ruleID, translate(err))
	}
	return nil
}

// DeleteRuleSetting returns a rule to Portico's default.
func (s *Store) DeleteRuleSetting(ctx context.Context, db bun.IDB, ruleID string) error {
	if _, err := db.NewDelete().Model((*RuleSetting)(nil)).Where("rule_id = ?", ruleID).Exec(ctx); err != nil {
		return fmt.Errorf("reset rule %s: %w", ruleID, translate(err))
	}
	return nil
}

// ReviewReport is the stored judgement material of a publication request:
// its report (JSON) and the version it was compared with.
type ReviewReport struct {
	bun.BaseModel `bun:"table:review_reports,alias:rr"`

	RequestID     int64     `bun:"request_id,pk"`
	BaseVersionID *int64    `bun:"base_version_id"`
	BaseVersion   string    `bun:"base_version"`
	Report        string    `bun:"report"`
	ComputedAt    time.Time `bun:"computed_at"`
}

// SaveReviewReport stores (or replaces) the report of a request.
func (s *Store) SaveReviewReport(ctx context.Context, db bun.IDB, r *ReviewReport) error {
	r.ComputedAt = s.now()
	_, err := db.NewInsert().Model(r).
		On("CONFLICT (request_id) DO UPDATE").
		Set("base_version_id = EXCLUDED.base_version_id").Set("base_version = EXCLUDED.base_version").
		Set("report = EXCLUDED.report").Set("computed_at = EXCLUDED.computed_at").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("save review report %d: %w", r.RequestID, translate(err))
	}
	return nil
}

// ReviewReportOf returns the stored report of a request.
func (s *Store) ReviewReportOf(ctx context.Context, requestID int64) (*ReviewReport, error) {
	r := new(ReviewReport)
	if err := s.db.NewSelect().Model(r).Where("rr.request_id = ?", requestID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("review report %d: %w", requestID, translate(err))
	}
	return r, nil
}

// FindingAcceptance records a reviewer accepting a breaking change of a
// request as a known false positive.
type FindingAcceptance struct {
	bun.BaseModel `bun:"table:finding_acceptances,alias:fa"`

	ID         int64     `bun:"id,pk,autoincrement"`
	RequestID  int64     `bun:"request_id"`
	FindingKey string    `bun:"finding_key"`
	RuleID     string    `bun:"rule_id"`
	Reason     string    `bun:"reason"`
	AcceptedBy int64     `bun:"accepted_by"`
	AcceptedAt time.Time `bun:"accepted_at"`

	Accepter *User `bun:"rel:belongs-to,join:accepted_by=id"`
}

// AcceptFinding records an acceptance; ErrConflict when the finding was
// accepted already.
func (s *Store) AcceptFinding(ctx context.Context, db bun.IDB, a *FindingAcceptance) error {
	a.AcceptedAt = s.now()
	if _, err := db.NewInsert().Model(a).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("accept finding %s: %w", a.FindingKey, translate(err))
	}
	return nil
}

// RekeyAcceptance moves a request's acceptance of the finding keyed from to
// the key to, which a newer gate gives the same finding. Nothing moves when
// there is no acceptance keyed from (moved meanwhile) or one keyed to
// already.
func (s *Store) RekeyAcceptance(ctx context.Context, db bun.IDB, requestID int64, from, to string) error {
	_, err := db.NewUpdate().Model((*FindingAcceptance)(nil)).Set("finding_key = ?", to).
		Where("request_id = ? AND finding_key = ?", requestID, from).
		Where("NOT EXISTS (SELECT 1 FROM finding_acceptances AS o WHERE o.request_id = ? AND o.finding_key = ?)", requestID, to).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("carry acceptance %s: %w", from, translate(err))
	}
	return nil
}

// Acceptances returns the acceptances of a request, with who accepted.
func (s *Store) Acceptances(ctx context.Context, requestID int64) ([]FindingAcceptance, error) {
	var out []FindingAcceptance
	if err := s.db.NewSelect().Model(&out).Relation("Accepter").Where("fa.request_id = ?", requestID).Order("fa.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("acceptances of request %d: %w", requestID, translate(err))
	}
	return out, nil
}

// ReviewReportMeta returns the stored report of a request without the
// report itself: which version it compares with, and when it was computed.
func (s *Store) ReviewReportMeta(ctx context.Context, requestID int64) (*ReviewReport, error) {
	r := new(ReviewReport)
	if err := s.db.NewSelect().Model(r).ExcludeColumn("report").Where("rr.request_id = ?", requestID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("review report %d: %w", requestID, translate(err))
	}
	return r, nil
}
