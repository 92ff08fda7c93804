package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/portico-dev/portico/sortkey"
)

// SortKey is the key the store orders lists of names by (teams, APIs,
// plans, apps, gateway nodes, instances), kept in the sort_key column of
// the tables whose lists are paged: sortkey.Of, which the search backends
// sort the catalog by too.
func SortKey(name string) string { return sortkey.Of(name) }

// SortKeyMax is the longest sort key of a name of nameBytes bytes.
func SortKeyMax(nameBytes int) int { return sortkey.Max(nameBytes) }

// sortKeySeparator ends a key's primary form (sortkey.Separator).
const sortKeySeparator = sortkey.Separator

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
			// One statement for the page's stale keys: a statement (and
			// a commit) per row took minutes for the tens of thousands of
			// rows a migration leaves without a key. A row renamed since
			// it was read keeps its key, for the next run.
			var values strings.Builder
			args := make([]any, 0, 3*len(rows))
			for _, r := range rows {
				lastID = r.ID
				key := SortKey(r.Name)
				if key == r.SortKey {
					continue
				}
				if len(args) > 0 {
					values.WriteString(", ")
				}
				values.WriteString("(?, ?, ?)")
				args = append(args, r.ID, r.Name, key)
			}
			if len(args) == 0 {
				continue
			}
			res, err := s.db.NewRaw("WITH v (id, name, sort_key) AS (VALUES "+values.String()+")"+
				" UPDATE "+table+" SET sort_key = v.sort_key FROM v WHERE "+table+".id = v.id AND "+table+".name = v.name",
				args...).Exec(ctx)
			if err != nil {
				return done, fmt.Errorf("refresh sort keys of %s: %w", table, translate(err))
			}
			if n, err := res.RowsAffected(); err == nil {
				done += int(n)
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
