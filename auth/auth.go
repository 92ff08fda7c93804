// Package auth holds Portico's credential primitives: password hashing with
// argon2id and random secrets (session ids, personal access tokens) that are
// stored only as SHA-256 hashes.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/alexedwards/argon2id"
)

// Hasher hashes and checks passwords with argon2id. Each hash holds 64 MiB
// for its duration, so a Hasher runs at most a few at once (about one per
// core, at most maxConcurrentHashes) and lets a short queue wait for a turn;
// beyond that it refuses with ErrBusy at once, so that a burst of logins
// costs a bounded amount of memory and CPU whatever its size.
type Hasher struct {
	params *argon2id.Params
	// slots holds a token per hash running; admitted one per hash running
	// or waiting for a slot; known one per CheckKnown running or waiting,
	// which a flood of other checks cannot fill.
	slots, admitted, known chan struct{}
	wait                   time.Duration

	dummyOnce sync.Once
	dummy     string
}

// Concurrency limits of NewHasher and NewTestHasher.
const (
	// maxConcurrentHashes bounds the memory of hashing: 4 × 64 MiB.
	maxConcurrentHashes = 4
	// queuePerSlot is how many checks may wait per running one.
	queuePerSlot = 2
	// maxHashWait is the longest a check waits for a turn.
	maxHashWait = 3 * time.Second
)

// ErrBusy is returned when as many password checks as the Hasher allows are
// running and waiting: the caller should answer "try again shortly" (429).
var ErrBusy = errors.New("password hashing is busy")

// MaxPasswordLength is the longest password accepted, in bytes.
const MaxPasswordLength = 1024

func newHasher(p *argon2id.Params) *Hasher {
	n := min(max(runtime.NumCPU(), 1), maxConcurrentHashes)
	return (&Hasher{params: p}).WithLimits(n, queuePerSlot*n, maxHashWait)
}

// NewHasher returns a Hasher with the recommended argon2id parameters
// (64 MiB, 1 iteration, 2 lanes), running at most one hash per core (and at
// most 4) with twice as many waiting.
func NewHasher() *Hasher {
	return newHasher(&argon2id.Params{Memory: 64 * 1024, Iterations: 1, Parallelism: 2, SaltLength: 16, KeyLength: 32})
}

// NewTestHasher returns a Hasher with weak, fast parameters. Use it only in tests.
func NewTestHasher() *Hasher {
	return newHasher(&argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32})
}

// WithLimits returns a Hasher with the same parameters that runs at most
// concurrent hashes, lets at most queued more wait, each for at most wait.
func (h *Hasher) WithLimits(concurrent, queued int, wait time.Duration) *Hasher {
	concurrent = max(concurrent, 1)
	return &Hasher{params: h.params, slots: make(chan struct{}, concurrent), admitted: make(chan struct{}, concurrent+max(queued, 0)),
		known: make(chan struct{}, concurrent), wait: wait}
}

// acquire waits for a hashing slot, admitted among the places of queue
// (h.admitted, or h.known); the returned function gives both back.
func (h *Hasher) acquire(ctx context.Context, queue chan struct{}) (func(), error) {
	select {
	case queue <- struct{}{}:
	default:
		return nil, ErrBusy
	}
	timer := time.NewTimer(h.wait)
	defer timer.Stop()
	select {
	case h.slots <- struct{}{}:
		return func() {
			h.collect()
			<-h.slots
			<-queue
		}, nil
	case <-timer.C:
		<-queue
		return nil, ErrBusy
	case <-ctx.Done():
		<-queue
		return nil, ctx.Err()
	}
}

// collectAbove is the hash memory (KiB) from which a finished hash is
// followed by a garbage collection.
const collectAbove = 8 * 1024

// collect runs a garbage collection after a hash of collectAbove or more,
// before its slot is given back. The hash's memory (64 MiB) is live when the
// collector runs during the hash, so it counts twice in the next heap goal:
// without this, a few logins in a row each took a fresh 64 MiB and the
// process grew by 200 MB in four logins. After the collection the next hash
// reuses the freed memory. A collection of the portal's heap (~30 MB live)
// costs a fraction of a hash, and only logins and password changes pay it.
func (h *Hasher) collect() {
	if h.params.Memory >= collectAbove {
		runtime.GC()
	}
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// ErrWeakPassword is returned for passwords shorter than MinPasswordLength.
var ErrWeakPassword = fmt.Errorf("password must be at least %d characters", MinPasswordLength)

// ErrLongPassword is returned for passwords longer than MaxPasswordLength.
var ErrLongPassword = fmt.Errorf("password must be at most %d characters", MaxPasswordLength)

// Hash returns the encoded argon2id hash of password. It returns ErrBusy
// when too many hashes are running and waiting.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if len(password) < MinPasswordLength {
		return "", ErrWeakPassword
	}
	if len(password) > MaxPasswordLength {
		return "", ErrLongPassword
	}
	release, err := h.acquire(ctx, h.admitted)
	if err != nil {
		return "", err
	}
	defer release()
	hash, err := argon2id.CreateHash(password, h.params)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return hash, nil
}

// Check reports whether password matches the encoded hash. An empty or
// malformed hash never matches. An empty hash stands for an account that
// does not exist: the password is then checked against a dummy hash, made
// once, so that the answer takes as long as for an account that exists
// (one argon2id computation either way). It returns ErrBusy when too many
// checks are running and waiting.
func (h *Hasher) Check(ctx context.Context, password, hash string) (bool, error) {
	return h.check(ctx, h.admitted, password, hash)
}

// CheckKnown is Check for a client the caller already knows (a browser
// with a device cookie of the account): it waits among places of its own,
// as many as run at once, so that a flood of Checks that fills the queue
// does not refuse it. It still waits for a hash to end (at most the
// Hasher's wait) and returns ErrBusy when its own places are taken.
func (h *Hasher) CheckKnown(ctx context.Context, password, hash string) (bool, error) {
	return h.check(ctx, h.known, password, hash)
}

func (h *Hasher) check(ctx context.Context, queue chan struct{}, password, hash string) (bool, error) {
	if len(password) > MaxPasswordLength {
		return false, nil
	}
	release, err := h.acquire(ctx, queue)
	if err != nil {
		return false, err
	}
	defer release()
	if hash == "" {
		h.dummyOnce.Do(func() {
			h.dummy, _ = argon2id.CreateHash(RandomToken(16), h.params)
		})
		_, _ = argon2id.ComparePasswordAndHash(password, h.dummy)
		return false, nil
	}
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	return err == nil && ok, nil
}

// RandomToken returns n random bytes encoded as unpadded URL-safe base64.
func RandomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		// crypto/rand never fails on supported platforms; if it does, nothing is safe.
		panic(fmt.Sprintf("crypto/rand: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken returns the hex SHA-256 of a secret token, as stored in the database.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Equal compares two secrets in constant time.
func Equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// Bearer returns the token of an Authorization header value of the Bearer
// scheme ("Bearer <token>"), and whether it is one with a token. The
// scheme's name is matched in any case ("bearer", "BEARER"), as RFC 9110
// (11.1) has it; clients and libraries that write it in lower case are
// common.
func Bearer(header string) (token string, ok bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// TokenPrefix starts every personal access token, so that leaked tokens are
// recognisable by secret scanners.
const TokenPrefix = "pat_"

// NewPersonalToken returns a new personal access token and the short prefix
// shown to users to recognise it.
func NewPersonalToken() (token, display string) {
	token = TokenPrefix + RandomToken(32)
	return token, token[:len(TokenPrefix)+6]
}

// ErrMalformedToken is returned for a bearer token that cannot be a Portico token.
var ErrMalformedToken = errors.New("malformed token")

// CheckTokenFormat checks the shape of a personal access token before a lookup.
func CheckTokenFormat(token string) error {
	if !strings.HasPrefix(token, TokenPrefix) || len(token) < len(TokenPrefix)+40 || len(token) > 128 {
		return ErrMalformedToken
	}
	return nil
}
