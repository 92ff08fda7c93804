package remind_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/logtest"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/remind"
	"github.com/portico-dev/portico/spec/spectest"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
	"github.com/portico-dev/portico/subscriptions"
)

const day = 24 * time.Hour

// t0 is when the fixture's clock starts: a midnight, so that sunsets and
// expiries read as dates.
var t0 = time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// fixture: the pets team (maint) publishes Pets 1.0.0 and 2.0.0 with an
// auto plan; the shop team (dev, developer; viewer) subscribes its app to
// v1. The services read clock.
type fixture struct {
	s            *store.Store
	clock        *clock
	life         *lifecycle.Service
	svc          *subscriptions.Service
	rem          *remind.Service
	admin, maint *store.User
	dev, viewer  *store.User
	api          *store.API
	v1, v2       *store.APIVersion
	app          *store.App
	sub          *store.Subscription
	shop         *store.Team
	// log is what rem logs.
	log *logtest.Buffer
}

func newFixture(t *testing.T, s *store.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{s: s, clock: &clock{t: t0}, log: &logtest.Buffer{}}
	pets := storetest.Team(t, s, "pets", "Pets")
	f.shop = storetest.Team(t, s, "shop", "Shop")
	f.admin = storetest.User(t, s, "admin", policy.RoleAdmin, nil, "")
	f.maint = storetest.User(t, s, "maint", policy.RoleMember, pets, policy.RoleMaintainer)
	f.dev = storetest.User(t, s, "dev", policy.RoleMember, f.shop, policy.RoleDeveloper)
	f.viewer = storetest.User(t, s, "shopviewer", policy.RoleMember, f.shop, policy.RoleViewer)
	p, err := policy.New(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	f.life = lifecycle.New(s, p, lifecycle.Options{MinSunsetNotice: 7 * day, Now: f.clock.Now})
	f.svc = subscriptions.New(s, p, f.life, subscriptions.Options{Now: f.clock.Now})
	f.rem = remind.New(s, slog.New(slog.NewTextHandler(f.log, nil)))
	if f.api, err = f.life.CreateAPI(ctx, f.maint, pets, lifecycle.APIInput{Slug: "pets", Name: "Pets"}); err != nil {
		t.Fatal(err)
	}
	f.v1 = f.publish(t, "1.0.0", spectest.PetsV1)
	if _, err := f.svc.CreatePlan(ctx, f.maint, f.api, subscriptions.PlanInput{Slug: "free", Name: "Free", Approval: "auto", Open: true}); err != nil {
		t.Fatal(err)
	}
	if f.app, err = f.svc.CreateApp(ctx, f.dev, f.shop, subscriptions.AppInput{Slug: "shop-web", Name: "Shop web", Contact: "web@shop.example"}); err != nil {
		t.Fatal(err)
	}
	if f.sub, err = f.svc.Subscribe(ctx, f.dev, f.app, subscriptions.SubscribeInput{API: "pets", Plan: "free", Purpose: "the catalogue"}); err != nil {
		t.Fatal(err)
	}
	f.v2 = f.publish(t, "2.0.0", spectest.PetsV1)
	return f
}

func (f *fixture) publish(t *testing.T, version, specText string) *store.APIVersion {
	t.Helper()
	ctx := context.Background()
	v, err := f.life.CreateVersion(ctx, f.maint, f.api, version, []byte(specText))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.life.Import(ctx, f.admin, f.api, v); err != nil {
		t.Fatal(err)
	}
	return v
}

// deprecate deprecates v1 at at with the sunset at sunset, successor 2.0.0.
func (f *fixture) deprecate(t *testing.T, at, sunset time.Time) {
	t.Helper()
	f.clock.set(at)
	if err := f.life.Deprecate(context.Background(), f.maint, f.api, f.v1, sunset, "2.0.0"); err != nil {
		t.Fatal(err)
	}
}

// run runs the scheduler at now and returns what it sent.
func (f *fixture) run(t *testing.T, now time.Time) int {
	t.Helper()
	n, err := f.rem.At(context.Background(), now)
	if err != nil {
		t.Fatalf("reminders at %s: %v", now, err)
	}
	return n
}

// reminders returns the messages of u's notifications of kind, oldest
// first.
func (f *fixture) reminders(t *testing.T, u *store.User, kind string) []string {
	t.Helper()
	ns, err := f.s.Notifications(context.Background(), u.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(ns) - 1; i >= 0; i-- {
		if ns[i].Kind == kind {
			out = append(out, strings.NewReplacer("\u2068", "", "\u2069", "").Replace(ns[i].Message))
		}
	}
	return out
}

func (f *fixture) key(t *testing.T, name string, expires time.Time) *store.APIKey {
	t.Helper()
	k, _, err := f.svc.IssueKey(context.Background(), f.dev, f.sub, subscriptions.KeyInput{Name: name, ExpiresAt: expires.Format(time.RFC3339)})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// steps runs the scheduler at each offset from t0 and checks how many it
// sent.
func (f *fixture) steps(t *testing.T, steps []step) {
	t.Helper()
	for _, st := range steps {
		if got := f.run(t, t0.Add(st.at)); got != st.want {
			t.Errorf("at t0+%s: sent %d reminders, want %d", st.at, got, st.want)
		}
	}
}

type step struct {
	at   time.Duration
	want int
}

func TestApplies(t *testing.T) {
	ts := remind.SunsetThresholds
	set := t0
	end := t0.Add(60 * day)
	for _, c := range []struct {
		name string
		t    time.Duration
		set  time.Time
		now  time.Time
		want bool
	}{
		{"31 days left: not yet", 30 * day, set, end.Add(-31 * day), false},
		{"at the 30-day mark", 30 * day, set, end.Add(-30 * day), true},
		{"20 days left (down through the mark): still the 30-day one", 30 * day, set, end.Add(-20 * day), true},
		{"7 days left: the 7-day one", 7 * day, set, end.Add(-7 * day), true},
		{"5 days left: not the 30-day one", 30 * day, set, end.Add(-5 * day), false},
		{"5 days left: the 7-day one", 7 * day, set, end.Add(-5 * day), true},
		{"at the end: none", 7 * day, set, end, false},
		{"after the end: none", 7 * day, set, end.Add(time.Hour), false},
		{"set 30 days and an hour ahead: no 30-day one", 30 * day, end.Add(-30*day - time.Hour), end.Add(-30 * day), false},
		{"set 31 days ahead: the 30-day one", 30 * day, end.Add(-31 * day), end.Add(-30 * day), true},
		{"set 7 days and an hour ahead: no 7-day one", 7 * day, end.Add(-7*day - time.Hour), end.Add(-6 * day), false},
	} {
		if got := remind.Applies(ts, c.t, c.set, end, c.now); got != c.want {
			t.Errorf("%s: Applies(%s) = %v, want %v", c.name, c.t, got, c.want)
		}
	}
}

// TestSunsetReminders: a version deprecated 60 days before its sunset is
// reminded of 30 and 7 days before, once each, with the API, version, date
// and successor, to the app's team developers (not its viewers).
func TestSunsetReminders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		f.deprecate(t, t0, t0.Add(60*day))
		f.steps(t, []step{{10 * day, 0}, {30*day - time.Minute, 0}, {30 * day, 1}, {30*day + time.Minute, 0},
			{40 * day, 0}, {53 * day, 1}, {53*day + time.Minute, 0}, {59 * day, 0}, {61 * day, 0}})
		got := f.reminders(t, f.dev, "subscription.sunset_reminder")
		want := []string{
			"Reminder: Pets 1.0.0, which your apps subscribe to, will be retired on 2027-04-30 (UTC), in 30 days: move to its successor 2.0.0 before then.",
			"Reminder: Pets 1.0.0, which your apps subscribe to, will be retired on 2027-04-30 (UTC), in 7 days: move to its successor 2.0.0 before then.",
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("dev's reminders:\n got %q\nwant %q", got, want)
		}
		if got := f.reminders(t, f.viewer, "subscription.sunset_reminder"); len(got) != 0 {
			t.Errorf("the viewer got %q, want nothing (the deprecation notice goes to developers and above)", got)
		}
	})
}

// TestSunsetCatchUp: a portal down through the 30-day mark sends the
// 30-day reminder when it starts while more than 7 days are left, and
// only the 7-day one when fewer are.
func TestSunsetCatchUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		f.deprecate(t, t0, t0.Add(60*day))
		f.steps(t, []step{{40 * day, 1}, {55 * day, 1}, {56 * day, 0}})
		got := f.reminders(t, f.dev, "subscription.sunset_reminder")
		if len(got) != 2 || !strings.Contains(got[0], "in 20 days") || !strings.Contains(got[1], "in 5 days") {
			t.Errorf("reminders %q, want one in 20 days, then one in 5 days", got)
		}
	})
}

// TestSunsetCatchUpLate: a portal down through both marks until 5 days
// before the sunset sends the 7-day reminder alone.
func TestSunsetCatchUpLate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		f.deprecate(t, t0, t0.Add(60*day))
		f.steps(t, []step{{55 * day, 1}, {56 * day, 0}, {61 * day, 0}})
		got := f.reminders(t, f.dev, "subscription.sunset_reminder")
		if len(got) != 1 || !strings.Contains(got[0], "in 5 days") {
			t.Errorf("down through both marks until 5 days before: reminders %q, want the 7-day one alone", got)
		}
	})
}

// TestSunsetCloseSkipsThreshold: a sunset set 30 days and an hour ahead
// gets no 30-day reminder (it would repeat the deprecation notice an hour
// later), but gets the 7-day one.
func TestSunsetCloseSkipsThreshold(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		f.deprecate(t, t0, t0.Add(30*day+time.Hour))
		f.steps(t, []step{{time.Hour, 0}, {2 * time.Hour, 0}, {10 * day, 0}, {23*day + time.Hour, 1}})
		if got := f.reminders(t, f.dev, "subscription.sunset_reminder"); len(got) != 1 || !strings.Contains(got[0], "in 7 days") {
			t.Errorf("reminders %q, want the 7-day one alone", got)
		}
	})
}

// TestSunsetUndeprecatedOrChanged: an undeprecated version gets no
// reminder of its old sunset; deprecated again with another sunset, it
// gets that sunset's reminders, even where the old one's were sent.
func TestSunsetUndeprecatedOrChanged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		f.deprecate(t, t0, t0.Add(60*day))
		f.steps(t, []step{{30 * day, 1}})
		f.clock.set(t0.Add(31 * day))
		if err := f.life.Undeprecate(ctx, f.maint, f.api, f.v1); err != nil {
			t.Fatal(err)
		}
		f.steps(t, []step{{53 * day, 0}, {59 * day, 0}})
		// Deprecated again on day 59, sunset on day 100.
		f.deprecate(t, t0.Add(59*day), t0.Add(100*day))
		f.steps(t, []step{{60 * day, 0}, {70 * day, 1}, {71 * day, 0}, {93 * day, 1}, {99 * day, 0}})
		got := f.reminders(t, f.dev, "subscription.sunset_reminder")
		if len(got) != 3 || !strings.Contains(got[0], "2027-04-30") || !strings.Contains(got[1], "2027-06-09 (UTC), in 30 days") || !strings.Contains(got[2], "2027-06-09 (UTC), in 7 days") {
			t.Errorf("reminders %q, want the first sunset's 30-day one, then the new sunset's 30- and 7-day ones", got)
		}
	})
}

// TestSunsetServedByAnother: while a published version still serves the
// major, its subscribers are not told of a deprecated version's sunset
// (as they are not told of its deprecation).
func TestSunsetServedByAnother(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		f.publish(t, "1.1.0", spectest.PetsV1)
		f.deprecate(t, t0, t0.Add(60*day))
		f.steps(t, []step{{30 * day, 0}, {53 * day, 0}})
		// Not a candidate either: the scheduler, every minute, would
		// otherwise open a transaction for it to find it outlived.
		vs, err := s.SunsetsToRemind(context.Background(), t0, t0.Add(61*day), 30*day, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != 0 {
			t.Errorf("SunsetsToRemind returned %d versions whose major another version serves after their sunset, want 0", len(vs))
		}
	})
}

// TestKeyReminders: a key's owners are reminded of its expiry 7 days and
// a day before; a revoked key, a rotated one and a cancelled
// subscription's key get none; a rotated key with a week's grace is
// reminded of its grace's end the day before, naming its replacement.
func TestKeyReminders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		kept := f.key(t, "production", t0.Add(10*day))
		revoked := f.key(t, "staging", t0.Add(10*day))
		if err := f.svc.RevokeKey(ctx, f.dev, revoked, f.sub); err != nil {
			t.Fatal(err)
		}
		rotated := f.key(t, "ci", t0.Add(20*day))
		f.clock.set(t0.Add(day))
		successor, _, err := f.svc.RotateKey(ctx, f.dev, rotated, f.sub, fmt.Sprint(7*86400))
		if err != nil {
			t.Fatal(err)
		}
		// production: 7-day at day 3, 1-day at day 9; ci's grace ends on
		// day 8 (reminded on day 7); its successor expires on day 20.
		f.steps(t, []step{{2 * day, 0}, {3 * day, 1}, {3*day + time.Minute, 0}, {7 * day, 1}, {9 * day, 1}, {13 * day, 1}, {19 * day, 1}, {21 * day, 0}})
		got := f.reminders(t, f.dev, "key.expiry_reminder")
		want := []string{
			fmt.Sprintf("Reminder: the API key ptk_%s (production) of Shop web's subscription to Pets v1 expires on 2027-03-11 (UTC), in 7 days: create a new key on the app's page, move your clients to it, then revoke this one (a rotated key keeps the expiry).", kept.Kid),
			fmt.Sprintf("Reminder: the API key ptk_%s (production) of Shop web's subscription to Pets v1 expires on 2027-03-11 (UTC), in 24 hours: create a new key on the app's page, move your clients to it, then revoke this one (a rotated key keeps the expiry).", kept.Kid),
			fmt.Sprintf("Reminder: the API key ptk_%s (ci) of Shop web's subscription to Pets v1 expires on 2027-03-21 (UTC), in 7 days: create a new key on the app's page, move your clients to it, then revoke this one (a rotated key keeps the expiry).", successor.Kid),
			fmt.Sprintf("Reminder: the API key ptk_%s (ci) of Shop web's subscription to Pets v1 expires on 2027-03-21 (UTC), in 24 hours: create a new key on the app's page, move your clients to it, then revoke this one (a rotated key keeps the expiry).", successor.Kid),
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("expiry reminders:\n got %q\nwant %q", got, want)
		}
		grace := f.reminders(t, f.dev, "key.grace_reminder")
		wantGrace := fmt.Sprintf("Reminder: the rotated API key ptk_%s (ci) of Shop web's subscription to Pets v1 stops working on 2027-03-09 (UTC), in 24 hours, when its grace period ends: move any client still using it to its replacement ptk_%s.", rotated.Kid, successor.Kid)
		if len(grace) != 1 || grace[0] != wantGrace {
			t.Errorf("grace reminders:\n got %q\nwant [%q]", grace, wantGrace)
		}
	})
}

// TestKeyShortGraceAndCancelled: a grace of 24 hours gets no reminder (it
// would come as the key is rotated); a key whose subscription was
// cancelled, or that was revoked after the 7-day reminder, gets nothing
// more.
func TestKeyShortGraceAndCancelled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		k := f.key(t, "production", t0.Add(10*day))
		short := f.key(t, "ci", t0.Add(20*day))
		if _, _, err := f.svc.RotateKey(ctx, f.dev, short, f.sub, "86400"); err != nil {
			t.Fatal(err)
		}
		f.steps(t, []step{{3 * day, 1}})
		if err := f.svc.RevokeKey(ctx, f.dev, k, f.sub); err != nil {
			t.Fatal(err)
		}
		f.steps(t, []step{{9 * day, 0}})
		other := f.key(t, "other", t0.Add(30*day))
		_ = other
		if err := f.svc.Cancel(ctx, f.dev, f.sub); err != nil {
			t.Fatal(err)
		}
		f.steps(t, []step{{23 * day, 0}, {29 * day, 0}})
		if got := f.reminders(t, f.dev, "key.grace_reminder"); len(got) != 0 {
			t.Errorf("grace reminders %q, want none for a day's grace", got)
		}
	})
}

// TestRacingSchedulers: two instances' schedulers (two stores on one
// database) run at the same instants; every reminder is sent once.
func TestRacingSchedulers(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			s, s2 := storetest.OpenTwo(t, d)
			f := newFixture(t, s)
			const keys = 4
			for i := range keys {
				f.key(t, fmt.Sprintf("key-%d", i), t0.Add(10*day))
			}
			f.deprecate(t, t0, t0.Add(60*day))
			rems := []*remind.Service{remind.New(s, slog.New(slog.DiscardHandler)), remind.New(s2, slog.New(slog.DiscardHandler))}
			total := 0
			for _, at := range []time.Duration{3 * day, 9 * day, 30 * day, 53 * day} {
				var wg sync.WaitGroup
				sent := make([]int, 4)
				errs := make([]error, 4)
				for i := range sent {
					wg.Add(1)
					go func() {
						defer wg.Done()
						sent[i], errs[i] = rems[i%2].At(context.Background(), t0.Add(at))
					}()
				}
				wg.Wait()
				for i, err := range errs {
					if err != nil {
						t.Fatalf("scheduler %d at t0+%s: %v", i, at, err)
					}
				}
				total += sent[0] + sent[1] + sent[2] + sent[3]
			}
			if want := 2*keys + 2; total != want {
				t.Errorf("the schedulers say they sent %d reminders, want %d", total, want)
			}
			exp := f.reminders(t, f.dev, "key.expiry_reminder")
			sun := f.reminders(t, f.dev, "subscription.sunset_reminder")
			if len(exp) != 2*keys || len(sun) != 2 {
				t.Errorf("dev got %d expiry and %d sunset reminders, want %d and 2:\n%q\n%q", len(exp), len(sun), 2*keys, exp, sun)
			}
		})
	}
}

// TestPruneReminders: housekeeping deletes the records of passed ends
// alone, and the scheduler sends nothing again for them.
func TestPruneReminders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		f.key(t, "soon", t0.Add(10*day))
		f.key(t, "later", t0.Add(40*day))
		f.steps(t, []step{{9 * day, 1}, {33 * day, 1}})
		n, err := s.PruneReminders(ctx, t0.Add(35*day))
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("pruned %d records, want 1 (the soon key's)", n)
		}
		f.steps(t, []step{{33*day + time.Minute, 0}, {39 * day, 1}, {39*day + time.Minute, 0}})
	})
}

// TestGraceReminderNamesTheLiveReplacement: the grace reminder names the
// key that replaces the rotated one now: its successor's own successor
// when that was rotated too, and none when the replacement was revoked
// (then it says to create a key).
func TestGraceReminderNamesTheLiveReplacement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		again := f.key(t, "ci", t0.Add(60*day))
		gone := f.key(t, "batch", t0.Add(60*day))
		f.clock.set(t0.Add(day))
		middle, _, err := f.svc.RotateKey(ctx, f.dev, again, f.sub, fmt.Sprint(7*86400))
		if err != nil {
			t.Fatal(err)
		}
		revoked, _, err := f.svc.RotateKey(ctx, f.dev, gone, f.sub, fmt.Sprint(7*86400))
		if err != nil {
			t.Fatal(err)
		}
		f.clock.set(t0.Add(2 * day))
		last, _, err := f.svc.RotateKey(ctx, f.dev, middle, f.sub, "0")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.RevokeKey(ctx, f.dev, revoked, f.sub); err != nil {
			t.Fatal(err)
		}
		f.steps(t, []step{{7 * day, 2}})
		got := f.reminders(t, f.dev, "key.grace_reminder")
		want := []string{
			fmt.Sprintf("Reminder: the rotated API key ptk_%s (ci) of Shop web's subscription to Pets v1 stops working on 2027-03-09 (UTC), in 24 hours, when its grace period ends: move any client still using it to its replacement ptk_%s.", again.Kid, last.Kid),
			fmt.Sprintf("Reminder: the rotated API key ptk_%s (batch) of Shop web's subscription to Pets v1 stops working on 2027-03-09 (UTC), in 24 hours, when its grace period ends, and its replacement ptk_%s was revoked: create a new key on the app's page and move any client still using this one to it.", gone.Kid, revoked.Kid),
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("grace reminders:\n got %q\nwant %q", got, want)
		}
	})
}

// TestKeyExpiryAfterSunset: a key expiring after its version's sunset,
// when the subscription ends (no other version serves the major), stops
// working at the sunset. Its expiry reminder told to create a new key,
// which would stop then too; it now says the key stops at the sunset and
// to move to the successor. A key of a major another version still
// serves, and a key expiring before the sunset, keep the usual reminder;
// once the sunset is passed (the version is being retired), nothing.
func TestKeyExpiryAfterSunset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		late := f.key(t, "late", t0.Add(17*day))
		early := f.key(t, "early", t0.Add(12*day))
		f.deprecate(t, t0, t0.Add(14*day))
		// early: 7-day reminder on day 5, the 1-day one on day 11; late:
		// 7-day on day 10 (with the sunset's 7-day one), its 1-day one
		// (day 16) after the sunset.
		f.steps(t, []step{{5 * day, 1}, {10 * day, 2}, {11 * day, 1}, {16 * day, 0}})
		got := f.reminders(t, f.dev, "key.expiry_reminder")
		want := []string{
			fmt.Sprintf("Reminder: the API key ptk_%s (early) of Shop web's subscription to Pets v1 expires on 2027-03-13 (UTC), in 7 days: create a new key on the app's page, move your clients to it, then revoke this one (a rotated key keeps the expiry).", early.Kid),
			fmt.Sprintf("Reminder: the API key ptk_%s (late) of Shop web's subscription to Pets v1 expires on 2027-03-18 (UTC), but stops working before then, on 2027-03-15 (UTC), in 4 days, when Pets 1.0.0 is retired and the subscription ends (a new key of it would stop then too): subscribe the app to the successor 2.0.0 and move your clients to a key of that subscription.", late.Kid),
			fmt.Sprintf("Reminder: the API key ptk_%s (early) of Shop web's subscription to Pets v1 expires on 2027-03-13 (UTC), in 24 hours: create a new key on the app's page, move your clients to it, then revoke this one (a rotated key keeps the expiry).", early.Kid),
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("expiry reminders:\n got %q\nwant %q", got, want)
		}

		// Another API whose major 1.1.0 still serves after 1.0.0's sunset.
		g := newFixture(t, storetest.Open(t, s.Dialect()))
		served := g.key(t, "served", t0.Add(17*day))
		g.publish(t, "1.1.0", spectest.PetsV1)
		g.deprecate(t, t0, t0.Add(14*day))
		g.steps(t, []step{{10 * day, 1}, {16 * day, 1}})
		if got := g.reminders(t, g.dev, "key.expiry_reminder"); len(got) != 2 || !strings.Contains(got[0], "ptk_"+served.Kid+" (served)") || !strings.Contains(got[0], ": create a new key") {
			t.Errorf("with 1.1.0 serving the major: reminders %q, want the usual two", got)
		}
	})
}

// TestGraceEndNearSunset: a rotated key whose grace ends after the sunset
// that ends its subscription stops at that sunset, and so does its
// replacement; one whose grace ends within a day before that sunset
// leaves its clients less than a day on the replacement. Either way the
// grace reminder told only to move to the replacement; it now names the
// sunset and the successor. Likewise a key expiring within a day before
// the sunset is not told to create a new key of the subscription. Once
// the sunset has passed, no grace reminder comes.
func TestGraceEndNearSunset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		// rotate rotates a key expiring on day 60 on day 1 with a week's
		// grace: the grace ends on day 8, its reminder comes on day 7.
		rotate := func(f *fixture) (old, replacement *store.APIKey) {
			old = f.key(t, "ci", t0.Add(60*day))
			f.clock.set(t0.Add(day))
			replacement, _, err := f.svc.RotateKey(ctx, f.dev, old, f.sub, fmt.Sprint(7*86400))
			if err != nil {
				t.Fatal(err)
			}
			return old, replacement
		}
		before := newFixture(t, s)
		old, repl := rotate(before)
		before.deprecate(t, t0, t0.Add(7*day+12*time.Hour))
		before.steps(t, []step{{7 * day, 1}, {8 * day, 0}})
		got := before.reminders(t, before.dev, "key.grace_reminder")
		want := []string{fmt.Sprintf("Reminder: the rotated API key ptk_%s (ci) of Shop web's subscription to Pets v1, whose grace period ends on 2027-03-09 (UTC), stops working before then, on 2027-03-08 12:00 UTC, in 12 hours, when Pets 1.0.0 is retired and the subscription ends (its replacement ptk_%s stops then too): subscribe the app to the successor 2.0.0 and move your clients to a key of that subscription.", old.Kid, repl.Kid)}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("grace ending after the sunset:\n got %q\nwant %q", got, want)
		}

		after := newFixture(t, storetest.Open(t, s.Dialect()))
		old, repl = rotate(after)
		soon := after.key(t, "batch", t0.Add(8*day))
		after.deprecate(t, t0, t0.Add(8*day+12*time.Hour))
		// On day 7: the sunset's 7-day reminder (caught up), the grace
		// reminder and batch's 1-day expiry reminder.
		after.steps(t, []step{{7 * day, 3}})
		got = after.reminders(t, after.dev, "key.grace_reminder")
		want = []string{fmt.Sprintf("Reminder: the rotated API key ptk_%s (ci) of Shop web's subscription to Pets v1 stops working on 2027-03-09 (UTC), in 24 hours, when its grace period ends, and its replacement ptk_%s stops on 2027-03-09 12:00 UTC, 12 hours later, when Pets 1.0.0 is retired and the subscription ends: subscribe the app to the successor 2.0.0 and move your clients to a key of that subscription.", old.Kid, repl.Kid)}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("grace ending within a day before the sunset:\n got %q\nwant %q", got, want)
		}
		got = after.reminders(t, after.dev, "key.expiry_reminder")
		want = []string{fmt.Sprintf("Reminder: the API key ptk_%s (batch) of Shop web's subscription to Pets v1 expires on 2027-03-09 (UTC), in 24 hours, and the subscription ends on 2027-03-09 12:00 UTC, 12 hours later, when Pets 1.0.0 is retired (a new key of it would stop then): subscribe the app to the successor 2.0.0 and move your clients to a key of that subscription.", soon.Kid)}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("key expiring within a day before the sunset:\n got %q\nwant %q", got, want)
		}
	})
}
