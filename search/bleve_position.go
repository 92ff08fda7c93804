package search

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// positionKey holds, inside the embedded index, the last entry of the
// portal's index log that the index has applied (see LogPosition). It is
// written in the same batch as the documents of that entry, so after a
// crash the index and its position agree. An index that was just created
// or reset has none.
const positionKey = "portico_log_position"

// LogPosition is a place in the portal's index log: the last entry an
// index applied, and when that entry was appended (Unix microseconds, as
// the database keeps it; 0 when not known: an index written before it was
// kept, or an empty log). The time tells an entry of this log from one of
// another log with the same id: a database restored from a backup goes on
// from the backup's head, giving the ids the index has applied to other
// changes.
type LogPosition struct {
	Entry int64
	Stamp int64
}

// String encodes the position as kept in the index: "ENTRY@STAMP", or
// "ENTRY" without a stamp (as positions were kept before stamps).
func (p LogPosition) String() string {
	if p.Stamp == 0 {
		return strconv.FormatInt(p.Entry, 10)
	}
	return strconv.FormatInt(p.Entry, 10) + "@" + strconv.FormatInt(p.Stamp, 10)
}

// parseLogPosition decodes String's form.
func parseLogPosition(v string) (LogPosition, error) {
	entry, stamp, hasStamp := strings.Cut(v, "@")
	var p LogPosition
	var err error
	if p.Entry, err = strconv.ParseInt(entry, 10, 64); err != nil {
		return p, err
	}
	if hasStamp {
		if p.Stamp, err = strconv.ParseInt(stamp, 10, 64); err != nil {
			return p, err
		}
	}
	return p, nil
}

// Position returns the last index log entry the index has applied; ok is
// false when the index has recorded none (it is new, was reset, or was
// built before positions were kept).
func (b *Bleve) Position() (position LogPosition, ok bool, err error) {
	if err := b.reopenIfStale(); err != nil {
		return position, false, fmt.Errorf("search index position: %w", err)
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.idx == nil {
		return position, false, b.unavailable("search index position")
	}
	v, err := b.idx.GetInternal([]byte(positionKey))
	if err != nil {
		return position, false, fmt.Errorf("search index position: %w", err)
	}
	if v == nil {
		return position, false, nil
	}
	p, err := parseLogPosition(string(v))
	if err != nil {
		return position, false, fmt.Errorf("search index position %q: %w", v, err)
	}
	return p, true, nil
}

// Apply writes upserts, removes the documents with the ids in deletes and
// records position, all in one batch: either all of it reaches the disk or
// none does. An id in both lists is removed.
func (b *Bleve) Apply(ctx context.Context, position LogPosition, upserts []Document, deletes []string) error {
	for _, d := range upserts {
		if err := validate(d); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("apply to search index: %w", err)
	}
	return b.write("apply to search index", func() error {
		gone := make(map[string]bool, len(deletes))
		for _, id := range deletes {
			gone[id] = true
		}
		batch := b.idx.NewBatch()
		entries := make([]*entry, 0, len(upserts))
		var texts [][]string // what the encoder reads of each entry, as Upsert
		for _, d := range upserts {
			if gone[d.ID] {
				continue
			}
			bd := bleveDoc(d)
			if err := batch.Index(d.ID, bd); err != nil {
				return fmt.Errorf("index api %s: %w", d.ID, err)
			}
			entries = append(entries, entryOf(d))
			texts = append(texts, bd[fMeaning].([]string))
		}
		if b.meaning != nil && len(entries) > 0 {
			b.attachMeaning(entries, texts)
		}
		for _, id := range deletes {
			batch.Delete(id)
		}
		batch.SetInternal([]byte(positionKey), []byte(position.String()))
		if err := b.list.write(func() error { return b.runBatch(batch) }, entries, deletes); err != nil {
			return fmt.Errorf("apply to search index: %w", err)
		}
		b.changed()
		return nil
	})
}
