// Package sortkey computes the key that lists of names are ordered by:
// the store's lists (kept in their sort_key columns) and the search
// backends' sort by name, so that the catalog sorted by name comes in the
// order of every other list.
package sortkey

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Of returns the key lists of names are ordered by: the store's (teams,
// APIs, plans, apps, gateway nodes, instances), kept in the sort_key
// column of the tables whose lists are paged, and the catalog's sorted by
// name (package search), compared byte by byte. SQLite compares text byte by byte
// ("Zeta" before "alpha", "Émile" after "zeta"), PostgreSQL by its
// locale's collation, so neither orders a name column the way the other
// does; the key, computed here and compared byte by byte on both, gives
// both one order, and a page's cursor (name, id) the same order as the
// ORDER BY.
//
// The key is the name's primary form, a separator (U+0001) and the name
// itself. The primary form is the name in compatibility decomposition
// (NFKD), case-folded, without its accents, invisible format characters
// and control characters, with the ASCII space and punctuation before the
// digits (punctuation), and with each run of ASCII digits written
// as its count of significant digits then the digits: so "_a" < "1" <
// "alpha" < "Beta", "eagle" < "Émile" < "zeta", "api 2" < "api 10".
// Letters that do not decompose to ASCII ones (ø, Greek, Cyrillic, …)
// follow the ASCII letters, by code point. Names alike in their
// primary form ("Emile", "emile", "Émile") follow by their bytes: the
// plain letter before the accented one. The primary form is cut at
// primaryMax bytes (Max), so that the key fits a PostgreSQL index entry
// whatever the name; equal keys follow by id.
//
// Not golang.org/x/text/collate: its keys (binary, longer) change with the
// CLDR tables of each x/text release, which would leave the stored keys of
// existing rows in another order than the keys computed for new rows and
// cursors after an upgrade of the module; case folding, NFKD and the digit
// runs change only with a character's Unicode properties.
func Of(name string) string {
	folded := norm.NFKD.String(cases.Fold().String(norm.NFKD.String(name)))
	var b strings.Builder
	b.Grow(len(folded) + 1 + len(name))
	for i := 0; i < len(folded); {
		r, size := utf8.DecodeRuneInString(folded[i:])
		if r >= '0' && r <= '9' {
			j := i
			for j < len(folded) && folded[j] >= '0' && folded[j] <= '9' {
				j++
			}
			digits := strings.TrimLeft(folded[i:j], "0")
			if digits == "" {
				digits = "0"
			}
			digits = digits[:min(len(digits), 999)]
			var count string
			if n := len(digits); n <= 8 {
				count = string(rune('0' + n))
			} else {
				count = fmt.Sprintf("9%03d", n)
			}
			if b.Len()+len(count)+len(digits) > primaryMax {
				break
			}
			b.WriteString(count)
			b.WriteString(digits)
			i = j
			continue
		}
		i += size
		if unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Cc) || r == utf8.RuneError {
			continue
		}
		if j := strings.IndexRune(punctuation, r); j >= 0 && r < utf8.RuneSelf {
			r = rune(Separator + 1 + j)
		}
		if b.Len()+utf8.RuneLen(r) > primaryMax {
			break
		}
		b.WriteRune(r)
	}
	b.WriteByte(Separator)
	b.WriteString(name)
	return b.String()
}

// Separator ends a key's primary form: below every character the
// primary form keeps (control characters are left out of it), so that a
// name sorts before the longer names it begins.
const Separator = '\x01'

// punctuation is the ASCII space and punctuation in byte order,
// which the primary form writes as the bytes just above the separator
// (U+0002 for the space to U+0022 for "~"): below the digits and letters,
// as people expect ("_tools" and "(beta)" before "1st" and "alpha"), where
// in ASCII some come between the digits and the letters, some after.
const punctuation = " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

// primaryMax bounds the primary form of a sort key, in bytes: with
// the separator and the longest name (200 characters of up to 4 bytes),
// the key stays far below PostgreSQL's largest index entry (2704 bytes).
const primaryMax = 400

// Max is the longest sort key of a name of nameBytes bytes.
func Max(nameBytes int) int { return primaryMax + 1 + nameBytes }
