package subscriptions_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
	"github.com/portico-dev/portico/subscriptions"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type fixture struct {
	s                       *store.Store
	life                    *lifecycle.Service
	svc                     *subscriptions.Service
	clock                   *clock
	pets, shop, other       *store.Team
	admin, maint, owner     *store.User
	dev, viewer, shopViewer *store.User
	outsider                *store.User
	api                     *store.API
	v1                      *store.APIVersion
	auto, manual            *store.Plan
	app                     *store.App
}

// servicesAt returns a lifecycle and a subscriptions service on f's store,
// both reading the clock now: the one-instant tests give them a test clock
// of their own.
func (f *fixture) servicesAt(t *testing.T, now func() time.Time) (*lifecycle.Service, *subscriptions.Service) {
	t.Helper()
	p, err := policy.New(context.Background(), f.s)
	if err != nil {
		t.Fatal(err)
	}
	life := lifecycle.New(f.s, p, lifecycle.Options{MinSunsetNotice: 7 * 24 * time.Hour, Now: now})
	return life, subscriptions.New(f.s, p, life, subscriptions.Options{Now: now})
}

// auditAt returns when the newest audit event of action was written.
func (f *fixture) auditAt(t *testing.T, action string) time.Time {
	t.Helper()
	es, err := f.s.ListAudit(context.Background(), store.AuditFilter{Action: action, Limit: 1})
	if err != nil || len(es) == 0 {
		t.Fatalf("audit %s: %v, %d events", action, err, len(es))
	}
	return es[0].CreatedAt
}

// notifiedAt returns when u's newest notification of kind was written.
func (f *fixture) notifiedAt(t *testing.T, u *store.User, kind string) time.Time {
	t.Helper()
	ns, err := f.s.Notifications(context.Background(), u.ID, 20)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		if n.Kind == kind {
			return n.CreatedAt
		}
	}
	t.Fatalf("%s has no %s notification", u.Username, kind)
	return time.Time{}
}

// apiRow reads the API id from the store.
func (f *fixture) apiRow(t *testing.T, id int64) *store.API {
	t.Helper()
	a, err := f.s.APIByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// checkOneInstant fails the test unless every time in got is at: what one
// operation wrote, read back, against the operation's instant.
func checkOneInstant(t *testing.T, what string, at time.Time, got ...time.Time) {
	t.Helper()
	times := make([]string, len(got))
	ok := true
	for i, g := range got {
		times[i] = g.UTC().Format(time.RFC3339Nano)
		ok = ok && g.Equal(at)
	}
	if !ok {
		t.Errorf("%s at %s: got %s; want one instant", what, at.UTC().Format(time.RFC3339Nano), strings.Join(times, ", "))
	}
}

// newFixture: team pets provides the public API "pets" (1.0.0 published)
// with an auto and a manual plan; team shop consumes it with the app
// "shop-web"; outsider owns team other.
func newFixture(t *testing.T, s *store.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{s: s, clock: &clock{t: time.Now().UTC().Truncate(time.Second)}}
	team := func(slug string) *store.Team {
		return storetest.Team(t, s, slug, strings.ToUpper(slug[:1])+slug[1:])
	}
	f.pets, f.shop, f.other = team("pets"), team("shop"), team("other")
	f.admin = storetest.User(t, s, "admin", policy.RoleAdmin, nil, "")
	f.maint = storetest.User(t, s, "maint", policy.RoleMember, f.pets, policy.RoleMaintainer)
	f.owner = storetest.User(t, s, "owner", policy.RoleMember, f.pets, policy.RoleOwner)
	f.viewer = storetest.User(t, s, "petsviewer", policy.RoleMember, f.pets, policy.RoleViewer)
	f.dev = storetest.User(t, s, "dev", policy.RoleMember, f.shop, policy.RoleDeveloper)
	f.shopViewer = storetest.User(t, s, "shopviewer", policy.RoleMember, f.shop, policy.RoleViewer)
	f.outsider = storetest.User(t, s, "outsider", policy.RoleMember, f.other, policy.RoleOwner)
	p, err := policy.New(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	f.life = lifecycle.New(s, p, lifecycle.Options{MinSunsetNotice: 7 * 24 * time.Hour})
	f.svc = subscriptions.New(s, p, f.life, subscriptions.Options{Now: f.clock.Now})
	f.api, err = f.life.CreateAPI(ctx, f.maint, f.pets, lifecycle.APIInput{Slug: "pets", Name: "Pets"})
	if err != nil {
		t.Fatal(err)
	}
	f.v1 = f.publish(t, f.api, "1.0.0", spectest.PetsV1)
	f.auto = f.plan(t, "free", "auto")
	f.manual = f.plan(t, "gold", "manual")
	if f.app, err = f.svc.CreateApp(ctx, f.dev, f.shop, subscriptions.AppInput{Slug: "shop-web", Name: "Shop web", Contact: "web@shop.example"}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) publish(t *testing.T, a *store.API, version, specText string) *store.APIVersion {
	t.Helper()
	ctx := context.Background()
	v, err := f.life.CreateVersion(ctx, f.maint, a, version, []byte(specText))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.life.Import(ctx, f.admin, a, v); err != nil {
		t.Fatal(err)
	}
	return v
}

func (f *fixture) plan(t *testing.T, slug, approval string) *store.Plan {
	t.Helper()
	p, err := f.svc.CreatePlan(context.Background(), f.maint, f.api, subscriptions.PlanInput{Slug: slug, Name: strings.ToUpper(slug), RatePerMinute: "60", Burst: "10", QuotaPerDay: "10000", Approval: approval, Open: true})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *fixture) subscribe(t *testing.T, plan string) *store.Subscription {
	t.Helper()
	sub, err := f.svc.Subscribe(context.Background(), f.dev, f.app, subscriptions.SubscribeInput{API: "pets", Plan: plan, Purpose: "the shop's catalogue"})
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

func fieldError(t *testing.T, err error, field string) string {
	t.Helper()
	var ie *apperr.InputError
	if !errors.As(err, &ie) || ie.Fields[field] == "" {
		t.Fatalf("err = %v, want a field error on %s", err, field)
	}
	return ie.Fields[field]
}

func isConflict(err error) bool {
	var ce *apperr.ConflictError
	return errors.As(err, &ce)
}

func TestKeysAreShownOnceStoredAsHashesAndVerify(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		sub := f.subscribe(t, "free")
		if sub.State != "active" {
			t.Fatalf("auto plan: state %s, want active", sub.State)
		}
		k, key, err := f.svc.IssueKey(ctx, f.dev, sub, subscriptions.KeyInput{Name: "production"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(key, "ptk_"+k.Kid+"_") || len(key) != 73 {
			t.Fatalf("key %q (len %d) does not have the form ptk_<kid>_<secret>", subscriptions.Prefix(k.Kid), len(key))
		}
		v, err := f.svc.Verify(ctx, key)
		if err != nil {
			t.Fatalf("Verify(new key) = %v", err)
		}
		if v.Subscription.ID != sub.ID || v.Subscription.Plan.Slug != "free" || v.Subscription.API.Slug != "pets" || v.Subscription.Major != 1 || v.Version != "1.0.0" {
			t.Errorf("Verify = subscription %d plan %s api %s v%d version %s", v.Subscription.ID, v.Subscription.Plan.Slug, v.Subscription.API.Slug, v.Subscription.Major, v.Version)
		}

		// The raw key is nowhere in the database: not whole, not its secret.
		secret := key[strings.LastIndex(key, "_")+1:]
		d, _ := storetest.Dump(t, s)
		if !strings.Contains(d, "api_keys.key_hash=") {
			t.Fatal("the dump has no api_keys rows: it is broken")
		}
		if strings.Contains(d, key) || strings.Contains(d, secret) {
			t.Fatal("the database holds the raw key")
		}
		if !strings.Contains(d, subscriptions.HashKey(key)) || !strings.Contains(d, "ptk_"+k.Kid) {
			t.Error("the database holds neither the key's hash nor its prefix in the audit log")
		}

		// Refused keys.
		for _, bad := range []string{"", "ptk_", key + "x", strings.ToUpper(key), key[:len(key)-1] + "a", "ptk_" + k.Kid + "_" + strings.Repeat("a", 52)} {
			if bad == key {
				continue
			}
			if _, err := f.svc.Verify(ctx, bad); !errors.Is(err, subscriptions.ErrKeyMalformed) && !errors.Is(err, subscriptions.ErrKeyUnknown) {
				t.Errorf("Verify(%.12q…) = %v, want malformed or unknown", bad, err)
			}
		}

		// Rotation with a grace period: both verify during it, the old one not after.
		nk, newKey, err := f.svc.RotateKey(ctx, f.dev, k, sub, "3600")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Verify(ctx, key); err != nil {
			t.Errorf("old key during its grace: %v", err)
		}
		if _, err := f.svc.Verify(ctx, newKey); err != nil {
			t.Errorf("new key: %v", err)
		}
		if _, _, err := f.svc.RotateKey(ctx, f.dev, k, sub, "0"); !isConflict(err) {
			t.Errorf("rotating a rotated key: %v, want a conflict", err)
		}
		f.clock.advance(time.Hour + time.Second)
		if _, err := f.svc.Verify(ctx, key); !errors.Is(err, subscriptions.ErrKeyGraceEnded) {
			t.Errorf("old key after its grace: %v, want grace ended", err)
		}
		if _, err := f.svc.Verify(ctx, newKey); err != nil {
			t.Errorf("new key after the old one's grace: %v", err)
		}

		// Rotation without grace revokes at once; revoke ends a key at once.
		nk2, key3, err := f.svc.RotateKey(ctx, f.dev, nk, sub, "0")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Verify(ctx, newKey); !errors.Is(err, subscriptions.ErrKeyRevoked) {
			t.Errorf("key rotated without grace: %v, want revoked", err)
		}
		if err := f.svc.RevokeKey(ctx, f.dev, nk2, sub); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Verify(ctx, key3); !errors.Is(err, subscriptions.ErrKeyRevoked) {
			t.Errorf("revoked key: %v, want revoked", err)
		}
		if err := f.svc.RevokeKey(ctx, f.dev, nk2, sub); !isConflict(err) {
			t.Errorf("revoking twice: %v, want a conflict", err)
		}

		// Expiry.
		tomorrow := f.clock.Now().Add(24 * time.Hour).Format("2006-01-02")
		ek, ekey, err := f.svc.IssueKey(ctx, f.dev, sub, subscriptions.KeyInput{Name: "staging", ExpiresAt: tomorrow})
		if err != nil {
			t.Fatal(err)
		}
		if ek.ExpiresAt == nil || ek.ExpiresAt.Nanosecond() != 0 {
			t.Errorf("expiry %v, want whole seconds", ek.ExpiresAt)
		}
		if _, err := f.svc.Verify(ctx, ekey); err != nil {
			t.Errorf("key before its expiry: %v", err)
		}
		f.clock.advance(3 * 24 * time.Hour)
		if _, err := f.svc.Verify(ctx, ekey); !errors.Is(err, subscriptions.ErrKeyExpired) {
			t.Errorf("expired key: %v, want expired", err)
		}
		for _, bad := range []string{"yesterday", "2001-01-01", f.clock.Now().Add(4 * 365 * 24 * time.Hour).Format("2006-01-02")} {
			_, _, err := f.svc.IssueKey(ctx, f.dev, sub, subscriptions.KeyInput{Name: "x", ExpiresAt: bad})
			fieldError(t, err, "expires_at")
		}
		for _, bad := range []string{"", "-1", "2592001", "soon", "2001-01-01"} {
			k, _, err := f.svc.IssueKey(ctx, f.dev, sub, subscriptions.KeyInput{Name: "g"})
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = f.svc.RotateKey(ctx, f.dev, k, sub, bad)
			fieldError(t, err, "grace")
			if err := f.svc.RevokeKey(ctx, f.dev, k, sub); err != nil {
				t.Fatal(err)
			}
		}

		// At most MaxLiveKeys live keys.
		for i := 0; i < subscriptions.MaxLiveKeys; i++ {
			if _, _, err := f.svc.IssueKey(ctx, f.dev, sub, subscriptions.KeyInput{Name: fmt.Sprint("k", i)}); err != nil {
				t.Fatalf("key %d: %v", i, err)
			}
		}
		if _, _, err := f.svc.IssueKey(ctx, f.dev, sub, subscriptions.KeyInput{Name: "one too many"}); !isConflict(err) {
			t.Errorf("key %d: %v, want a conflict", subscriptions.MaxLiveKeys+1, err)
		}

		// Who may: a viewer of the app's team and the API's team may not.
		for _, u := range []*store.User{f.shopViewer, f.maint, f.outsider} {
			if _, _, err := f.svc.IssueKey(ctx, u, sub, subscriptions.KeyInput{Name: "x"}); err == nil {
				t.Errorf("%s issued a key", u.Username)
			}
		}

		// The audit log names keys by prefix; every key change told the gateways.
		events, err := s.ListAudit(ctx, store.AuditFilter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, e := range events {
			actions[e.Action]++
			if strings.Contains(e.Before+e.After+e.Reason+e.ObjectID, secret) {
				t.Errorf("audit %s holds the secret", e.Action)
			}
		}
		if actions["key.issue"] < 3 || actions["key.rotate"] != 2 || actions["key.revoke"] < 2 {
			t.Errorf("audit actions %v", actions)
		}
		stats, err := s.OutboxStats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if stats[store.TopicGatewayChanged] < 10 {
			t.Errorf("gateway.changed messages: %d, want one per change", stats[store.TopicGatewayChanged])
		}
	})
}

func TestSubscriptionStates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		sub := f.subscribe(t, "gold")
		if sub.State != "pending" {
			t.Fatalf("manual plan: state %s, want pending", sub.State)
		}
		if _, err := f.svc.Subscribe(ctx, f.dev, f.app, subscriptions.SubscribeInput{API: "pets", Plan: "free", Purpose: "again"}); !isConflict(err) {
			t.Errorf("a second live subscription to the same major: %v, want a conflict", err)
		}
		if _, _, err := f.svc.IssueKey(ctx, f.dev, sub, subscriptions.KeyInput{Name: "early"}); !isConflict(err) {
			t.Errorf("a key for a pending subscription: %v, want a conflict", err)
		}
		// The deciders are notified and see it in their inbox.
		inbox, n, err := f.svc.Inbox(ctx, f.owner, 0, 50)
		if err != nil || n != 1 || len(inbox) != 1 || inbox[0].ID != sub.ID {
			t.Fatalf("owner's inbox = %d of %d, %v", len(inbox), n, err)
		}
		for _, u := range []*store.User{f.dev, f.viewer, f.outsider} {
			if n, err := f.svc.PendingCount(ctx, u); err != nil || n != 0 {
				t.Errorf("%s's pending count = %d, %v; want 0", u.Username, n, err)
			}
		}
		// The navigation's link and badge (a count kept prepared on SQLite).
		waiting := func(u *store.User, decides bool, pending int) {
			t.Helper()
			d, n, err := f.svc.RequestsWaiting(ctx, u)
			if err != nil || d != decides || n != pending {
				t.Errorf("%s's requests waiting = %v, %d, %v; want %v, %d", u.Username, d, n, err, decides, pending)
			}
		}
		for _, u := range []*store.User{f.maint, f.owner, f.admin} {
			waiting(u, true, 1)
		}
		for _, u := range []*store.User{f.dev, f.viewer} {
			waiting(u, false, 0)
		}
		waiting(f.outsider, true, 0) // decides for another team only
		if ns, _ := s.Notifications(ctx, f.maint.ID, 10); len(ns) != 1 || ns[0].Kind != "subscription.requested" {
			t.Errorf("maintainer's notifications: %+v", ns)
		}
		// Only the provider's maintainers, owners and org admins decide.
		for _, u := range []*store.User{f.dev, f.viewer, f.outsider} {
			var de *apperr.DeniedError
			if err := f.svc.Approve(ctx, u, sub); !errors.As(err, &de) {
				t.Errorf("%s approving: %v, want denied", u.Username, err)
			}
		}
		fieldError(t, f.svc.Reject(ctx, f.maint, sub, "  "), "reason")
		if err := f.svc.Approve(ctx, f.maint, sub); err != nil {
			t.Fatal(err)
		}
		if sub.State != "active" || sub.DecidedBy == nil {
			t.Errorf("after approval: %s", sub.State)
		}
		waiting(f.owner, true, 0)
		waiting(f.admin, true, 0)
		if err := f.svc.Approve(ctx, f.owner, sub); !isConflict(err) || !strings.Contains(err.Error(), "active") {
			t.Errorf("approving twice: %v", err)
		}
		if ns, _ := s.Notifications(ctx, f.dev.ID, 10); len(ns) != 1 || ns[0].Kind != "subscription.approve" {
			t.Errorf("requester's notifications: %+v", ns)
		}
		_, key, err := f.svc.IssueKey(ctx, f.dev, sub, subscriptions.KeyInput{Name: "prod"})
		if err != nil {
			t.Fatal(err)
		}
		// Revocation needs a reason and ends the keys.
		fieldError(t, f.svc.Revoke(ctx, f.maint, sub, ""), "reason")
		if err := f.svc.Cancel(ctx, f.maint, sub); err == nil {
			t.Error("the provider cancelled the consumer's subscription")
		}
		if err := f.svc.Revoke(ctx, f.maint, sub, "abuse"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Verify(ctx, key); !errors.Is(err, subscriptions.ErrKeyRevoked) {
			t.Errorf("key of a revoked subscription: %v", err)
		}
		if err := f.svc.Cancel(ctx, f.dev, sub); !isConflict(err) || !strings.Contains(err.Error(), "final") {
			t.Errorf("cancelling a revoked subscription: %v", err)
		}
		// A new request, withdrawn by the consumer; another, rejected.
		sub2 := f.subscribe(t, "gold")
		if err := f.svc.Cancel(ctx, f.dev, sub2); err != nil || sub2.State != "cancelled" {
			t.Fatalf("withdrawing: %v (%s)", err, sub2.State)
		}
		sub3 := f.subscribe(t, "gold")
		if err := f.svc.Reject(ctx, f.admin, sub3, "use the free plan"); err != nil || sub3.State != "rejected" || sub3.Reason != "use the free plan" {
			t.Fatalf("rejecting: %v (%s)", err, sub3.State)
		}
		// Lists: each side sees its own; outsiders nothing.
		page, err := f.svc.List(ctx, f.shopViewer, subscriptions.ListInput{Role: "consumer"})
		if err != nil || len(page.Subscriptions) != 3 {
			t.Errorf("consumer list: %d, %v", len(page.Subscriptions), err)
		}
		page, err = f.svc.List(ctx, f.viewer, subscriptions.ListInput{Role: "provider", State: "rejected"})
		if err != nil || len(page.Subscriptions) != 1 || page.Subscriptions[0].ID != sub3.ID {
			t.Errorf("provider list of rejected: %v, %v", page.Subscriptions, err)
		}
		for _, role := range []string{"consumer", "provider"} {
			page, err = f.svc.List(ctx, f.outsider, subscriptions.ListInput{Role: role})
			if err != nil || len(page.Subscriptions) != 0 {
				t.Errorf("outsider's %s list: %d, %v", role, len(page.Subscriptions), err)
			}
		}
		page, err = f.svc.List(ctx, f.dev, subscriptions.ListInput{Limit: 2})
		if err != nil || len(page.Subscriptions) != 2 || page.Next == "" {
			t.Fatalf("first page: %d next %q, %v", len(page.Subscriptions), page.Next, err)
		}
		page, err = f.svc.List(ctx, f.dev, subscriptions.ListInput{Limit: 2, Before: page.Next})
		if err != nil || len(page.Subscriptions) != 1 || page.Next != "" || page.Subscriptions[0].ID != sub.ID {
			t.Errorf("second page: %d next %q, %v", len(page.Subscriptions), page.Next, err)
		}
		fieldError(t, func() error { _, err := f.svc.List(ctx, f.dev, subscriptions.ListInput{Role: "both"}); return err }(), "role")
		fieldError(t, func() error { _, err := f.svc.List(ctx, f.dev, subscriptions.ListInput{State: "gone"}); return err }(), "state")
		// Visibility of one subscription.
		for u, want := range map[*store.User]bool{f.dev: true, f.shopViewer: true, f.viewer: true, f.admin: true, f.outsider: false} {
			_, err := f.svc.Subscription(ctx, u, sub.ID)
			if got := err == nil; got != want || (err != nil && !errors.Is(err, store.ErrNotFound)) {
				t.Errorf("%s sees subscription: %v, want %t", u.Username, err, want)
			}
		}
		events, err := s.ListAudit(ctx, store.AuditFilter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, e := range events {
			actions[e.Action]++
		}
		for _, a := range []string{"subscription.create", "subscription.approve", "subscription.revoke", "subscription.cancel", "subscription.reject"} {
			if actions[a] == 0 {
				t.Errorf("no %s in the audit log: %v", a, actions)
			}
		}
	})
}

func TestSubscribeRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		in := subscriptions.SubscribeInput{API: "pets", Plan: "free", Purpose: "tests"}
		try := func(u *store.User, app *store.App, mod func(*subscriptions.SubscribeInput)) error {
			in := in
			mod(&in)
			_, err := f.svc.Subscribe(ctx, u, app, in)
			return err
		}
		fieldError(t, try(f.dev, f.app, func(in *subscriptions.SubscribeInput) { in.Purpose = "" }), "purpose")
		fieldError(t, try(f.dev, f.app, func(in *subscriptions.SubscribeInput) { in.Plan = "platinum" }), "plan")
		fieldError(t, try(f.dev, f.app, func(in *subscriptions.SubscribeInput) { in.Major = "2" }), "major")
		fieldError(t, try(f.dev, f.app, func(in *subscriptions.SubscribeInput) { in.API = "nope" }), "api")
		if err := try(f.shopViewer, f.app, func(*subscriptions.SubscribeInput) {}); err == nil {
			t.Error("a viewer subscribed the team's app")
		}
		// A closed plan takes no new subscription.
		closed := subscriptions.PlanInputOf(f.auto)
		closed.Open = false
		if err := f.svc.UpdatePlan(ctx, f.maint, f.api, f.auto, closed); err != nil {
			t.Fatal(err)
		}
		fieldError(t, try(f.dev, f.app, func(*subscriptions.SubscribeInput) {}), "plan")
		if err := f.svc.UpdatePlan(ctx, f.dev, f.api, f.auto, closed); err == nil {
			t.Error("a developer of another team changed a plan")
		}
		// A team-only API is not subscribable by outsiders, as if it did not exist.
		secret, err := f.life.CreateAPI(ctx, f.maint, f.pets, lifecycle.APIInput{Slug: "secret", Name: "Secret", Visibility: store.VisibilityTeam})
		if err != nil {
			t.Fatal(err)
		}
		f.publish(t, secret, "1.0.0", spectest.PetsV1)
		if _, err := f.svc.CreatePlan(ctx, f.maint, secret, subscriptions.PlanInput{Slug: "free", Name: "Free", Approval: "auto", Open: true}); err != nil {
			t.Fatal(err)
		}
		msg := fieldError(t, try(f.dev, f.app, func(in *subscriptions.SubscribeInput) { in.API = "secret" }), "api")
		if want := fieldError(t, try(f.dev, f.app, func(in *subscriptions.SubscribeInput) { in.API = "absent" }), "api"); strings.ReplaceAll(want, "absent", "secret") != msg {
			t.Errorf("team-only API: %q, unknown API: %q; want the same words", msg, want)
		}
		// Plans: validation.
		_, err = f.svc.CreatePlan(ctx, f.maint, f.api, subscriptions.PlanInput{Slug: "Bad Slug", Name: "", RatePerMinute: "-1", Burst: "x", QuotaPerDay: "99999999999999", Approval: "maybe"})
		var ie *apperr.InputError
		if !errors.As(err, &ie) || len(ie.Fields) != 6 {
			t.Errorf("bad plan: %v, want 6 field errors", err)
		}
		if _, err := f.svc.CreatePlan(ctx, f.maint, f.api, subscriptions.PlanInput{Slug: "free", Name: "Again", Approval: "auto"}); err == nil {
			t.Error("a second plan with the same slug")
		}
		// Apps: unique slugs across the organisation.
		if _, err := f.svc.CreateApp(ctx, f.outsider, f.other, subscriptions.AppInput{Slug: "shop-web", Name: "Copy"}); err == nil {
			t.Error("a second app with the same slug")
		}
		if _, err := f.svc.App(ctx, f.outsider, "shop-web"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("outsider reading another team's app: %v, want not found", err)
		}
	})
}

func TestLifecycleMeetsSubscriptions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		sub := f.subscribe(t, "free")
		_, key, err := f.svc.IssueKey(ctx, f.dev, sub, subscriptions.KeyInput{Name: "prod"})
		if err != nil {
			t.Fatal(err)
		}
		// Published → retired is refused while v1 has subscriptions, naming them.
		err = f.life.Retire(ctx, f.maint, f.api, f.v1)
		var te *lifecycle.TransitionError
		if !errors.As(err, &te) || !strings.Contains(te.Reason, "shop-web of shop") {
			t.Fatalf("retiring a subscribed published version: %v", err)
		}
		// A second major; deprecating v1 notifies its subscribers with the sunset and successor.
		f.publish(t, f.api, "2.0.0", spectest.PetsV1)
		sunset := f.clock.Now().Add(30 * 24 * time.Hour)
		v1, err := s.Version(ctx, f.api.ID, "1.0.0")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.life.Deprecate(ctx, f.maint, f.api, v1, sunset, "2.0.0"); err != nil {
			t.Fatal(err)
		}
		ns, err := s.Notifications(ctx, f.dev.ID, 10)
		if err != nil || len(ns) == 0 || ns[0].Kind != "subscription.deprecated" || !strings.Contains(ns[0].Message, sunset.Format("2006-01-02")) || !strings.Contains(ns[0].Message, "2.0.0") {
			t.Fatalf("subscriber's notifications after deprecation: %+v, %v", ns, err)
		}
		// A deprecated version accepts no new subscription.
		other, err := f.svc.CreateApp(ctx, f.dev, f.shop, subscriptions.AppInput{Slug: "shop-ios", Name: "Shop iOS"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Subscribe(ctx, f.dev, other, subscriptions.SubscribeInput{API: "pets", Plan: "free", Major: "1", Purpose: "old clients"})
		if msg := fieldError(t, err, "major"); !strings.Contains(msg, "deprecated") || !strings.Contains(msg, "2.0.0") {
			t.Errorf("subscribing to a deprecated major: %q", msg)
		}
		offer, err := f.svc.Offer(ctx, f.dev, f.api)
		if err != nil || len(offer.Majors) != 1 || offer.Majors[0] != 2 || offer.DefaultMajor != 2 {
			t.Errorf("offer after deprecation: %+v, %v", offer, err)
		}
		// Deprecated → retired ends the subscriptions, their keys and tells the subscribers.
		v1, err = s.Version(ctx, f.api.ID, "1.0.0")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.life.Retire(ctx, f.maint, f.api, v1); err != nil {
			t.Fatal(err)
		}
		got, err := s.SubscriptionByID(ctx, sub.ID)
		if err != nil || got.State != "ended" || got.EndedAt == nil {
			t.Fatalf("subscription after retirement: %+v, %v", got, err)
		}
		if _, err := f.svc.Verify(ctx, key); err == nil {
			t.Error("the key of an ended subscription verifies")
		}
		ns, _ = s.Notifications(ctx, f.dev.ID, 10)
		if len(ns) == 0 || ns[0].Kind != "subscription.ended" {
			t.Errorf("subscriber's notifications after retirement: %+v", ns)
		}
		events, err := s.ListAudit(ctx, store.AuditFilter{Action: "subscription.end", Limit: 10})
		if err != nil || len(events) != 1 {
			t.Errorf("audit of the end: %d, %v", len(events), err)
		}
		// Filed under the app's team too, not only the API's.
		events, err = s.ListAudit(ctx, store.AuditFilter{Action: "subscription.end", TeamID: f.shop.ID, Limit: 10})
		if err != nil || len(events) != 1 {
			t.Errorf("audit of the end filtered by the app's team: %d, %v", len(events), err)
		}
		// Subscriptions to v2 are untouched by v1's life.
		sub2, err := f.svc.Subscribe(ctx, f.dev, other, subscriptions.SubscribeInput{API: "pets", Plan: "free", Purpose: "new clients"})
		if err != nil || sub2.Major != 2 {
			t.Fatalf("subscribing to v2: %v", err)
		}
	})
}

// An API numbered by date (the demo's World Time API: 20210108, 20210109)
// is subscribable at those majors; a major beyond eight digits is refused
// with the rule.
func TestCalendarVersionsAreSubscribable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a, err := f.life.CreateAPI(ctx, f.maint, f.pets, lifecycle.APIInput{Slug: "worldtime", Name: "World time"})
		if err != nil {
			t.Fatal(err)
		}
		f.publish(t, a, "20210108.0.0", spectest.PetsV1)
		f.publish(t, a, "20210109.0.0", spectest.PetsV1)
		if _, err := f.svc.CreatePlan(ctx, f.maint, a, subscriptions.PlanInput{Slug: "free", Name: "Free", Approval: "auto", Open: true}); err != nil {
			t.Fatal(err)
		}
		sub, err := f.svc.Subscribe(ctx, f.dev, f.app, subscriptions.SubscribeInput{API: "worldtime", Plan: "free", Major: "20210109", Purpose: "clocks"})
		if err != nil {
			t.Fatalf("subscribing to v20210109: %v", err)
		}
		if sub.Major != 20210109 || sub.State != "active" {
			t.Errorf("subscription major %d, state %s; want 20210109, active", sub.Major, sub.State)
		}
		_, err = f.svc.Subscribe(ctx, f.dev, f.app, subscriptions.SubscribeInput{API: "worldtime", Plan: "free", Major: "100000000", Purpose: "clocks"})
		if msg := fieldError(t, err, "major"); !strings.Contains(msg, "from 0 to 99999999") {
			t.Errorf("major 100000000: %q, want the rule named", msg)
		}
	})
}

// A subscription still waiting for approval is one of the major's: the
// team that asked is told of the deprecation (its sunset and successor)
// and of the retirement that ends its request, as active subscribers are.
func TestPendingSubscribersAreToldOfDeprecationAndRetirement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		sub := f.subscribe(t, "gold")
		if sub.State != "pending" {
			t.Fatalf("subscription on the manual plan: got %s, want pending", sub.State)
		}
		f.publish(t, f.api, "2.0.0", spectest.PetsV1)
		kinds := func() []string {
			ns, err := s.Notifications(ctx, f.dev.ID, 10)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, n := range ns {
				out = append(out, n.Kind)
			}
			return out
		}
		v1, err := s.Version(ctx, f.api.ID, "1.0.0")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.life.Deprecate(ctx, f.maint, f.api, v1, time.Now().Add(30*24*time.Hour), "2.0.0"); err != nil {
			t.Fatal(err)
		}
		if got := kinds(); !slices.Contains(got, "subscription.deprecated") {
			t.Errorf("requester's notifications after deprecation: got %q, want subscription.deprecated", got)
		}
		if v1, err = s.Version(ctx, f.api.ID, "1.0.0"); err != nil {
			t.Fatal(err)
		}
		if err := f.life.Retire(ctx, f.maint, f.api, v1); err != nil {
			t.Fatal(err)
		}
		if got, err := s.SubscriptionByID(ctx, sub.ID); err != nil || got.State != "ended" {
			t.Fatalf("pending subscription after retirement: %+v, %v; want ended", got, err)
		}
		if got := kinds(); !slices.Contains(got, "subscription.ended") {
			t.Errorf("requester's notifications after retirement: got %q, want subscription.ended", got)
		}
	})
}

// Subscribing and retiring the major's only published version at the same
// time end in one of them: the subscription, then the retirement refused
// (it names the subscription), or the retirement, then the subscription
// refused. Never an active subscription to a retired major, which nothing
// would ever end. Each round races the two; before the check under lock,
// several in 30 rounds ended with both.
func TestSubscribeRacingRetirement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		for i := range 30 {
			a, err := f.life.CreateAPI(ctx, f.maint, f.pets, lifecycle.APIInput{Slug: fmt.Sprintf("race-%d", i), Name: "Race"})
			if err != nil {
				t.Fatal(err)
			}
			f.publish(t, a, "1.0.0", spectest.PetsV1)
			if _, err := f.svc.CreatePlan(ctx, f.maint, a, subscriptions.PlanInput{Slug: "free", Name: "Free", Approval: "auto", Open: true}); err != nil {
				t.Fatal(err)
			}
			v, err := s.Version(ctx, a.ID, "1.0.0")
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var subErr, retireErr error
			wg.Add(2)
			go func() {
				defer wg.Done()
				_, subErr = f.svc.Subscribe(ctx, f.dev, f.app, subscriptions.SubscribeInput{API: a.Slug, Plan: "free", Purpose: "racing"})
			}()
			go func() {
				defer wg.Done()
				retireErr = f.life.Retire(ctx, f.maint, a, v)
			}()
			wg.Wait()
			var ie *apperr.InputError
			var te *lifecycle.TransitionError
			switch {
			case subErr == nil && retireErr == nil:
				t.Fatalf("round %d: got both the subscription and the retirement, want one of them", i)
			case subErr != nil && !errors.As(subErr, &ie):
				t.Fatalf("round %d: subscribing: got %v, want a field error when the retirement wins", i, subErr)
			case retireErr != nil && !errors.As(retireErr, &te):
				t.Fatalf("round %d: retiring: got %v, want a refusal when the subscription wins", i, retireErr)
			}
		}
	})
}

// A major typed into the subscribe form is bounded: one longer than a
// short field is refused for its length, not quoted whole in the message
// (the form's body may be 256 KB).
func TestLongMajorIsNotQuotedWhole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		long := strings.Repeat("9x", 1500)
		_, err := f.svc.Subscribe(context.Background(), f.dev, f.app, subscriptions.SubscribeInput{API: "pets", Plan: "free", Major: long, Purpose: "old clients"})
		if msg := fieldError(t, err, "major"); len(msg) > 300 {
			t.Errorf("major of %d characters: message of %d characters %.100q…, want it bounded", len(long), len(msg), msg)
		}
	})
}
