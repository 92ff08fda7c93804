package lifecycle_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

type fixture struct {
	s                     *store.Store
	svc                   *lifecycle.Service
	team                  *store.Team
	admin, dev, approver  *store.User
	approver2, maintainer *store.User
	outsider              *store.User
}

func newFixture(t *testing.T, s *store.Store) *fixture {
	t.Helper()
	f := &fixture{s: s}
	f.team = storetest.Team(t, s, "pets", "Pets")
	f.admin = storetest.User(t, s, "admin", policy.RoleAdmin, nil, "")
	f.dev = storetest.User(t, s, "dev", policy.RoleMember, f.team, policy.RoleDeveloper)
	f.maintainer = storetest.User(t, s, "maint", policy.RoleMember, f.team, policy.RoleMaintainer)
	f.approver = storetest.User(t, s, "appr", policy.RoleApprover, nil, "")
	f.approver2 = storetest.User(t, s, "appr2", policy.RoleApprover, nil, "")
	f.outsider = storetest.User(t, s, "outsider", policy.RoleMember, nil, "")
	f.svc = f.serviceWith(t, lifecycle.Options{MinSunsetNotice: 7 * 24 * time.Hour})
	return f
}

// serviceWith returns a lifecycle service on f's store with opts: another
// instance, or one with a clock or a rule of its own.
func (f *fixture) serviceWith(t *testing.T, opts lifecycle.Options) *lifecycle.Service {
	t.Helper()
	p, err := policy.New(context.Background(), f.s)
	if err != nil {
		t.Fatal(err)
	}
	return lifecycle.New(f.s, p, opts)
}

// submit creates version of a from specText as who and submits it for
// review as who.
func (f *fixture) submit(t *testing.T, who *store.User, a *store.API, version, specText string) (*store.APIVersion, *store.PublicationRequest) {
	t.Helper()
	ctx := context.Background()
	v, err := f.svc.CreateVersion(ctx, who, a, version, []byte(specText))
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.svc.Submit(ctx, who, a, v, "")
	if err != nil {
		t.Fatal(err)
	}
	return v, r
}

func (f *fixture) api(t *testing.T) *store.API {
	t.Helper()
	a, err := f.svc.CreateAPI(context.Background(), f.maintainer, f.team, lifecycle.APIInput{Slug: "pets", Name: "Pets", Tags: []string{"Animals", "animals"}})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (f *fixture) publish(t *testing.T, a *store.API, version, specText string) *store.APIVersion {
	t.Helper()
	ctx := context.Background()
	_, r := f.submit(t, f.dev, a, version, specText)
	if err := f.svc.Approve(ctx, f.approver, r, "ok", false); err != nil {
		t.Fatal(err)
	}
	got, err := f.s.Version(ctx, a.ID, version)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestHappyPathToRetirement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a := f.api(t)
		if strings.Join(a.Tags, ",") != "animals" {
			t.Errorf("tags = %v, want deduplicated [animals]", a.Tags)
		}
		v := f.publish(t, a, "1.0.0", spectest.PetsV1)
		if v.State != "published" || v.PublishedAt == nil {
			t.Fatalf("after approval: %s", v.State)
		}
		// A new version starts as a copy of the latest one.
		v2, err := f.svc.CreateVersion(ctx, f.dev, a, "1.1.0", nil)
		if err != nil {
			t.Fatal(err)
		}
		if v2.SpecJSON != v.SpecJSON || v2.Operations != 2 {
			t.Errorf("1.1.0 is not a copy of 1.0.0 (%d operations)", v2.Operations)
		}
		sunset := time.Now().Add(30 * 24 * time.Hour)
		if err := f.svc.Deprecate(ctx, f.maintainer, a, v, sunset, "9.9.9"); err == nil {
			t.Error("deprecation with an unknown successor succeeded")
		}
		if err := f.svc.Deprecate(ctx, f.maintainer, a, v, time.Now().Add(time.Hour), ""); err == nil {
			t.Error("deprecation without the minimum notice succeeded")
		}
		if err := f.svc.Deprecate(ctx, f.dev, a, v, sunset, ""); err == nil {
			t.Error("a developer deprecated a version")
		}
		if err := f.svc.Deprecate(ctx, f.maintainer, a, v, sunset, ""); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Undeprecate(ctx, f.maintainer, a, v); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Deprecate(ctx, f.maintainer, a, v, sunset, ""); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Retire(ctx, f.maintainer, a, v); err != nil {
			t.Fatal(err)
		}
		var te *lifecycle.TransitionError
		if err := f.svc.Retire(ctx, f.maintainer, a, v); !errors.As(err, &te) {
			t.Errorf("retiring twice: %v, want a TransitionError", err)
		}
		events, _ := s.ListAudit(ctx, store.AuditFilter{ObjectID: "pets@1.0.0", Limit: 50})
		var actions []string
		for _, e := range events {
			actions = append(actions, e.Action)
		}
		want := "version.retire,version.deprecate,version.undeprecate,version.deprecate,version.approve,version.submit,version.create"
		if got := strings.Join(actions, ","); got != want {
			t.Errorf("audit trail = %s, want %s", got, want)
		}
		stats, _ := s.OutboxStats(ctx)
		if stats[lifecycle.TopicSearchIndex] == 0 {
			t.Error("no search re-index queued")
		}
	})
}

func TestFourEyes(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, storetest.New(t))
	a := f.api(t)
	_, r := f.submit(t, f.admin, a, "1.0.0", spectest.PetsV1)
	var de *apperr.DeniedError
	if err := f.svc.Approve(ctx, f.admin, r, "", false); !errors.As(err, &de) {
		t.Fatalf("self-approval: %v, want DeniedError", err)
	}
	if err := f.svc.Approve(ctx, f.admin, r, "urgent fix", true); err != nil {
		t.Fatalf("admin override: %v", err)
	}
	got, _ := f.s.Request(ctx, r.ID)
	if !got.Override || got.State != store.RequestApproved {
		t.Errorf("request after override = %+v, want approved with override recorded", got)
	}
	events, _ := f.s.ListAudit(ctx, store.AuditFilter{Action: "version.approve"})
	if len(events) != 1 || !strings.Contains(events[0].Reason, "override") {
		t.Errorf("audit of the override = %+v", events)
	}
	// A non-admin approver cannot approve their own request even with override.
	v2, _ := f.svc.CreateVersion(ctx, f.approver, a, "1.0.1", nil)
	if v2 != nil {
		t.Fatal("an org approver outside the team created a version")
	}
}

func TestBreakingChangeNeedsMajor(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, storetest.New(t))
	a, r := submitBreaking(t, f)
	err := f.svc.Approve(ctx, f.approver, r, "", false)
	var te *lifecycle.TransitionError
	if !errors.As(err, &te) || len(te.Blocking) == 0 || !strings.Contains(te.Reason, "2.0.0") {
		t.Fatalf("breaking approval: %v, want a refusal naming 2.0.0", err)
	}
	// The same spec as a new major is fine.
	f.publish(t, a, "2.0.0", spectest.PetsBreaking)
	// Reject needs a reason and returns the version to draft.
	if err := f.svc.Reject(ctx, f.approver, r, " "); err == nil {
		t.Error("rejection without a reason succeeded")
	}
	if err := f.svc.Reject(ctx, f.approver, r, "breaking: bump the major"); err != nil {
		t.Fatal(err)
	}
	got, _ := f.s.Version(ctx, a.ID, "1.1.0")
	if got.State != "draft" {
		t.Errorf("after rejection: %s, want draft", got.State)
	}
	n, _ := f.s.UnreadCount(ctx, f.dev.ID)
	if n == 0 {
		t.Error("the requester was not notified")
	}
}

func TestConcurrentApprovalsOneWinner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a := f.api(t)
		_, r := f.submit(t, f.dev, a, "1.0.0", spectest.PetsV1)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, u := range []*store.User{f.approver, f.approver2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, err := s.Request(ctx, r.ID)
				if err != nil {
					errs[i] = err
					return
				}
				errs[i] = f.svc.Approve(ctx, u, req, "", false)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
				continue
			}
			var te *lifecycle.TransitionError
			if !errors.As(err, &te) {
				t.Errorf("loser's error = %v, want a clear TransitionError", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d approvals succeeded (%v), want exactly 1", ok, errs)
		}
		events, _ := s.ListAudit(ctx, store.AuditFilter{Action: "version.approve"})
		if len(events) != 1 {
			t.Errorf("%d approve events, want 1", len(events))
		}
	})
}

func TestRetireDue(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	f := newFixture(t, s)
	a := f.api(t)
	v := f.publish(t, a, "1.0.0", spectest.PetsV1)
	if err := f.svc.Deprecate(ctx, f.maintainer, a, v, time.Now().Add(8*24*time.Hour), ""); err != nil {
		t.Fatal(err)
	}
	passSunset(t, s, v)
	n, err := f.svc.RetireDue(ctx)
	if err != nil || n != 1 {
		t.Fatalf("RetireDue = %d, %v; want 1", n, err)
	}
	got, _ := s.Version(ctx, a.ID, "1.0.0")
	if got.State != "retired" || got.RetiredAt == nil {
		t.Errorf("after sunset: %s", got.State)
	}
	// Retired stays in history.
	vs, _ := s.Versions(ctx, a.ID)
	if len(vs) != 1 {
		t.Errorf("versions after retirement = %d, want 1", len(vs))
	}
}

// passSunset moves a deprecated version's sunset an hour into the past by
// the database's clock, as the sunset scheduler finds it when the day has
// come.
func passSunset(t *testing.T, s *store.Store, v *store.APIVersion) {
	t.Helper()
	ctx := context.Background()
	now, err := s.ClockNow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().NewUpdate().Table("api_versions").Set("sunset_at = ?", now.Add(-time.Hour)).Where("id = ?", v.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestRetireDueByTheStoreClock: an instance whose clock runs nine days
// fast finds a version whose sunset is eight days away (by the database's
// clock, which every instance shares) not yet due, and leaves it
// deprecated: the gateways keep serving it until the promised sunset.
func TestRetireDueByTheStoreClock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a := f.api(t)
		v := f.publish(t, a, "1.0.0", spectest.PetsV1)
		if err := f.svc.Deprecate(ctx, f.maintainer, a, v, time.Now().Add(8*24*time.Hour), ""); err != nil {
			t.Fatal(err)
		}
		fast := f.serviceWith(t, lifecycle.Options{Now: func() time.Time { return time.Now().Add(9 * 24 * time.Hour) }})
		n, err := fast.RetireDue(ctx)
		if err != nil || n != 0 {
			t.Errorf("RetireDue on an instance 9 days fast = %d, %v; want 0 a week before the sunset", n, err)
		}
		got, err := s.Version(ctx, a.ID, "1.0.0")
		if err != nil {
			t.Fatal(err)
		}
		if got.State != "deprecated" {
			t.Errorf("version a week before its sunset is %s, want deprecated", got.State)
		}
	})
}

// TestSchedulersOfEveryInstanceRetireOnce runs the sunset scheduler of
// three instances at once over the same due versions: each version is
// retired once, with one audit record and one index update.
func TestSchedulersOfEveryInstanceRetireOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a := f.api(t)
		versions := []string{"1.0.0", "1.1.0", "1.2.0", "1.3.0"}
		for _, version := range versions {
			v := f.publish(t, a, version, spectest.PetsV1)
			if err := f.svc.Deprecate(ctx, f.maintainer, a, v, time.Now().Add(8*24*time.Hour), ""); err != nil {
				t.Fatal(err)
			}
			passSunset(t, s, v)
		}
		before, err := s.OutboxStats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		retired := make([]int, 3)
		errs := make([]error, 3)
		for i := range 3 {
			instance := f.serviceWith(t, lifecycle.Options{})
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 3 { // three ticks each
					n, err := instance.RetireDue(ctx)
					retired[i] += n
					if err != nil {
						errs[i] = err
						return
					}
				}
			}()
		}
		wg.Wait()
		total := 0
		for i := range 3 {
			if errs[i] != nil {
				t.Errorf("scheduler %d: %v", i, errs[i])
			}
			total += retired[i]
		}
		if total != len(versions) {
			t.Errorf("schedulers retired %v, %d in all, want %d", retired, total, len(versions))
		}
		events, err := s.ListAudit(ctx, store.AuditFilter{Action: "version.retire"})
		if err != nil || len(events) != len(versions) {
			t.Errorf("%d retire events (%v), want %d", len(events), err, len(versions))
		}
		for _, version := range versions {
			if v, _ := s.Version(ctx, a.ID, version); v == nil || v.State != "retired" {
				t.Errorf("version %s not retired", version)
			}
		}
		after, err := s.OutboxStats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := after[lifecycle.TopicSearchIndex] - before[lifecycle.TopicSearchIndex]; got != len(versions) {
			t.Errorf("%d index updates queued by the retirements, want %d", got, len(versions))
		}
	})
}

func TestInvalidInput(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, storetest.New(t))
	_, err := f.svc.CreateAPI(ctx, f.maintainer, f.team, lifecycle.APIInput{Slug: "Bad Slug", Visibility: "secret", Upstreams: []string{"ftp://x"}})
	var ie *apperr.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("CreateAPI invalid: %v", err)
	}
	for _, field := range []string{"slug", "name", "visibility", "upstreams"} {
		if ie.Fields[field] == "" {
			t.Errorf("no error for %s in %v", field, ie.Fields)
		}
	}
	a := f.api(t)
	for _, tt := range []struct{ version, spec, field string }{
		{"1.0", spectest.PetsV1, "version"},
		{"1.0.0", "", "spec"},
		{"1.0.0", "openapi: 3.0.0\ninfo: {}\n", "spec"},
		{"1.0.0", "not: [yaml", "spec"},
	} {
		_, err := f.svc.CreateVersion(ctx, f.dev, a, tt.version, []byte(tt.spec))
		if !errors.As(err, &ie) || ie.Fields[tt.field] == "" {
			t.Errorf("CreateVersion(%q, %q) = %v, want an error on %s", tt.version, tt.spec, err, tt.field)
		}
	}
	vs, _ := f.s.Versions(ctx, a.ID)
	if len(vs) != 0 {
		t.Errorf("invalid versions were saved: %d", len(vs))
	}
	if _, err := f.svc.CreateAPI(ctx, f.dev, f.team, lifecycle.APIInput{Slug: "x", Name: "X"}); err == nil {
		t.Error("a developer created an API")
	}
}

func TestTransitionTable(t *testing.T) {
	// Every (action, state) pair is allowed exactly when the table says so.
	allowed := map[string]bool{}
	for _, tr := range lifecycle.Transitions() {
		allowed[string(tr.Action)+"/"+string(tr.From)] = true
	}
	for _, st := range lifecycle.States() {
		for _, act := range []lifecycle.Action{lifecycle.Submit, lifecycle.Withdraw, lifecycle.Reject, lifecycle.Approve, lifecycle.Deprecate, lifecycle.Undeprecate, lifecycle.Retire, lifecycle.Import} {
			_, ok := lifecycle.Find(act, st)
			if ok != allowed[string(act)+"/"+string(st)] {
				t.Errorf("Find(%s, %s) = %v", act, st, ok)
			}
		}
	}
	if len(lifecycle.Allowed(lifecycle.Retired)) != 0 {
		t.Error("retired is not final")
	}
}

// The earliest sunset a form offers is exactly the first date Deprecate
// accepts, whatever the hour and the zone of the clock.
func TestEarliestSunsetIsTheRuleOfDeprecate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a := f.api(t)
		v := f.publish(t, a, "1.0.0", spectest.PetsV1)
		tokyo := time.FixedZone("UTC+9", 9*3600)
		for _, now := range []time.Time{
			time.Date(2026, 12, 2, 23, 30, 0, 0, time.UTC),
			time.Date(2026, 12, 3, 8, 30, 0, 0, tokyo), // 23:30 UTC the day before
			time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC),
		} {
			svc := f.serviceWith(t, lifecycle.Options{MinSunsetNotice: 30 * 24 * time.Hour, Now: func() time.Time { return now }})
			earliest := svc.EarliestSunset()
			if earliest.Location() != time.UTC || earliest.Hour() != 0 || earliest.Minute() != 0 {
				t.Errorf("now %s: earliest %s is not a midnight UTC", now, earliest)
			}
			dayBefore := earliest.AddDate(0, 0, -1)
			err := svc.Deprecate(ctx, f.maintainer, a, v, dayBefore, "")
			if err == nil {
				t.Fatalf("now %s: a sunset on %s, the day before the earliest, was accepted", now, dayBefore.Format("2006-01-02"))
			}
			if !strings.Contains(err.Error(), earliest.Format("2006-01-02")) {
				t.Errorf("now %s: refusal %q does not name the earliest day %s", now, err, earliest.Format("2006-01-02"))
			}
			if err := svc.Deprecate(ctx, f.maintainer, a, v, earliest, ""); err != nil {
				t.Fatalf("now %s: the earliest day %s was refused: %v", now, earliest.Format("2006-01-02"), err)
			}
			if err := svc.Undeprecate(ctx, f.maintainer, a, v); err != nil {
				t.Fatal(err)
			}
			if v, err = s.Version(ctx, a.ID, "1.0.0"); err != nil {
				t.Fatal(err)
			}
		}
	})
}
