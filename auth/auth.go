// Package auth holds Portico's credential primitives: password hashing with
// argon2id and random secrets (session ids, personal access tokens) that are
// stored only as SHA-256 hashes.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/alexedwards/argon2id"
)

// Hasher hashes and checks passwords with argon2id.
type Hasher struct {
	params *argon2id.Params
}

// NewHasher returns a Hasher with the recommended argon2id parameters
// (64 MiB, 1 iteration, one lane per core up to 4).
func NewHasher() *Hasher {
	return &Hasher{params: &argon2id.Params{Memory: 64 * 1024, Iterations: 1, Parallelism: 2, SaltLength: 16, KeyLength: 32}}
}

// NewTestHasher returns a Hasher with weak, fast parameters. Use it only in tests.
func NewTestHasher() *Hasher {
	return &Hasher{params: &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}}
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// ErrWeakPassword is returned for passwords shorter than MinPasswordLength.
var ErrWeakPassword = fmt.Errorf("password must be at least %d characters", MinPasswordLength)

// Hash returns the encoded argon2id hash of password.
func (h *Hasher) Hash(password string) (string, error) {
	if len(password) < MinPasswordLength {
		return "", ErrWeakPassword
	}
	hash, err := argon2id.CreateHash(password, h.params)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return hash, nil
}

// Check reports whether password matches the encoded hash. An empty or
// malformed hash never matches.
func (h *Hasher) Check(password, hash string) bool {
	if hash == "" {
		return false
	}
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	return err == nil && ok
}

// DummyCheck spends the time of one password check, so that a login for an
// unknown user takes as long as one for a known user.
func (h *Hasher) DummyCheck(password string) {
	hash, _ := argon2id.CreateHash("portico-dummy-password", h.params)
	_, _ = argon2id.ComparePasswordAndHash(password, hash)
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
