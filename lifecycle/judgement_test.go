package lifecycle_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/spec"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// submitBreaking publishes 1.0.0 and submits 1.1.0, which removes a path.
func submitBreaking(t *testing.T, f *fixture) (*store.API, *store.PublicationRequest) {
	t.Helper()
	a := f.api(t)
	f.publish(t, a, "1.0.0", spectest.PetsV1)
	_, r := f.submit(t, f.dev, a, "1.1.0", spectest.PetsBreaking)
	return a, r
}

func TestReportComputedAtSubmit(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, storetest.New(t))
	_, r := submitBreaking(t, f)
	stored, err := f.s.ReviewReportOf(ctx, r.ID)
	if err != nil {
		t.Fatalf("no report stored at submit: %v", err)
	}
	if stored.BaseVersion != "1.0.0" || !strings.Contains(stored.Report, "api-path-removed-without-deprecation") {
		t.Errorf("stored report: base %q, %d bytes; want 1.0.0 and the removed path", stored.BaseVersion, len(stored.Report))
	}
	rv, err := f.svc.Review(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if !rv.Blocked || rv.Judged.Breaking != 1 || rv.NextMajor != "2.0.0" || rv.Base.Version != "1.0.0" {
		t.Errorf("review: blocked %v, breaking %d, next %q; want blocked by 1 breaking change, 2.0.0", rv.Blocked, rv.Judged.Breaking, rv.NextMajor)
	}
}

func TestAcceptFinding(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, storetest.New(t))
	_, r := submitBreaking(t, f)
	rv, err := f.svc.Review(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	items, _ := rv.Judged.Select(spec.Filter{Breaking: true}, 1, 10)
	key := items[0].Key

	var de *apperr.DeniedError
	if err := f.svc.AcceptFinding(ctx, f.dev, r, key, "we never served it"); !errors.As(err, &de) {
		t.Errorf("the requester accepting: %v, want denied", err)
	}
	var ie *apperr.InputError
	if err := f.svc.AcceptFinding(ctx, f.approver, r, key, " "); !errors.As(err, &ie) || ie.Fields["reason"] == "" {
		t.Errorf("accepting without a reason: %v, want a field error", err)
	}
	if err := f.svc.AcceptFinding(ctx, f.approver, r, "nope", "a reason"); !errors.As(err, &ie) || ie.Fields["key"] == "" {
		t.Errorf("accepting an unknown key: %v, want a field error", err)
	}
	if err := f.svc.AcceptFinding(ctx, f.approver, r, key, "the path was never routed by the gateway"); err != nil {
		t.Fatal(err)
	}
	var ce *apperr.ConflictError
	if err := f.svc.AcceptFinding(ctx, f.approver2, r, key, "again"); !errors.As(err, &ce) {
		t.Errorf("accepting twice: %v, want a conflict", err)
	}
	rv, err = f.svc.Review(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if rv.Blocked || rv.Judged.Accepted != 1 || rv.Acceptances[key].Reason != "the path was never routed by the gateway" {
		t.Errorf("after acceptance: blocked %v, accepted %d; want unblocked with the reason recorded", rv.Blocked, rv.Judged.Accepted)
	}
	events, err := f.s.ListAudit(ctx, store.AuditFilter{Action: "review.accept_finding", Limit: 10})
	if err != nil || len(events) != 1 || events[0].Actor != "appr" || events[0].Reason == "" {
		t.Errorf("audit: %+v, %v; want one acceptance by appr with its reason", events, err)
	}
	if err := f.svc.Approve(ctx, f.approver2, r, "ok", false); err != nil {
		t.Errorf("approve after the acceptance: %v", err)
	}
}

func TestRuleSetChangesTheJudgement(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, storetest.New(t))
	_, r := submitBreaking(t, f)
	var de *apperr.DeniedError
	if err := f.svc.SetRule(ctx, f.approver, "api-path-removed-without-deprecation", "warning"); !errors.As(err, &de) {
		t.Errorf("an approver changing a rule: %v, want denied", err)
	}
	var ie *apperr.InputError
	if err := f.svc.SetRule(ctx, f.admin, "api-path-removed-without-deprecation", "fatal"); !errors.As(err, &ie) {
		t.Errorf("an unknown severity: %v, want a field error", err)
	}
	if err := f.svc.SetRule(ctx, f.admin, "no-such-rule", "off"); !errors.As(err, &ie) {
		t.Errorf("an unknown rule: %v, want a field error", err)
	}
	if err := f.svc.SetRule(ctx, f.admin, "api-path-removed-without-deprecation", "warning"); err != nil {
		t.Fatal(err)
	}
	rv, err := f.svc.Review(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if rv.Blocked || rv.Judged.Breaking != 0 {
		t.Errorf("with the rule at warning: blocked %v, breaking %d; want neither", rv.Blocked, rv.Judged.Breaking)
	}
	if err := f.svc.SetRule(ctx, f.admin, "api-path-removed-without-deprecation", "default"); err != nil {
		t.Fatal(err)
	}
	if rs, _ := f.svc.Rules(ctx); len(rs) != 0 {
		t.Errorf("after reset: rule set %v, want empty", rs)
	}
	events, _ := f.s.ListAudit(ctx, store.AuditFilter{Action: "rule.update", Limit: 10})
	if len(events) != 2 || events[1].After != "warning" || events[0].After != "error" {
		t.Errorf("audit: %+v, want the change and the reset", events)
	}
}

func TestValidationBlockMode(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	f := newFixture(t, s)
	f.svc = f.serviceWith(t, lifecycle.Options{MinSunsetNotice: 7 * 24 * time.Hour, SpecValidation: lifecycle.ValidationBlock})
	a := f.api(t)
	invalid := strings.Replace(spectest.PetsV1, "      summary: List pets\n", "      summary: List pets\n      parameters: [{name: q, in: body, schema: {type: string}}]\n", 1)
	v, err := f.svc.CreateVersion(ctx, f.dev, a, "1.0.0", []byte(invalid))
	if err != nil {
		t.Fatalf("an invalid description is accepted as a draft: %v", err)
	}
	var te *lifecycle.TransitionError
	if err := f.svc.Import(ctx, f.admin, a, v); !errors.As(err, &te) || !strings.Contains(te.Reason, "--spec-validation=block") {
		t.Errorf("import in block mode: %v, want a refusal", err)
	}
	r, err := f.svc.Submit(ctx, f.dev, a, v, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Approve(ctx, f.approver, r, "", false); !errors.As(err, &te) || len(te.Blocking) == 0 || te.Blocking[0].Kind != spec.ItemValidation {
		t.Errorf("approve in block mode: %v, want a refusal listing the validation error", err)
	}
}
