package people

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"github.com/portico-dev/portico/apperr"
	"github.com/portico-dev/portico/auth"
	"github.com/portico-dev/portico/store"
)

// LoginLimits bound password guessing. Every check of a password (logging
// in, changing one's password) is first recorded as a failure and counted;
// the limits are checked before any hashing, and a right password clears
// the failures of its account from its address. They lock the attacker's
// address out, never an account: failures from other addresses only slow
// the account's checks down. An address is an IPv4 address or an IPv6 /64
// (limitAddr).
//
// A browser that signed in to the account before (a Device, from its
// device cookie) is counted by itself instead: its attempts are neither
// slowed down nor queued nor counted for its address, and after PerDevice
// failures in the window it is judged as any other browser. So an attacker
// who slows an account down, or fills the queue of slowed attempts, never
// delays its owner's own browser (OWASP's "device cookies").
type LoginLimits struct {
	// Window is how long failures count.
	Window time.Duration
	// PerAccountAndAddress failures of one account from one address in the
	// window refuse further attempts for that account from that address.
	PerAccountAndAddress int
	// PerAddress failures from one address, whatever the accounts, refuse
	// every attempt from that address.
	PerAddress int
	// SlowAfter failures of one account from every address make each
	// further check of its password wait SlowStep per failure above
	// SlowAfter, at most SlowMax: a slow-down, not a lock.
	SlowAfter int
	SlowStep  time.Duration
	SlowMax   time.Duration
	// MaxSlowed attempts may wait at once; more are refused (429).
	MaxSlowed int
	// MaxSlowedPerAccount of them may be attempts at one account; more at
	// that account are refused (429), so that a flood of attempts at one
	// account leaves places to the others. 0 means an eighth of MaxSlowed.
	MaxSlowedPerAccount int
	// PerDevice failures with one device cookie in the window end its
	// exemption: its further attempts count as from its address. 0 turns
	// device cookies off.
	PerDevice int
}

// DefaultLoginLimits are the limits of a portal: 5 failures per account and
// address and 20 per address in 15 minutes; after 10 failures of an account
// from anywhere, each further check waits a second per failure, up to 5,
// as one of at most 64 waiting, 8 of them for one account; 5 failures per
// device cookie.
func DefaultLoginLimits() LoginLimits {
	return LoginLimits{
		Window: 15 * time.Minute, PerAccountAndAddress: 5, PerAddress: 20,
		SlowAfter: 10, SlowStep: time.Second, SlowMax: 5 * time.Second, MaxSlowed: 64, MaxSlowedPerAccount: 8,
		PerDevice: 5,
	}
}

// Login input bounds.
const (
	// maxUsernameBytes is the longest user name a login may carry (a valid
	// one has at most 64 characters of ASCII).
	maxUsernameBytes = 64
)

// ErrWrongCredentials is the answer to a wrong user name or password: the
// same for both, so it tells nobody which accounts exist.
var ErrWrongCredentials = errors.New("wrong username or password")

// ErrPasswordExpired is the answer to the right one-time password after it
// expired. It is only given once the password matched, so it tells nothing
// to someone who does not know it.
var ErrPasswordExpired = errors.New("one-time password expired")

var (
	msgTooManyFailures = "Too many failed attempts from your address. Wait 15 minutes and try again, or ask an admin."
	msgHashBusy        = "The portal is busy checking other logins. Try again in a few seconds."
	msgAccountBusy     = "Too many logins to this account are waiting. Try again in a few seconds, or from a browser that signed in to it before."
)

// Credentials are what a login form or a command sends: a user name and a
// password, and the address and device they came from (for the limits).
type Credentials struct {
	Username string
	Password string
	Addr     string
	Device   Device
}

// Device is a browser's device cookie, as the caller verified it (its
// signature under the server's key, its expiry): the account it signed in
// to when the cookie was issued (by its id, which no later account takes,
// not by its name, which one may), the PasswordMark of that account's
// password then, and the cookie's random id. It counts only for attempts
// at that account while it keeps that password. The zero Device is a
// browser without one.
type Device struct {
	UserID   int64
	Password string
	ID       string
}

// DeviceOf is the Device of a new cookie with the random id for u.
func DeviceOf(u *store.User, id string) Device {
	return Device{UserID: u.ID, Password: PasswordMark(u.PasswordHash), ID: id}
}

// Of reports whether d is a device cookie of u with u's current password.
func (d Device) Of(u *store.User) bool {
	return u != nil && d.of(u.ID, u.PasswordHash)
}

func (d Device) of(userID int64, hash string) bool {
	return d.ID != "" && userID != 0 && d.UserID == userID && subtle.ConstantTimeCompare([]byte(d.Password), []byte(PasswordMark(hash))) == 1
}

// PasswordMark is a short digest of a password hash: it changes with every
// password set (each hash has its own random salt), and tells nothing of
// the password (finding one from it would take the salt, which it does
// not hold). A device cookie carries it so that a password change or
// reset ends the exemption of every device cookie issued before.
func PasswordMark(hash string) string {
	sum := sha256.Sum256([]byte("portico device password\x00" + hash))
	return base64.RawURLEncoding.EncodeToString(sum[:12])
}

// deviceKey is what the failures with a device cookie are counted under,
// in place of an address ("device:<id>"; no address looks like it).
func deviceKey(id string) string { return "device:" + id }

// LogIn checks credentials under the login limits and returns the user.
// It returns ErrWrongCredentials for an unknown user, a disabled one or a
// wrong password alike (each costs one argon2id computation, so they take
// the same time), ErrPasswordExpired for the right one-time password past
// its expiry, an InputError for a missing or over-long field, and a
// LimitError (429) when the limits or the hashing queue refuse.
func (s *Service) LogIn(ctx context.Context, in Credentials) (*store.User, error) {
	username := NormalizeUsername(in.Username)
	errs := map[string]string{}
	switch {
	case username == "":
		errs["username"] = "Enter your username."
	case len(username) > maxUsernameBytes:
		errs["username"] = fmt.Sprintf("Usernames have at most %d characters.", maxUsernameBytes)
	default:
		// No username holds a control character (a NUL, which neither
		// database stores alike) or invalid UTF-8: say so before the
		// attempt is recorded.
		apperr.Line(errs, "username", username, maxUsernameBytes)
	}
	switch {
	case in.Password == "":
		errs["password"] = "Enter your password."
	case len(in.Password) > auth.MaxPasswordLength:
		errs["password"] = fmt.Sprintf("Passwords have at most %d characters.", auth.MaxPasswordLength)
	}
	if len(errs) > 0 {
		return nil, apperr.Invalid(errs)
	}
	var u *store.User
	ok, err := s.checkPassword(ctx, username, in.Addr, in.Device, in.Password, func() (*store.User, error) {
		found, err := s.store.UserByUsername(ctx, username)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return nil, nil
		case err != nil:
			return nil, err
		}
		u = found
		return found, nil
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrWrongCredentials
	}
	if u.MustChangePassword && u.PasswordExpiresAt != nil && !s.now().Before(*u.PasswordExpiresAt) {
		return nil, ErrPasswordExpired
	}
	return u, nil
}

// checkPassword checks a password of the account username under the login
// limits: the attempt is recorded and counted first, refused (and its
// record removed) over a limit or when the hashing queue is full, and
// otherwise checked against the hash of the user lookup returns (nil for
// an account that does not exist, which is checked against a dummy hash).
// It reports true for a right password of an active user, and then clears
// the account's failures from addr (or from dev); anything else stays
// recorded as a failure. An attempt with a device cookie of the account
// (Device.Of the user lookup returns, looked up first then) is counted
// under the device alone while it has at most PerDevice failures, is never
// slowed down, and waits for hashing among places of its own
// (auth.Hasher.CheckKnown).
func (s *Service) checkPassword(ctx context.Context, username, addr string, dev Device, password string, lookup func() (*store.User, error)) (bool, error) {
	lim := s.limits
	since := s.now().Add(-lim.Window)
	var (
		u      *store.User
		looked bool
		err    error
	)
	if dev.ID != "" && lim.PerDevice > 0 {
		if u, err = lookup(); err != nil {
			return false, err
		}
		looked = true
	}
	id, key, trusted, err := s.recordDeviceAttempt(ctx, username, dev, dev.Of(u), since)
	if err != nil {
		return false, err
	}
	refuse := func(e error) (bool, error) {
		if err := s.store.DeleteLoginAttempt(context.WithoutCancel(ctx), id); err != nil {
			return false, err
		}
		return false, e
	}
	if !trusted {
		key = limitAddr(addr)
		var n store.LoginCounts
		if id, n, err = s.store.RecordLoginAttempt(ctx, username, key, since); err != nil {
			return false, err
		}
		if n.Pair > lim.PerAccountAndAddress || n.Addr > lim.PerAddress {
			return refuse(apperr.Limit(msgTooManyFailures, lim.Window))
		}
		if over := n.Account - lim.SlowAfter; over > 0 {
			if err := s.slowDown(ctx, username, min(time.Duration(over)*lim.SlowStep, lim.SlowMax)); err != nil {
				return refuse(err)
			}
		}
	}
	if !looked {
		if u, err = lookup(); err != nil {
			return refuse(err)
		}
	}
	hash, active := "", false
	if u != nil {
		hash, active = u.PasswordHash, !u.Disabled
	}
	check := s.hasher.Check
	if trusted {
		check = s.hasher.CheckKnown // places of its own in the hashing queue
	}
	ok, err := check(ctx, password, hash)
	if errors.Is(err, auth.ErrBusy) {
		return refuse(apperr.Limit(msgHashBusy, 2*time.Second))
	}
	if err != nil {
		return refuse(err)
	}
	if !ok || !active {
		return false, nil
	}
	if err := s.store.ClearLoginFailures(ctx, username, key); err != nil {
		return false, err
	}
	return true, nil
}

// recordDeviceAttempt records an attempt at username with the device
// cookie dev, when it is one of that account with its current password
// (known: Device.Of), and reports whether the attempt is exempt from the
// address's limits and the slow-down: when the device has at most
// PerDevice failures in the window, counting this one. Over that, the
// record is removed again: the attempt is judged as from its address.
func (s *Service) recordDeviceAttempt(ctx context.Context, username string, dev Device, known bool, since time.Time) (id int64, key string, trusted bool, err error) {
	if !known || s.limits.PerDevice <= 0 {
		return 0, "", false, nil
	}
	key = deviceKey(dev.ID)
	id, n, err := s.store.RecordLoginAttempt(ctx, username, key, since)
	if err != nil {
		return 0, "", false, err
	}
	if n.Pair <= s.limits.PerDevice {
		return id, key, true, nil
	}
	if err := s.store.DeleteLoginAttempt(ctx, id); err != nil {
		return 0, "", false, err
	}
	return 0, "", false, nil
}

// limitAddr is the client a login limit counts for addr: an IPv4 address
// as it is, an IPv6 address as its /64 ("2001:db8:1:2::/64"). An IPv6
// client holds a whole /64 (a host, a VPS, a home line each get one), and
// counted by address it had a fresh one for every guess, out of reach of
// the per-address limits. Anything else (no address: the console) is kept.
func limitAddr(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	if a = a.Unmap(); a.Is4() {
		return a.String()
	}
	return netip.PrefixFrom(a.WithZone(""), 64).Masked().String()
}

// waitMargin is how long after its wait's end an attempt's place at its
// account is still counted when its instance did not give it back (it
// stopped meanwhile), and what the instances' clocks may differ by.
const waitMargin = time.Second

// slowDown waits d, as one of at most MaxSlowed attempts waiting at once
// on this instance and MaxSlowedPerAccount at the account on every
// instance sharing the database. The account's places are counted in the
// database (store.EnterLoginWait), so that an attacker spreading guesses
// over several instances behind a load balancer has no more places than
// on one; the instance's own queue bounds its memory and goroutines, and
// refuses first, without a round trip, when the account's places here are
// full already.
func (s *Service) slowDown(ctx context.Context, account string, d time.Duration) error {
	if err := s.slowed.enter(account, s.limits.MaxSlowed, s.limits.MaxSlowedPerAccount); err != nil {
		return err
	}
	defer s.slowed.leave(account)
	now := s.now()
	id, n, err := s.store.EnterLoginWait(ctx, account, now, now.Add(d+waitMargin))
	if id != 0 {
		// Not given back (the database failed), the place counts until
		// its end and the margin.
		defer func() { _ = s.store.LeaveLoginWait(context.WithoutCancel(ctx), id) }()
	}
	if err != nil {
		return err
	}
	if n > s.limits.MaxSlowedPerAccount {
		return apperr.Limit(msgAccountBusy, 2*time.Second)
	}
	return s.sleep(ctx, d)
}

// slowQueue counts the attempts waiting in a slow-down on this instance,
// in all and by account.
type slowQueue struct {
	mu        sync.Mutex
	total     int
	byAccount map[string]int
}

// enter takes a place for account, or refuses with a LimitError when the
// queue (limit places) or the account's share of it (perAccount) is full.
func (q *slowQueue) enter(account string, limit, perAccount int) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	switch {
	case q.total >= limit:
		return apperr.Limit(msgHashBusy, 2*time.Second)
	case q.byAccount[account] >= perAccount:
		return apperr.Limit(msgAccountBusy, 2*time.Second)
	}
	if q.byAccount == nil {
		q.byAccount = map[string]int{}
	}
	q.total++
	q.byAccount[account]++
	return nil
}

// leave gives back a place of account.
func (q *slowQueue) leave(account string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.total--
	if q.byAccount[account]--; q.byAccount[account] <= 0 {
		delete(q.byAccount, account)
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
