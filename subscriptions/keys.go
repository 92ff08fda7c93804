package subscriptions

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/store"
)

// The key format: "ptk_" + key id + "_" + secret. The key id (16 characters)
// is public: it names the key in lists, logs and the audit log, and
// "ptk_" + key id is the prefix shown. The secret is 32 bytes from
// crypto/rand (52 characters). Both use lowercase base32 (a-z, 2-7), so a
// key survives copying, URLs and shells.
const (
	KeyPrefix    = "ptk_"
	kidBytes     = 10
	secretBytes  = 32
	kidLen       = 16
	secretLen    = 52
	keyLen       = len(KeyPrefix) + kidLen + 1 + secretLen
	maxPresented = 256
)

// MaxLiveKeys is how many keys a subscription may hold at once (active, not
// expired, not rotated away): enough for one per environment or deployment
// and a rotation in flight, few enough that a forgotten key stands out.
const MaxLiveKeys = 5

// MaxGracedKeys is how many rotated keys of a subscription may be in their
// grace period at once: one rotation in flight for each of its MaxLiveKeys
// keys, so that rotating all of them at once works, while rotating the
// successor again and again cannot pile up keys that still verify.
const MaxGracedKeys = MaxLiveKeys

// MaxGrace is the longest a rotated key stays valid.
const MaxGrace = 30 * 24 * time.Hour

// MaxKeyYears is how far ahead, in calendar years, a key's expiry may be.
const MaxKeyYears = 3

var b32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

func random(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err))
	}
	return b32.EncodeToString(b)
}

// newKey returns a new key id and the whole key.
func newKey() (kid, key string) {
	kid = random(kidBytes)
	return kid, KeyPrefix + kid + "_" + random(secretBytes)
}

// NewKeyHash returns the id and the stored hash of a new random key that
// nobody will ever see: for generated scale data.
func NewKeyHash() (kid, hash string) {
	kid, key := newKey()
	return kid, HashKey(key)
}

// Prefix is the visible part of a key: "ptk_" + key id.
func Prefix(kid string) string { return KeyPrefix + kid }

// HashKey returns what is stored of a key: the lowercase hex SHA-256 of the
// whole key, as the gateway snapshot carries it (gateway.HashKey). The
// secret has 256 bits of entropy, so a fast hash cannot be brute-forced and
// no salt or slow hash (argon2) is needed; a slow hash would cost every
// gateway request and stop the lookup being one indexed equality.
func HashKey(key string) string { return gateway.HashKey(key) }

func isB32(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

// parseKey returns the key id of a presented key, or ok false when it does
// not have the format of a Portico key.
func parseKey(presented string) (kid string, ok bool) {
	if len(presented) != keyLen || !strings.HasPrefix(presented, KeyPrefix) {
		return "", false
	}
	rest := presented[len(KeyPrefix):]
	kid, secret, found := strings.Cut(rest, "_")
	if !found || len(kid) != kidLen || len(secret) != secretLen || !isB32(kid) || !isB32(secret) {
		return "", false
	}
	return kid, true
}

// Why a presented key does not verify.
var (
	ErrKeyMalformed      = errors.New("not a Portico API key (ptk_<key id>_<secret>)")
	ErrKeyUnknown        = errors.New("unknown API key")
	ErrKeyRevoked        = errors.New("the API key was revoked")
	ErrKeyExpired        = errors.New("the API key has expired")
	ErrKeyGraceEnded     = errors.New("the API key was rotated and its grace period is over")
	ErrSubscriptionEnded = errors.New("the API key's subscription is not active")
)

// Verified is what a valid key gives access to.
type Verified struct {
	Key          *store.APIKey
	Subscription *store.Subscription
	// Version is the newest live version of the subscribed major.
	Version string
}

// Verify checks a presented key: its format, then one indexed lookup by
// hash, then the key's state, expiry and grace end and its subscription's
// state. It returns the subscription (with its app, API and plan), or one
// of the Err* errors above. It never logs or returns the key.
func (s *Service) Verify(ctx context.Context, presented string) (*Verified, error) {
	if len(presented) > maxPresented {
		return nil, ErrKeyMalformed
	}
	kid, ok := parseKey(presented)
	if !ok {
		return nil, ErrKeyMalformed
	}
	k, err := s.store.KeyByHash(ctx, HashKey(presented))
	if errors.Is(err, store.ErrNotFound) || (err == nil && k.Kid != kid) {
		return nil, ErrKeyUnknown
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	switch {
	case k.State != store.KeyActive:
		return nil, ErrKeyRevoked
	case k.ExpiresAt != nil && !now.Before(*k.ExpiresAt):
		return nil, ErrKeyExpired
	case k.GraceEndsAt != nil && !now.Before(*k.GraceEndsAt):
		return nil, ErrKeyGraceEnded
	}
	sub, err := s.store.SubscriptionByID(ctx, k.SubscriptionID)
	if err != nil {
		return nil, err
	}
	if State(sub.State) != Active {
		return nil, ErrSubscriptionEnded
	}
	v := &Verified{Key: k, Subscription: sub}
	if live, err := s.store.LatestLiveMeta(ctx, sub.APIID, sub.Major, 0); err == nil {
		v.Version = live.Version
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	return v, nil
}

// KeyInput is a key as created: the key form and the JSON body fill it.
type KeyInput struct {
	Name string
	// ExpiresAt is a date (2027-01-31, the end of that day in UTC) or an
	// RFC 3339 time; empty for no expiry.
	ExpiresAt string
}

// parseWhen reads a date (the end of that day, UTC) or an RFC 3339 time,
// truncated to the second (the gateway's precision).
func parseWhen(s string) (time.Time, bool) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.Add(24*time.Hour - time.Second).UTC(), true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC().Truncate(time.Second), true
	}
	return time.Time{}, false
}

// latestExpiry is the latest expiry a key issued at now may be given:
// MaxKeyYears calendar years ahead (leap days included), and for a date,
// which stands for the end of its day, the end of the day that far ahead.
func latestExpiry(expires string, now time.Time) time.Time {
	limit := now.UTC().AddDate(MaxKeyYears, 0, 0)
	if _, err := time.Parse("2006-01-02", expires); err == nil {
		limit = limit.Truncate(24 * time.Hour).Add(24*time.Hour - time.Second)
	}
	return limit
}

func (s *Service) requireKeys(ctx context.Context, actor *store.User, sub *store.Subscription) error {
	return s.require(ctx, actor, sub.ConsumerTeam.Slug, "apps", "manage",
		fmt.Sprintf("Only developers and above of %s and org admins manage its apps' keys.", store.Isolate(sub.ConsumerTeam.Name)))
}

// KeyPage is one page of a subscription's keys, newest first; Next is the
// Before of the next page ("" on the last).
type KeyPage struct {
	Keys []store.APIKey
	Next string
}

// DefaultKeysPage and MaxKeysListed bound a page of the JSON API's list
// of a subscription's keys.
const (
	DefaultKeysPage = 50
	MaxKeysListed   = 200
)

// Keys returns limit (1 to MaxKeysListed) of a subscription's keys, newest
// first, without secrets (there are none to return), from the cursor before
// ("" for the newest). The caller has checked that u sees sub's keys.
func (s *Service) Keys(ctx context.Context, sub *store.Subscription, before string, limit int) (KeyPage, error) {
	var beforeID int64
	if b := strings.TrimSpace(before); b != "" {
		id, err := strconv.ParseInt(b, 10, 64)
		if err != nil || id <= 0 {
			return KeyPage{}, apperr.Field("before", "Give the before cursor as the previous page returned it.")
		}
		beforeID = id
	}
	limit = min(max(limit, 1), MaxKeysListed)
	keys, err := s.store.KeysBefore(ctx, sub.ID, beforeID, limit+1)
	if err != nil {
		return KeyPage{}, err
	}
	p := KeyPage{Keys: keys}
	if len(keys) > limit {
		p.Keys = keys[:limit]
		p.Next = strconv.FormatInt(keys[limit-1].ID, 10)
	}
	return p, nil
}

// RecentEndedKeys is how many of a subscription's ended keys (revoked,
// expired, rotated out) an app's page shows beside those that work; the
// page of all its keys shows the others.
const RecentEndedKeys = 3

// KeysOverview returns, by subscription id, what an app's page shows of the
// subscriptions' keys: those that work, and the RecentEndedKeys newest of
// those that ended with how many ended. The caller has checked that u
// sees the subscriptions' keys.
func (s *Service) KeysOverview(ctx context.Context, subscriptionIDs []int64) (map[int64]*store.SubscriptionKeys, error) {
	return s.store.KeysOverview(ctx, subscriptionIDs, s.now(), RecentEndedKeys)
}

// MaxKeysPage is the most keys of a subscription one page lists.
const MaxKeysPage = 50

// KeysPage returns the limit (1 to MaxKeysPage) keys of a subscription
// after the first offset, newest first, and how many it has. The caller
// has checked that u sees sub's keys.
func (s *Service) KeysPage(ctx context.Context, sub *store.Subscription, offset, limit int) ([]store.APIKey, int, error) {
	return s.store.KeysPage(ctx, sub.ID, max(offset, 0), min(max(limit, 1), MaxKeysPage))
}

// IssueKey creates a key for an active subscription and returns it with the
// whole key, which is shown once and never stored.
func (s *Service) IssueKey(ctx context.Context, actor *store.User, sub *store.Subscription, in KeyInput) (*store.APIKey, string, error) {
	if err := s.requireKeys(ctx, actor, sub); err != nil {
		return nil, "", err
	}
	now := store.Stored(s.now())
	errs := map[string]string{}
	in.Name, in.ExpiresAt = strings.TrimSpace(in.Name), strings.TrimSpace(in.ExpiresAt)
	if in.Name == "" || !utf8.ValidString(in.Name) || utf8.RuneCountInString(in.Name) > MaxKeyName || strings.ContainsAny(in.Name, "\r\n") {
		errs["name"] = fmt.Sprintf("Name the key (up to %d characters on one line), e.g. where it is used: production, staging.", MaxKeyName)
	}
	apperr.Secret(errs, "name", in.Name)
	var expires *time.Time
	if in.ExpiresAt != "" && apperr.Line(errs, "expires_at", in.ExpiresAt, MaxShortField) {
		t, ok := parseWhen(in.ExpiresAt)
		switch {
		case !ok:
			errs["expires_at"] = fmt.Sprintf("%s is not a date: use YYYY-MM-DD or an RFC 3339 time.", store.Echo(in.ExpiresAt, store.MaxEcho))
		case !t.After(now):
			errs["expires_at"] = "The expiry must be in the future."
		case t.After(latestExpiry(in.ExpiresAt, now)):
			errs["expires_at"] = fmt.Sprintf("The expiry may be at most %d years ahead.", MaxKeyYears)
		default:
			expires = &t
		}
	}
	if err := apperr.Invalid(errs); err != nil {
		return nil, "", err
	}
	if State(sub.State) != Active {
		return nil, "", apperr.Conflict(fmt.Sprintf("Keys are issued for active subscriptions; this one is %s.", sub.State))
	}
	kid, key := newKey()
	k := &store.APIKey{Kid: kid, SubscriptionID: sub.ID, APIID: sub.APIID, Major: sub.Major, PlanID: sub.PlanID, Name: in.Name,
		KeyHash: HashKey(key), State: store.KeyActive, CreatedBy: &actor.ID, ExpiresAt: expires, Creator: actor}
	err := s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.store.TouchActiveSubscription(ctx, tx, sub.ID, now); err != nil {
			return err
		}
		n, err := s.store.CountLiveKeys(ctx, tx, sub.ID, now)
		if err != nil {
			return err
		}
		if n >= MaxLiveKeys {
			return apperr.Conflict(fmt.Sprintf("A subscription holds at most %d active keys; revoke one you no longer use first.", MaxLiveKeys))
		}
		if err := s.store.CreateKey(ctx, tx, k, now); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, actor, "key.issue", "key", Prefix(kid), sub.ConsumerTeamID, sub.ProviderTeamID, "", "active", keyNote(sub, k), now); err != nil {
			return err
		}
		return s.gatewayChanged(ctx, tx, sub.API.Slug)
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, "", apperr.Conflict("The subscription is no longer active; reload it to see where it stands.")
	}
	if err != nil {
		return nil, "", err
	}
	return k, key, nil
}

func keyNote(sub *store.Subscription, k *store.APIKey) string {
	note := fmt.Sprintf("subscription %d, name %q", sub.ID, k.Name)
	if k.ExpiresAt != nil {
		note += ", expires " + k.ExpiresAt.Format(time.RFC3339)
	}
	return note
}

// Key returns the key with public id kid and its subscription when u sees
// the subscription's keys, else an error wrapping store.ErrNotFound.
func (s *Service) Key(ctx context.Context, u *store.User, kid string) (*store.APIKey, *store.Subscription, error) {
	k, err := s.store.KeyByKid(ctx, strings.TrimPrefix(kid, KeyPrefix))
	if err != nil {
		return nil, nil, err
	}
	sub, err := s.store.SubscriptionByID(ctx, k.SubscriptionID)
	if err != nil {
		return nil, nil, err
	}
	ok, err := s.SeesKeys(ctx, u, sub)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, fmt.Errorf("key %q: %w", kid, store.ErrNotFound)
	}
	return k, sub, nil
}

// Grace choices offered by the rotation form, in seconds.
var GraceChoices = []struct {
	Label   string
	Seconds int
}{{"none: the old key stops at once", 0}, {"1 hour", 3600}, {"24 hours", 86400}, {"7 days", 7 * 86400}}

// parseGrace reads a grace period: whole seconds (0 to MaxGrace), a time
// within MaxGrace or a date (the end of that day, UTC) whose day is within
// MaxGrace, as the rotation form's hint says. It returns the grace end,
// zero for none.
func parseGrace(grace string, now time.Time) (time.Time, error) {
	grace = strings.TrimSpace(grace)
	if grace == "" {
		return time.Time{}, apperr.Field("grace", "Choose how long the old key stays valid: none, 1 hour, 24 hours, 7 days or a date.")
	}
	var end time.Time
	limit := now.Add(MaxGrace)
	if n, err := strconv.ParseInt(grace, 10, 64); err == nil {
		if n < 0 || n > int64(MaxGrace/time.Second) {
			return time.Time{}, apperr.Field("grace", fmt.Sprintf("The grace period is 0 to %d seconds (30 days).", int64(MaxGrace/time.Second)))
		}
		if n == 0 {
			return time.Time{}, nil
		}
		end = now.Add(time.Duration(n) * time.Second)
	} else if t, ok := parseWhen(grace); ok {
		end = t
		if _, err := time.Parse("2006-01-02", grace); err == nil {
			// A date stands for the end of its day: the day 30 days out
			// is within 30 days although its end is later than limit.
			limit = limit.UTC().Truncate(24 * time.Hour).Add(24*time.Hour - time.Second)
		}
	} else {
		return time.Time{}, apperr.Field("grace", fmt.Sprintf("%s is neither seconds nor a date (YYYY-MM-DD or RFC 3339).", store.Echo(grace, 40)))
	}
	if !end.After(now) || end.After(limit) {
		return time.Time{}, apperr.Field("grace", "The grace period must end in the future and within 30 days.")
	}
	return end.UTC().Truncate(time.Second), nil
}

// RotateKey issues a new key in place of k, which stays valid until the end
// of the grace period (grace: seconds, 0 for none, or a date), and returns
// the new key with its whole value, shown once.
func (s *Service) RotateKey(ctx context.Context, actor *store.User, k *store.APIKey, sub *store.Subscription, grace string) (*store.APIKey, string, error) {
	if err := s.requireKeys(ctx, actor, sub); err != nil {
		return nil, "", err
	}
	now := store.Stored(s.now())
	end, err := parseGrace(grace, now)
	if err != nil {
		return nil, "", err
	}
	switch {
	case State(sub.State) != Active:
		return nil, "", apperr.Conflict(fmt.Sprintf("Keys of a %s subscription cannot be rotated.", sub.State))
	case k.State != store.KeyActive:
		return nil, "", apperr.Conflict(fmt.Sprintf("The key %s is revoked; create a new one instead.", Prefix(k.Kid)))
	case k.GraceEndsAt != nil:
		return nil, "", apperr.Conflict(fmt.Sprintf("The key %s was rotated already; its grace period ends %s.", Prefix(k.Kid), k.GraceEndsAt.Format(time.RFC3339)))
	case !k.Live(now):
		return nil, "", apperr.Conflict(fmt.Sprintf("The key %s has expired; create a new one instead.", Prefix(k.Kid)))
	}
	kid, key := newKey()
	nk := &store.APIKey{Kid: kid, SubscriptionID: sub.ID, APIID: sub.APIID, Major: sub.Major, PlanID: sub.PlanID, Name: k.Name,
		KeyHash: HashKey(key), State: store.KeyActive, CreatedBy: &actor.ID, ExpiresAt: k.ExpiresAt, Creator: actor}
	old := *k
	err = s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.store.TouchActiveSubscription(ctx, tx, sub.ID, now); err != nil {
			return err
		}
		if !end.IsZero() {
			graced, err := s.store.KeysInGrace(ctx, tx, sub.ID, now)
			if err != nil {
				return err
			}
			if len(graced) >= MaxGracedKeys {
				return apperr.Conflict(fmt.Sprintf("This subscription already has %d rotated keys in their grace period, the most it may hold (the first to end is %s, on %s). Revoke one you no longer need, or rotate with no grace.",
					len(graced), Prefix(graced[0].Kid), graced[0].GraceEndsAt.Format(time.RFC3339)))
			}
		}
		if err := s.store.CreateKey(ctx, tx, nk, now); err != nil {
			return err
		}
		old.RotatedTo = &nk.ID
		note := "grace: none, revoked at once"
		if end.IsZero() {
			old.State, old.RevokedAt = store.KeyRevoked, &now
		} else {
			old.GraceEndsAt = &end
			note = "grace until " + end.Format(time.RFC3339)
		}
		if err := s.store.EndKey(ctx, tx, &old); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, actor, "key.rotate", "key", Prefix(k.Kid), sub.ConsumerTeamID, sub.ProviderTeamID, Prefix(k.Kid), Prefix(kid), note, now); err != nil {
			return err
		}
		return s.gatewayChanged(ctx, tx, sub.API.Slug)
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, "", apperr.Conflict("The key or its subscription was changed meanwhile; reload to see where they stand.")
	}
	if err != nil {
		return nil, "", err
	}
	*k = old
	return nk, key, nil
}

// RevokeKey ends a key at once (a rotated key in its grace period too).
func (s *Service) RevokeKey(ctx context.Context, actor *store.User, k *store.APIKey, sub *store.Subscription) error {
	if err := s.requireKeys(ctx, actor, sub); err != nil {
		return err
	}
	if k.State != store.KeyActive {
		return apperr.Conflict(fmt.Sprintf("The key %s is revoked already.", Prefix(k.Kid)))
	}
	now := store.Stored(s.now())
	err := s.store.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.store.RevokeKey(ctx, tx, k, now); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, actor, "key.revoke", "key", Prefix(k.Kid), sub.ConsumerTeamID, sub.ProviderTeamID, "active", "revoked", fmt.Sprintf("subscription %d", sub.ID), now); err != nil {
			return err
		}
		return s.gatewayChanged(ctx, tx, sub.API.Slug)
	})
	if errors.Is(err, store.ErrConflict) {
		return apperr.Conflict(fmt.Sprintf("The key %s is revoked already.", Prefix(k.Kid)))
	}
	return err
}
