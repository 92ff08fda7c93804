package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// SortKey is the key the store orders lists of names by (teams, APIs,
// plans, apps, gateway nodes, instances), kept in the sort_key column of
// the tables whose lists are paged. SQLite compares text byte by byte
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
// digits (sortKeyPunctuation), and with each run of ASCII digits written
// as its count of significant digits then the digits: so "_a" < "1" <
// "alpha" < "Beta", "eagle" < "Émile" < "zeta", "api 2" < "api 10".
// Letters that do not decompose to ASCII ones (ø, Greek, Cyrillic, …)
// follow the ASCII letters, by code point. Names alike in their
// primary form ("Emile", "emile", "Émile") follow by their bytes: the
// plain letter before the accented one. The primary form is cut at
// sortKeyPrimaryMax bytes (SortKeyMax), so that the key fits a PostgreSQL index entry
// whatever the name; equal keys follow by id.
//
// Not golang.org/x/text/collate: its keys (binary, longer) change with the
// CLDR tables of each x/text release, which would leave the stored keys of
// existing rows in another order than the keys computed for new rows and
// cursors after an upgrade of the module; case folding, NFKD and the digit
// runs change only with a character's Unicode properties.
func SortKey(name string) string {
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
			if b.Len()+len(count)+len(digits) > sortKeyPrimaryMax {
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
		if j := strings.IndexRune(sortKeyPunctuation, r); j >= 0 && r < utf8.RuneSelf {
			r = rune(sortKeySeparator + 1 + j)
		}
		if b.Len()+utf8.RuneLen(r) > sortKeyPrimaryMax {
			break
		}
		b.WriteRune(r)
	}
	b.WriteByte(sortKeySeparator)
	b.WriteString(name)
	return b.String()
}

// sortKeySeparator ends a key's primary form: below every character the
// primary form keeps (control characters are left out of it), so that a
// name sorts before the longer names it begins.
const sortKeySeparator = '\x01'

// sortKeyPunctuation is the ASCII space and punctuation in byte order,
// which the primary form writes as the bytes just above the separator
// (U+0002 for the space to U+0022 for "~"): below the digits and letters,
// as people expect ("_tools" and "(beta)" before "1st" and "alpha"), where
// in ASCII some come between the digits and the letters, some after.
const sortKeyPunctuation = " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

// sortKeyPrimaryMax bounds the primary form of a sort key, in bytes: with
// the separator and the longest name (200 characters of up to 4 bytes),
// the key stays far below PostgreSQL's largest index entry (2704 bytes).
const sortKeyPrimaryMax = 400

// SortKeyMax is the longest sort key of a name of nameBytes bytes.
func SortKeyMax(nameBytes int) int { return sortKeyPrimaryMax + 1 + nameBytes }

// sortKeyTables are the tables with a sort_key column, the key of their
// name column.
var sortKeyTables = []string{"teams", "apis", "plans", "apps"}

// RefreshSortKeys computes again the sort_key of the rows whose key is
// missing or stale: rows of before the column (the migration adds it
// empty), or inserted (empty) or renamed (the key of the previous name)
// by an instance that does not know it, during a rolling upgrade. Until
// then such a row sorts by the key it has: an empty key before every
// other, its id among them; the order stays total and the pages stay
// exact. Migrate runs it after the migrations, and each portal instance
// every TeamNameKeysInterval. It returns how many keys it set.
//
// A key is found stale when it does not end with the separator and the
// name, which SQL can tell; the key is then computed again here. A row
// renamed meanwhile is left to the next run.
func (s *Store) RefreshSortKeys(ctx context.Context) (int, error) {
	done := 0
	suffix := "substr(sort_key, length(sort_key) - length(name))"
	if s.dialect == PostgreSQL {
		suffix += ` COLLATE "C"`
	}
	for _, table := range sortKeyTables {
		lastID := int64(0)
		for {
			var rows []struct {
				ID      int64  `bun:"id"`
				Name    string `bun:"name"`
				SortKey string `bun:"sort_key"`
			}
			err := s.db.NewSelect().Table(table).Column("id", "name", "sort_key").
				Where("sort_key = '' OR "+suffix+" <> ? || name", string(rune(sortKeySeparator))).
				Where("id > ?", lastID).OrderExpr("id").Limit(500).Scan(ctx, &rows)
			if err != nil {
				return done, fmt.Errorf("refresh sort keys of %s: %w", table, translate(err))
			}
			if len(rows) == 0 {
				break
			}
			for _, r := range rows {
				lastID = r.ID
				key := SortKey(r.Name)
				if key == r.SortKey {
					continue
				}
				res, err := s.db.NewUpdate().Table(table).Set("sort_key = ?", key).
					Where("id = ? AND name = ?", r.ID, r.Name).Exec(ctx)
				if err != nil {
					return done, fmt.Errorf("refresh sort keys of %s: %w", table, translate(err))
				}
				if n, err := res.RowsAffected(); err == nil {
					done += int(n)
				}
			}
		}
	}
	return done, nil
}

// bytewise is col compared byte by byte: as it is on SQLite, and with the
// "C" collation on PostgreSQL, whatever the database's collation. For
// columns of ASCII text (usernames), whose bytes are their natural order.
func (s *Store) bytewise(col string) string {
	if s.dialect == PostgreSQL {
		return col + ` COLLATE "C"`
	}
	return col
}

// sortByName sorts the rows of a short list read whole by SortKey of their
// name, then id: the order of the lists kept in sort_key.
func sortByName[T any](rows []T, nameID func(T) (string, int64)) {
	type keyed struct {
		key string
		id  int64
		row T
	}
	ks := make([]keyed, len(rows))
	for i, r := range rows {
		name, id := nameID(r)
		ks[i] = keyed{SortKey(name), id, r}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		return cmp.Or(strings.Compare(a.key, b.key), cmp.Compare(a.id, b.id))
	})
	for i := range ks {
		rows[i] = ks[i].row
	}
}
