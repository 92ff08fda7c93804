// Package remind sends the reminders before things end: the sunset of a
// deprecated version its subscribers use, the expiry of an API key and the
// end of a rotated key's grace period.
//
// Every portal instance runs the scheduler (Service.Due) every minute,
// judged by the database's clock. A reminder is one row of the reminders
// table, keyed by what it is of, the end it tells and its threshold,
// written in the transaction of its notifications: whichever instance
// finds it due first sends it, once, and a restart sends nothing again.
package remind

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/store"
)

const day = 24 * time.Hour

// The thresholds, ascending: how long before its end a thing is reminded
// of. Each applies while the time left is above the next smaller one, so
// a portal that was down through a threshold sends its reminder at start
// only while no smaller threshold applies.
var (
	// SunsetThresholds: a month, time to plan a migration to the
	// successor, and a week, the last call.
	SunsetThresholds = []time.Duration{7 * day, 30 * day}
	// KeyExpiryThresholds: a week, time to issue a key and deploy it, and
	// a day.
	KeyExpiryThresholds = []time.Duration{day, 7 * day}
	// GraceThresholds: a day before a rotated key stops. Those who rotate
	// chose the grace and are mid-deployment, so a grace of an hour or a
	// day gets no reminder (MinLead); one of a week or more (up to 30
	// days) is long enough for a client still on the old key to be
	// forgotten.
	GraceThresholds = []time.Duration{day}
)

// MinLead is how long after a thing was set (a version deprecated, a key
// issued or rotated) its first reminder may come: a threshold that falls
// sooner is skipped, so that no reminder repeats, moments later, the
// deprecation notice or what the page creating the key showed.
const MinLead = day

// SunsetMargin: a key's reminder (of its expiry or grace end) names the
// sunset that ends its subscription, and no longer says to move to
// another key of it, when that sunset comes before the key's end or
// less than this after it: another key of the subscription would
// outlast the one reminded of by too little to be worth the move.
const SunsetMargin = day

// batch is how many candidates one query reads.
const batch = 500

// Service sends reminders.
type Service struct {
	store *store.Store
	log   *slog.Logger
}

// New returns a reminder service over s that logs to log the reminders
// that failed.
func New(s *store.Store, log *slog.Logger) *Service { return &Service{store: s, log: log} }

// A CandidateError is the failure of one reminder's transaction: what it
// was of (Kind, one of store.Reminder*, and the version's or key's ID)
// and its threshold. The run that met it went on with the others; the
// reminder is tried again at the next run.
type CandidateError struct {
	Kind      string
	ID        int64
	Threshold time.Duration
	Err       error
}

func (e *CandidateError) Error() string {
	of := "key"
	if e.Kind == store.ReminderSunset {
		of = "version"
	}
	return fmt.Sprintf("%s reminder of %s %d (%s before): %v", e.Kind, of, e.ID, e.Threshold, e.Err)
}

func (e *CandidateError) Unwrap() error { return e.Err }

// Failures returns how many reminders failed in the run that returned
// err (the CandidateErrors it joins).
func Failures(err error) int {
	switch e := err.(type) {
	case nil:
		return 0
	case *CandidateError:
		return 1
	case interface{ Unwrap() []error }:
		n := 0
		for _, err := range e.Unwrap() {
			n += Failures(err)
		}
		return n
	}
	return 0
}

// fails records the failure err of the reminder of kind for id at
// threshold t, unless it ends the run: the run's context ended, or the
// database is unavailable (every reminder after it would fail alike).
// Otherwise it logs the failure with the candidate's ids (a key's id,
// never its secret), adds it to *failed and returns nil, so that one
// reminder that fails at every run (a row the transaction cannot write)
// keeps none after it from being sent.
func (r *Service) fails(ctx context.Context, failed *[]error, kind string, id int64, t time.Duration, err error) error {
	if ctx.Err() != nil || store.Unavailable(err) {
		return err
	}
	attr := "key_id"
	if kind == store.ReminderSunset {
		attr = "version_id"
	}
	r.log.Error("reminder failed", "kind", kind, attr, id, "threshold", t.String(), "err", err)
	*failed = append(*failed, &CandidateError{Kind: kind, ID: id, Threshold: t, Err: err})
	return nil
}

// Due sends the reminders due now by the store's clock (the database
// server's on PostgreSQL, the one every instance shares) and returns how
// many it sent.
func (r *Service) Due(ctx context.Context) (int, error) {
	now, err := r.store.ClockNow(ctx)
	if err != nil {
		return 0, err
	}
	return r.At(ctx, now)
}

// At sends the reminders due at now and returns how many it sent. A
// reminder that fails is logged and the run goes on with the others; the
// run returns their CandidateErrors joined (see Failures). The run ends
// at once, with that error joined to them, when its context ends or the
// database is unavailable.
func (r *Service) At(ctx context.Context, now time.Time) (int, error) {
	now = store.Stored(now)
	var failed []error
	sent := 0
	n, err := r.sunsets(ctx, now, &failed)
	sent += n
	if err != nil {
		return sent, errors.Join(append(failed, err)...)
	}
	for _, kind := range []string{store.ReminderKeyExpiry, store.ReminderKeyGrace} {
		n, err := r.keys(ctx, kind, now, &failed)
		sent += n
		if err != nil {
			return sent, errors.Join(append(failed, err)...)
		}
	}
	return sent, errors.Join(failed...)
}

// Applies reports whether the reminder of threshold t (one of ts,
// ascending) of a thing set at set and ending at end is to be sent at
// now: end is ahead, t is the smallest threshold at or beyond the time
// left, and the reminder's moment, t before end, is at least MinLead
// after set.
func Applies(ts []time.Duration, t time.Duration, set, end, now time.Time) bool {
	left := end.Sub(now)
	if left <= 0 || left > t {
		return false
	}
	for _, smaller := range ts {
		if smaller < t && left <= smaller {
			return false
		}
	}
	return !set.Add(MinLead).After(end.Add(-t))
}

// windows calls fn for each threshold of ts with the range of ends it
// applies to at now: after now plus the next smaller threshold, at or
// before now plus it.
func windows(ts []time.Duration, now time.Time, fn func(t time.Duration, from, to time.Time) (int, error)) (int, error) {
	sent := 0
	prev := time.Duration(0)
	for _, t := range ts {
		n, err := fn(t, now.Add(prev), now.Add(t))
		sent += n
		if err != nil {
			return sent, err
		}
		prev = t
	}
	return sent, nil
}

func (r *Service) sunsets(ctx context.Context, now time.Time, failed *[]error) (int, error) {
	return windows(SunsetThresholds, now, func(t time.Duration, from, to time.Time) (int, error) {
		sent := 0
		for after := int64(0); ; {
			vs, err := r.store.SunsetsToRemind(ctx, from, to, t, after, batch)
			if err != nil {
				return sent, err
			}
			for i := range vs {
				v := &vs[i]
				after = v.ID
				if v.DeprecatedAt == nil || !Applies(SunsetThresholds, t, *v.DeprecatedAt, *v.SunsetAt, now) {
					continue
				}
				ok, err := r.remindSunset(ctx, v.ID, *v.SunsetAt, t, now)
				if err != nil {
					if err := r.fails(ctx, failed, store.ReminderSunset, v.ID, t, err); err != nil {
						return sent, err
					}
				}
				if ok {
					sent++
				}
			}
			if len(vs) < batch {
				return sent, nil
			}
		}
	})
}

// remindSunset tells the subscribers of version id, in one transaction,
// that its sunset is t away, unless the version changed since it was
// found (undeprecated, retired, another sunset), another version serves
// its major after the sunset, or the reminder is sent already.
func (r *Service) remindSunset(ctx context.Context, id int64, sunset time.Time, t time.Duration, now time.Time) (bool, error) {
	sent := false
	err := r.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		v, err := r.store.VersionForReminder(ctx, tx, id)
		if err != nil {
			return err
		}
		if v.State != "deprecated" || v.SunsetAt == nil || !v.SunsetAt.Equal(sunset) || v.DeprecatedAt == nil ||
			!Applies(SunsetThresholds, t, *v.DeprecatedAt, *v.SunsetAt, now) {
			return nil
		}
		if n, err := r.store.OutlivedInMajor(ctx, tx, v); err != nil || n > 0 {
			return err
		}
		fresh, err := r.store.RecordReminder(ctx, tx, store.ReminderSunset, v.ID, sunset, t, now)
		if err != nil || !fresh {
			return err
		}
		a, err := r.store.APIByID(ctx, v.APIID)
		if err != nil {
			return err
		}
		users, err := r.store.SubscriberUsers(ctx, tx, v.APIID, v.Major)
		if err != nil {
			return err
		}
		msg := fmt.Sprintf("Reminder: %s %s, which your apps subscribe to, will be retired on %s, %s", store.Isolate(a.Name), store.Isolate(v.Version), When(sunset), Left(sunset.Sub(now)))
		if v.Successor != "" {
			msg += fmt.Sprintf(": move to its successor %s before then.", store.Isolate(v.Successor))
		} else {
			msg += ": move your apps to another version before then; your subscriptions to it end and their keys stop working at the sunset."
		}
		sent = true
		return r.store.Notify(ctx, tx, users, "subscription.sunset_reminder", msg, fmt.Sprintf("/apis/%s/versions/%s", a.Slug, v.Version), now)
	})
	if err != nil {
		sent = false
	}
	return sent, err
}

func (r *Service) keys(ctx context.Context, kind string, now time.Time, failed *[]error) (int, error) {
	ts := KeyExpiryThresholds
	if kind == store.ReminderKeyGrace {
		ts = GraceThresholds
	}
	return windows(ts, now, func(t time.Duration, from, to time.Time) (int, error) {
		sent := 0
		for after := int64(0); ; {
			ks, err := r.store.KeysToRemind(ctx, kind, from, to, t, after, batch)
			if err != nil {
				return sent, err
			}
			for i := range ks {
				k := &ks[i]
				after = k.ID
				// As for sunsets: one too soon after its issue or
				// rotation is found every minute, and skipped without a
				// transaction.
				if !Applies(ts, t, k.Set, k.End, now) {
					continue
				}
				ok, err := r.remindKey(ctx, kind, ts, k.ID, t, now)
				if err != nil {
					if err := r.fails(ctx, failed, kind, k.ID, t, err); err != nil {
						return sent, err
					}
				}
				if ok {
					sent++
				}
			}
			if len(ks) < batch {
				return sent, nil
			}
		}
	})
}

// remindKey tells the app managers of key id's subscription, in one
// transaction, that the key's expiry (or grace end) is t away, unless the
// key or its subscription changed since (revoked, rotated, ended), the
// reminder comes too soon after the key was issued or rotated (MinLead),
// or it is sent already.
func (r *Service) remindKey(ctx context.Context, kind string, ts []time.Duration, id int64, t time.Duration, now time.Time) (bool, error) {
	sent := false
	err := r.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		k, err := r.store.KeyForReminder(ctx, tx, id)
		if err != nil {
			return err
		}
		if k.State != store.KeyActive {
			return nil
		}
		var end, set time.Time
		var successor *store.APIKey
		switch kind {
		case store.ReminderKeyExpiry:
			if k.GraceEndsAt != nil || k.ExpiresAt == nil {
				return nil
			}
			end, set = *k.ExpiresAt, k.CreatedAt
		case store.ReminderKeyGrace:
			if k.GraceEndsAt == nil || k.RotatedTo == nil || (k.ExpiresAt != nil && !k.ExpiresAt.After(*k.GraceEndsAt)) {
				return nil
			}
			// Rotated when its successor was issued.
			successor, err = r.store.KeyByIDIn(ctx, tx, *k.RotatedTo)
			if err != nil {
				return err
			}
			end, set = *k.GraceEndsAt, successor.CreatedAt
		}
		if !Applies(ts, t, set, end, now) {
			return nil
		}
		sub, err := r.store.SubscriptionIn(ctx, tx, k.SubscriptionID)
		if err != nil {
			return err
		}
		if sub.State != "active" {
			return nil
		}
		// A key expiring (or whose grace ends) after the sunset that
		// ends its subscription stops working at that sunset, and so
		// would a new key or its replacement: its reminder says so
		// rather than to move to another key of the subscription. So
		// does one ending less than SunsetMargin before that sunset,
		// which would leave the other key too little time to be worth
		// the move. Once that sunset has come, the retirement (due now)
		// ends the subscription and tells it.
		var sunset *store.APIVersion
		v, ok, err := r.store.MajorSunset(ctx, tx, sub.APIID, sub.Major)
		if err != nil {
			return err
		}
		if ok && v.SunsetAt.Before(end.Add(SunsetMargin)) {
			if !v.SunsetAt.After(now) {
				return nil
			}
			sunset = v
		}
		fresh, err := r.store.RecordReminder(ctx, tx, kind, k.ID, end, t, now)
		if err != nil || !fresh {
			return err
		}
		users, err := r.store.AppManagers(ctx, tx, []int64{sub.ConsumerTeamID})
		if err != nil {
			return err
		}
		of := fmt.Sprintf("%s (%s) of %s's subscription to %s v%d", store.Isolate("ptk_"+k.Kid), store.Isolate(k.Name), store.Isolate(sub.App.Name), store.Isolate(sub.API.Name), sub.Major)
		var msg, notice string
		// move tells what to do before the subscription ends at sunset.
		move := func() string {
			if sunset.Successor != "" {
				return fmt.Sprintf(": subscribe the app to the successor %s and move your clients to a key of that subscription.", store.Isolate(sunset.Successor))
			}
			return ": move the app to another version of the API before then."
		}
		retired := func() string {
			return fmt.Sprintf("when %s %s is retired", store.Isolate(sub.API.Name), store.Isolate(sunset.Version))
		}
		switch {
		case kind == store.ReminderKeyExpiry && sunset != nil && sunset.SunsetAt.Before(end):
			notice = "key.expiry_reminder"
			msg = fmt.Sprintf("Reminder: the API key %s expires on %s, but stops working before then, on %s, %s, %s and the subscription ends (a new key of it would stop then too)",
				of, When(end), When(*sunset.SunsetAt), Left(sunset.SunsetAt.Sub(now)), retired()) + move()
		case kind == store.ReminderKeyExpiry && sunset != nil:
			notice = "key.expiry_reminder"
			msg = fmt.Sprintf("Reminder: the API key %s expires on %s, %s, and the subscription ends on %s, %s, %s (a new key of it would stop then)",
				of, When(end), Left(end.Sub(now)), When(*sunset.SunsetAt), Later(sunset.SunsetAt.Sub(end)), retired()) + move()
		case kind == store.ReminderKeyExpiry:
			notice = "key.expiry_reminder"
			msg = fmt.Sprintf("Reminder: the API key %s expires on %s, %s: create a new key on the app's page, move your clients to it, then revoke this one (a rotated key keeps the expiry).",
				of, When(end), Left(end.Sub(now)))
		default:
			notice = "key.grace_reminder"
			replacement, err := r.replacement(ctx, tx, successor)
			if err != nil {
				return err
			}
			live := replacement.State == store.KeyActive
			switch {
			case sunset != nil && sunset.SunsetAt.Before(end):
				msg = fmt.Sprintf("Reminder: the rotated API key %s, whose grace period ends on %s, stops working before then, on %s, %s, %s and the subscription ends",
					of, When(end), When(*sunset.SunsetAt), Left(sunset.SunsetAt.Sub(now)), retired())
				if live {
					msg += fmt.Sprintf(" (its replacement %s stops then too)", store.Isolate("ptk_"+replacement.Kid))
				} else {
					msg += fmt.Sprintf(" (its replacement %s was revoked; a new key of it would stop then too)", store.Isolate("ptk_"+replacement.Kid))
				}
				msg += move()
			case sunset != nil:
				msg = fmt.Sprintf("Reminder: the rotated API key %s stops working on %s, %s, when its grace period ends", of, When(end), Left(end.Sub(now)))
				if live {
					msg += fmt.Sprintf(", and its replacement %s stops on %s, %s, %s and the subscription ends",
						store.Isolate("ptk_"+replacement.Kid), When(*sunset.SunsetAt), Later(sunset.SunsetAt.Sub(end)), retired())
				} else {
					msg += fmt.Sprintf(", its replacement %s was revoked, and the subscription ends on %s, %s, %s (a new key of it would stop then)",
						store.Isolate("ptk_"+replacement.Kid), When(*sunset.SunsetAt), Later(sunset.SunsetAt.Sub(end)), retired())
				}
				msg += move()
			case live:
				msg = fmt.Sprintf("Reminder: the rotated API key %s stops working on %s, %s, when its grace period ends: move any client still using it to its replacement %s.",
					of, When(end), Left(end.Sub(now)), store.Isolate("ptk_"+replacement.Kid))
			default:
				msg = fmt.Sprintf("Reminder: the rotated API key %s stops working on %s, %s, when its grace period ends, and its replacement %s was revoked: create a new key on the app's page and move any client still using this one to it.",
					of, When(end), Left(end.Sub(now)), store.Isolate("ptk_"+replacement.Kid))
			}
		}
		sent = true
		return r.store.Notify(ctx, tx, users, notice, msg, "/apps/"+sub.App.Slug, now)
	})
	if err != nil {
		sent = false
	}
	if errors.Is(err, store.ErrNotFound) {
		return false, nil // gone meanwhile
	}
	return sent, err
}

// maxRotations bounds the rotations replacement follows: a subscription
// holds at most a few live keys and rotated ones in grace, so a longer
// chain is only of keys long revoked.
const maxRotations = 64

// replacement returns the key that replaces k's predecessor now: k, or,
// when k was rotated in turn (with or without a grace period), the last
// key of that chain. It is active unless the chain's last key was
// revoked, expired or ended with its subscription.
func (r *Service) replacement(ctx context.Context, db bun.IDB, k *store.APIKey) (*store.APIKey, error) {
	for i := 0; i < maxRotations && k.RotatedTo != nil; i++ {
		next, err := r.store.KeyByIDIn(ctx, db, *k.RotatedTo)
		if err != nil {
			return nil, err
		}
		k = next
	}
	return k, nil
}

// When formats an end in UTC: the date alone at midnight, else with the
// time to the minute.
func When(t time.Time) string {
	t = t.UTC()
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format("2006-01-02") + " (UTC)"
	}
	return t.Format("2006-01-02 15:04") + " UTC"
}

// Later says how long after an end a later one comes: in days from a day
// and a half, else in hours, rounded.
func Later(d time.Duration) string {
	switch {
	case d >= 36*time.Hour:
		return fmt.Sprintf("%d days later", int(math.Round(d.Hours()/24)))
	case d >= 90*time.Minute:
		return fmt.Sprintf("%d hours later", int(math.Round(d.Hours())))
	case d > 0:
		return "within the hour after"
	}
	return "at the same moment"
}

// Left says how far ahead an end is: in days from a day and a half, else
// in hours, rounded.
func Left(d time.Duration) string {
	switch {
	case d >= 36*time.Hour:
		return fmt.Sprintf("in %d days", int(math.Round(d.Hours()/24)))
	case d >= 90*time.Minute:
		return fmt.Sprintf("in %d hours", int(math.Round(d.Hours())))
	}
	return "within the hour"
}
