// Package lookalike says when two display names read alike: a team named
// "search" with a zero-width space reads as "Search". Pages name such teams
// with their slugs, which differ; the store keeps each team's key, so that
// one indexed read finds a team's lookalikes.
package lookalike

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// ReadsAs is how a name reads: compatibility-normalised, without format
// characters (zero-width spaces and joiners, direction marks), with its
// runs of spaces as one, in lower case. Lower case is normalised again: a
// letter lowered can leave a sequence that composes ("İ" and an acute
// lower to "i" and the acute, which is "í"), and what a name reads as must
// read as itself, or the name written as it reads would have another Key.
func ReadsAs(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFKC.String(s) {
		switch {
		case unicode.Is(unicode.Cf, r):
			continue
		case unicode.IsSpace(r):
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return norm.NFKC.String(b.String())
}

// Key is ReadsAs(s) hashed: 64 hexadecimal digits, equal for two names
// that read alike. A column of keys has one short width (a name of 200
// characters may normalise to thousands, longer than an index entry may
// be).
func Key(s string) string {
	sum := sha256.Sum256([]byte(ReadsAs(s)))
	return hex.EncodeToString(sum[:])
}
