// Package secrettest finds the secrets a test saw issued (passwords, API
// keys, personal access tokens, node tokens, session ids, CSRF tokens) in
// what must never hold them: a database's rows, a log, a file, an answer.
// A secret is looked for whole, without its prefix, and as the hex and
// base64 of its text and of the random bytes it encodes.
package secrettest

import (
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

// Set is the secrets of a test, each under a name that says where it came
// from.
type Set struct {
	t     testing.TB
	names []string
	forms map[string][]string // name → needles
}

// New returns an empty set reporting to t.
func New(t testing.TB) *Set { return &Set{t: t, forms: map[string][]string{}} }

var keyB32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Add records secret v under name. It fails the test for a value too short
// to be a secret (the flow that should have issued it is broken).
func (s *Set) Add(name, v string) {
	s.t.Helper()
	if len(v) < 10 {
		s.t.Fatalf("secret %s is %q: the flow that issues it is broken", name, v)
	}
	for {
		if _, ok := s.forms[name]; !ok {
			break
		}
		name += " (again)"
	}
	texts := []string{v}
	var raws [][]byte
	switch {
	case strings.HasPrefix(v, "ptk_") && len(v) == 73: // ptk_<key id>_<secret>
		sec := v[len("ptk_")+16+1:]
		texts = append(texts, sec)
		if b, err := keyB32.DecodeString(sec); err == nil {
			raws = append(raws, b)
		}
	case strings.HasPrefix(v, "pat_"), strings.HasPrefix(v, "pgn_"):
		sec := v[4:]
		texts = append(texts, sec)
		if b, err := base64.RawURLEncoding.DecodeString(sec); err == nil {
			raws = append(raws, b)
		}
	default:
		if b, err := base64.RawURLEncoding.DecodeString(v); err == nil && len(b) >= 16 {
			raws = append(raws, b) // a session id or a CSRF token
		}
	}
	var needles []string
	for _, x := range texts {
		needles = append(needles, x, hex.EncodeToString([]byte(x)), base64.StdEncoding.EncodeToString([]byte(x)), base64.RawURLEncoding.EncodeToString([]byte(x)))
	}
	for _, b := range raws {
		needles = append(needles, hex.EncodeToString(b), base64.StdEncoding.EncodeToString(b), base64.RawStdEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b))
	}
	s.names = append(s.names, name)
	s.forms[name] = needles
}

// Len is the number of secrets in the set.
func (s *Set) Len() int { return len(s.names) }

// Find returns the names of the secrets found in text, in any of their
// forms (hex in either case).
func (s *Set) Find(text string) []string {
	lower := strings.ToLower(text)
	var found []string
	for _, name := range s.names {
		for _, n := range s.forms[name] {
			if strings.Contains(text, n) || isHex(n) && strings.Contains(lower, strings.ToLower(n)) {
				found = append(found, name)
				break
			}
		}
	}
	return found
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}

// None fails the test when text, described by what, holds a secret.
func (s *Set) None(what, text string) {
	s.t.Helper()
	if found := s.Find(text); len(found) > 0 {
		s.t.Errorf("%s holds %d secret(s): %s", what, len(found), strings.Join(found, "; "))
	}
}
