package lifecycle

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/spec"
	"github.com/portico-dev/portico/store"
)

// Spec validation modes (--spec-validation).
const (
	// ValidationWarn shows validation problems and blocks nothing.
	ValidationWarn = "warn"
	// ValidationBlock refuses to publish a version with validation or lint
	// findings of severity error.
	ValidationBlock = "block"
)

// Rules returns the org's rule set.
func (s *Service) Rules(ctx context.Context) (spec.RuleSet, error) {
	m, err := s.store.RuleSettings(ctx)
	if err != nil {
		return nil, err
	}
	return spec.RuleSet(m), nil
}

// SetRule sets the org's severity of a rule (org admins only); "default"
// returns it to Portico's default. The change is audited and applies to
// open requests at once.
func (s *Service) SetRule(ctx context.Context, actor *store.User, id, severity string) error {
	if err := s.requireRules(ctx, actor); err != nil {
		return err
	}
	c, errs := checkRule(id, severity)
	if err := apperr.Invalid(errs); err != nil {
		return err
	}
	return s.applyRules(ctx, actor, []ruleChange{c})
}

// RuleChange is a new severity for one rule, as the rule-set form sends it.
type RuleChange struct{ ID, Severity string }

// SetRules sets the severities of several rules at once, as SetRule does
// for one: all of them or, when one is refused, none. Its field errors are
// keyed "severity:" and the rule's id, as the rule-set form names them.
func (s *Service) SetRules(ctx context.Context, actor *store.User, changes []RuleChange) error {
	if err := s.requireRules(ctx, actor); err != nil {
		return err
	}
	errs := map[string]string{}
	checked := make([]ruleChange, 0, len(changes))
	for _, ch := range changes {
		c, fe := checkRule(ch.ID, ch.Severity)
		if len(fe) > 0 {
			msg := fe["rule"]
			if msg == "" {
				msg = fe["severity"]
			}
			field := "severity:" + ch.ID
			if fe["rule"] != "" {
				field = "rule"
			}
			errs[field] = msg
			continue
		}
		checked = append(checked, c)
	}
	if err := apperr.Invalid(errs); err != nil {
		return err
	}
	return s.applyRules(ctx, actor, checked)
}

func (s *Service) requireRules(ctx context.Context, actor *store.User) error {
	if actor == nil {
		return apperr.Denied("An actor is required.")
	}
	ok, err := s.auth.Allowed(ctx, actor.ID, policy.OrgDomain, "rules", "manage")
	if err != nil {
		return err
	}
	if !ok {
		return apperr.Denied("Only org admins change the rule set.")
	}
	return nil
}

// ruleChange is a checked RuleChange.
type ruleChange struct {
	id, severity string
	info         spec.RuleInfo
}

// NoSuchRule is the refusal naming a rule that does not exist, wherever
// one is named: a field of the rule-set form, the JSON API's 404.
func NoSuchRule(id string) string {
	return fmt.Sprintf("There is no rule %s.", store.Echo(id, store.MaxEcho))
}

// checkRule checks a rule id and a severity, returning field errors for
// "rule" and "severity".
func checkRule(id, severity string) (ruleChange, map[string]string) {
	errs := map[string]string{}
	if !apperr.Line(errs, "rule", id, MaxRuleID) || !apperr.Line(errs, "severity", severity, MaxSeverityLength) {
		return ruleChange{}, errs
	}
	info, known := spec.RuleByID(id)
	if !known {
		errs["rule"] = NoSuchRule(id)
		return ruleChange{}, errs
	}
	severity = strings.TrimSpace(severity)
	if severity != "default" && !spec.ValidSeverity(severity) {
		errs["severity"] = "Choose error, warning, info, off, or default."
		return ruleChange{}, errs
	}
	return ruleChange{id: id, severity: severity, info: info}, nil
}

// applyRules writes checked changes, each audited, in one transaction.
func (s *Service) applyRules(ctx context.Context, actor *store.User, changes []ruleChange) error {
	now := store.Stored(s.now())
	return s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		// Under the rule set's lock, so that two changes at once of a
		// rule with no stored setting do not both read its default.
		if err := s.store.LockRuleSettings(ctx, tx); err != nil {
			return err
		}
		for _, c := range changes {
			// Read in the transaction, so that a change repeated
			// (a PUT retried, a form sent twice, two admins at once)
			// finds it made and is no change: nothing written, nothing
			// audited.
			before, err := s.store.RuleSeverity(ctx, tx, c.id)
			stored := err == nil
			if errors.Is(err, store.ErrNotFound) {
				before, err = c.info.Default, nil
			}
			if err != nil {
				return err
			}
			after := c.severity
			if c.severity == "default" {
				after = c.info.Default
			}
			if before == after {
				// A setting equal to a default that has changed since is
				// let go, so that it follows the default again: no
				// change of severity, nothing audited.
				if stored && after == c.info.Default {
					if err := s.store.DeleteRuleSetting(ctx, tx, c.id); err != nil {
						return err
					}
				}
				continue
			}
			if after == c.info.Default {
				if err := s.store.DeleteRuleSetting(ctx, tx, c.id); err != nil {
					return err
				}
			} else if err := s.store.SetRuleSetting(ctx, tx, c.id, c.severity, actor.ID); err != nil {
				return err
			}
			if err := s.store.Audit(ctx, tx, &store.AuditEvent{Action: "rule.update", ObjectType: "rule", ObjectID: c.id,
				ActorID: &actor.ID, Actor: actor.Username, Before: before, After: after}, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// Review is a publication request as reviewers judge it.
type Review struct {
	// Base is the version compared with; nil when there is none.
	Base   *store.APIVersion
	Report *spec.Report
	Judged *spec.Judgement
	// Acceptances are the breaking changes reviewers accepted, by key.
	Acceptances map[string]store.FindingAcceptance
	// Blocked says that approving would be refused, and why; NextMajor is
	// the version to publish the changes as instead.
	Blocked     bool
	BlockReason string
	NextMajor   string
	// SameMajor says that breaking changes count (the base is of the
	// same major).
	SameMajor bool
}

// computeReport parses the version and the one it replaces and computes
// its report, in one of the parser's turns.
func (s *Service) computeReport(ctx context.Context, v *store.APIVersion) (*spec.Report, *store.APIVersion, error) {
	if v.SpecRaw == "" {
		full, err := s.store.VersionByID(ctx, v.ID)
		if err != nil {
			return nil, nil, err
		}
		v = full
	}
	doc, err := s.specs.Parse(ctx, []byte(v.SpecRaw))
	if err != nil {
		return nil, nil, fmt.Errorf("parse stored spec of %s: %w", v.Version, err)
	}
	base, err := s.baseOf(ctx, v)
	if err != nil {
		return nil, nil, err
	}
	var baseDoc *spec.Document
	if base != nil {
		if base, err = s.store.VersionByID(ctx, base.ID); err != nil {
			return nil, nil, err
		}
		if baseDoc, err = s.specs.Parse(ctx, []byte(base.SpecRaw)); err != nil {
			return nil, nil, fmt.Errorf("parse stored spec of %s: %w", base.Version, err)
		}
	}
	var report *spec.Report
	err = s.specs.Run(ctx, func() error {
		var err error
		report, err = spec.NewReport(baseDoc, doc)
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("review report of %s: %w", v.Version, err)
	}
	return report, base, nil
}

// baseOf is the version v is compared with (without its spec): the latest
// live version of its major, else of any major; nil when there is none.
func (s *Service) baseOf(ctx context.Context, v *store.APIVersion) (*store.APIVersion, error) {
	return baseWith(ctx, v, s.store.LatestLiveMeta)
}

// baseIn is baseOf read inside the transaction tx.
func (s *Service) baseIn(ctx context.Context, tx bun.Tx, v *store.APIVersion) (*store.APIVersion, error) {
	return baseWith(ctx, v, func(ctx context.Context, apiID int64, major int, excludeID int64) (*store.APIVersion, error) {
		return s.store.LatestLiveMetaIn(ctx, tx, apiID, major, excludeID)
	})
}

func baseWith(ctx context.Context, v *store.APIVersion, latest func(ctx context.Context, apiID int64, major int, excludeID int64) (*store.APIVersion, error)) (*store.APIVersion, error) {
	base, err := latest(ctx, v.APIID, v.Major, v.ID)
	if errors.Is(err, store.ErrNotFound) {
		base, err = latest(ctx, v.APIID, -1, v.ID)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return base, err
}

// saveReport stores a request's report; once the transaction that holds
// it commits, remember (the returned func) puts it in the cache.
func (s *Service) saveReport(ctx context.Context, db bun.IDB, requestID int64, report *spec.Report, base *store.APIVersion) (remember func(), err error) {
	js, err := json.Marshal(report)
	if err != nil {
		return nil, fmt.Errorf("encode review report: %w", err)
	}
	rr := &store.ReviewReport{RequestID: requestID, Report: string(js)}
	if base != nil {
		rr.BaseVersionID, rr.BaseVersion = &base.ID, base.Version
	}
	if err := s.store.SaveReviewReport(ctx, db, rr); err != nil {
		return nil, err
	}
	return func() { s.reports.put(requestID, rr.ComputedAt, report) }, nil
}

// Review returns the judgement of a publication request: its stored report
// (computed now when it has none, or when the request is open and the
// version it is compared with changed since or an older gate computed it),
// judged by the org's rule set
// and the acceptances of its reviewers.
func (s *Service) Review(ctx context.Context, r *store.PublicationRequest) (*Review, error) {
	v := r.Version
	if v == nil {
		meta, err := s.store.VersionMeta(ctx, r.VersionID)
		if err != nil {
			return nil, err
		}
		v = meta
	}
	stored, err := s.store.ReviewReportMeta(ctx, r.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	var report *spec.Report
	var base *store.APIVersion
	if stored != nil {
		current := stored.BaseVersionID
		if r.State == store.RequestOpen {
			b, err := s.baseOf(ctx, v)
			if err != nil {
				return nil, err
			}
			if b == nil {
				current = nil
			} else {
				current = &b.ID
			}
		}
		if sameID(current, stored.BaseVersionID) {
			if report = s.reports.get(r.ID, stored.ComputedAt); report == nil {
				full, err := s.store.ReviewReportOf(ctx, r.ID)
				if err != nil {
					return nil, err
				}
				report = new(spec.Report)
				if err := json.Unmarshal([]byte(full.Report), report); err != nil {
					return nil, fmt.Errorf("decode review report %d: %w", r.ID, err)
				}
				s.reports.put(r.ID, full.ComputedAt, report)
			}
			if stored.BaseVersionID != nil {
				if base, err = s.store.VersionMeta(ctx, *stored.BaseVersionID); err != nil {
					return nil, err
				}
			}
		}
	}
	// A report an older gate stored (spec.GateVersion) is computed again
	// while the request is open, its acceptances carried to the findings
	// as the gate names them now (spec.CarriedKeys). A closed request's
	// report stays the record of what was decided on.
	var older *spec.Report
	if report != nil && report.Gate != spec.GateVersion && r.State == store.RequestOpen {
		older, report, base = report, nil, nil
	}
	if report == nil {
		if report, base, err = s.computeReport(ctx, v); err != nil {
			return nil, err
		}
		var carried map[string]string
		if older != nil {
			accs, err := s.store.Acceptances(ctx, r.ID)
			if err != nil {
				return nil, err
			}
			keys := make([]string, 0, len(accs))
			for _, a := range accs {
				keys = append(keys, a.FindingKey)
			}
			carried = spec.CarriedKeys(older, report, keys)
		}
		var remember func()
		err := s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			var err error
			if remember, err = s.saveReport(ctx, tx, r.ID, report, base); err != nil {
				return err
			}
			for from, to := range carried {
				if err := s.store.RekeyAcceptance(ctx, tx, r.ID, from, to); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		remember()
	}
	rules, err := s.Rules(ctx)
	if err != nil {
		return nil, err
	}
	accs, err := s.store.Acceptances(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	rv := &Review{Base: base, Report: report, Acceptances: map[string]store.FindingAcceptance{}, NextMajor: fmt.Sprintf("%d.0.0", v.Major+1)}
	accepted := map[string]bool{}
	var by strings.Builder
	for _, a := range accs {
		accepted[a.FindingKey] = true
		rv.Acceptances[a.FindingKey] = a
		by.WriteString(a.FindingKey + ",")
	}
	ids := make([]string, 0, len(rules))
	for id := range rules {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		by.WriteString(id + "=" + rules[id] + ";")
	}
	rv.Judged = s.reports.judgement(r.ID, report, by.String(), func() *spec.Judgement { return spec.Judge(report, rules, accepted) })
	rv.SameMajor = base != nil && base.Major == v.Major
	switch {
	case rv.SameMajor && rv.Judged.Breaking > 0:
		rv.Blocked = true
		rv.BlockReason = fmt.Sprintf("Version %s has %d breaking change(s) against %s, the latest published version of major %d. Publish it as a new major version (%s) instead.",
			v.Version, rv.Judged.Breaking, base.Version, v.Major, rv.NextMajor)
	case s.validation == ValidationBlock && rv.Judged.Errors > 0:
		rv.Blocked = true
		rv.BlockReason = fmt.Sprintf("Version %s has %d validation or lint error(s), and this portal publishes no description with errors (--spec-validation=block). Fix them in a new draft.", v.Version, rv.Judged.Errors)
	}
	return rv, nil
}

// sameVersion reports whether a and b are the same version, or both none.
func sameVersion(a, b *store.APIVersion) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.ID == b.ID
}

// versionName names a version in a message, or says there is none.
func versionName(v *store.APIVersion) string {
	if v == nil {
		return "none"
	}
	return v.Version
}

func sameID(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// blockingItems are the findings that block a review, at most MaxBlockingListed.
func (rv *Review) blockingItems() ([]spec.Item, int) {
	if rv.SameMajor && rv.Judged.Breaking > 0 {
		return rv.Judged.Select(spec.Filter{Breaking: true}, 1, MaxBlockingListed)
	}
	return rv.Judged.Select(spec.Filter{Severity: spec.SeverityError}, 1, MaxBlockingListed)
}

// AcceptFinding records that a reviewer accepts one breaking change of an
// open request as a known false positive, with a reason: it then blocks
// nothing, and the review shows who accepted it and why. Never the
// requester.
func (s *Service) AcceptFinding(ctx context.Context, actor *store.User, r *store.PublicationRequest, key, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return apperr.Field("reason", "Say why this change breaks no client, for the record.")
	}
	if !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > MaxFindingReason {
		return apperr.Field("reason", fmt.Sprintf("Keep the reason under %d characters.", MaxFindingReason))
	}
	if apperr.HoldsSecret(reason) {
		return apperr.Field("reason", apperr.SecretMessage)
	}
	if err := apperr.CheckLine("key", key, MaxFindingKey); err != nil {
		return err
	}
	a, v, err := s.requestSubjects(ctx, r)
	if err != nil {
		return err
	}
	if _, err := s.check(ctx, actor, a, v, Approve); err != nil {
		return err
	}
	if r.RequesterID == actor.ID {
		return apperr.Denied("You cannot accept findings of your own request: another reviewer must.")
	}
	rv, err := s.Review(ctx, r)
	if err != nil {
		return err
	}
	it, ok := rv.Judged.Find(key)
	if !ok || it.Kind != spec.ItemChange || it.Severity != spec.SeverityError {
		return apperr.Field("key", "There is no breaking change with this key in the request; reload the review.")
	}
	if it.Accepted {
		return apperr.Conflict("This change was accepted already.")
	}
	told, err := s.requester(ctx, r, a)
	if err != nil {
		return err
	}
	now := store.Stored(s.now())
	err = s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.store.AcceptFinding(ctx, tx, &store.FindingAcceptance{RequestID: r.ID, FindingKey: key, RuleID: it.Rule, Reason: reason, AcceptedBy: actor.ID}); err != nil {
			return err
		}
		after := fmt.Sprintf("accepted %s (%s) as a known false positive: %s", it.Rule, key, it.Operation)
		if err := s.audit(ctx, tx, actor, "review.accept_finding", a, v.Version, "breaking", strings.TrimSuffix(after, ": "), reason, now); err != nil {
			return err
		}
		msg := fmt.Sprintf("%s accepted a breaking change of %s %s as a known false positive: %s", store.Isolate(actor.Username), store.Isolate(a.Name), store.Isolate(v.Version), store.Isolate(reason))
		return s.store.Notify(ctx, tx, told, "review.accepted", msg, fmt.Sprintf("/reviews/%d", r.ID), now)
	})
	if errors.Is(err, store.ErrConflict) {
		return apperr.Conflict("This change was accepted already.")
	}
	return err
}

// SpecValidation is the portal's validation mode, ValidationWarn or ValidationBlock.
func (s *Service) SpecValidation() string { return s.validation }
