package search

import (
	"context"
	"sync"
	"time"
)

// Encoding what an API says takes milliseconds per text: a few for a change of one API, minutes for a whole catalog
// (10,000 APIs with 100,000 operations) or an index opened without its vectors. A change with few new texts is
// encoded as it is indexed; a larger one is indexed by its words at once, so that the index is built (and the portal
// ready) as fast as without meaning, and its texts are encoded in the background: until then those APIs rank by
// their words alone.

// syncEncodeTexts is the most new texts an upsert encodes before it returns; more are encoded in the background.
const syncEncodeTexts = 64

// encodeBatch is the number of APIs the background encodes before their vectors are used.
const encodeBatch = 50

// meaningQueue holds the entries whose vectors are still to be encoded, with their texts.
type meaningQueue struct {
	mu      sync.Mutex
	pending map[*entry][]string
	busy    int           // entries taken from pending and being encoded
	wake    chan struct{} // a token when pending gained entries
}

func (q *meaningQueue) add(es map[*entry][]string) {
	if len(es) == 0 {
		return
	}
	q.mu.Lock()
	if q.pending == nil {
		q.pending = map[*entry][]string{}
	}
	for e, ts := range es {
		q.pending[e] = ts
	}
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// take removes up to n entries from pending and counts them as busy until done.
func (q *meaningQueue) take(n int) map[*entry][]string {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make(map[*entry][]string, min(n, len(q.pending)))
	for e, ts := range q.pending {
		if len(out) == n {
			break
		}
		out[e] = ts
		delete(q.pending, e)
	}
	q.busy += len(out)
	return out
}

func (q *meaningQueue) done(n int) {
	q.mu.Lock()
	q.busy -= n
	q.mu.Unlock()
}

// waiting is the number of entries still to be encoded.
func (q *meaningQueue) waiting() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.pending) + q.busy
}

// attachMeaning gives entries (new, not in the listing yet) the rows of their texts (meaningTexts, by entry): at
// once when the vectors file has them all or the batch has few new ones (which are encoded now), else through the
// background.
func (b *Bleve) attachMeaning(entries []*entry, texts [][]string) {
	var all []string
	for _, ts := range texts {
		all = append(all, ts...)
	}
	rows, missing := b.meaning.lookup(all)
	if len(missing) > 0 && len(missing) <= syncEncodeTexts {
		if encoded, err := b.meaning.rowsOf(all); err == nil {
			rows = encoded
		} else {
			b.meaning.log.Warn("encoding the meaning of APIs failed: retried in the background", "err", err)
		}
	}
	later := map[*entry][]string{}
	off := 0
	for i, e := range entries {
		n := len(texts[i])
		own := rows[off : off+n : off+n]
		off += n
		if n == 0 {
			continue
		}
		known := true
		for _, r := range own {
			known = known && r >= 0
		}
		if known {
			e.meaning = own
		} else {
			later[e] = texts[i]
		}
	}
	b.queue.add(later)
}

// encodeQueued encodes the queued entries' texts, a batch of APIs at a time, and gives each entry its rows, until the
// index closes.
func (b *Bleve) encodeQueued() {
	defer b.background.Done()
	log := b.meaning.log
	for {
		select {
		case <-b.stop:
			return
		case <-b.queue.wake:
		}
		began, apis := time.Now(), 0
		if n := b.queue.waiting(); n >= encodeBatch {
			log.Info("encoding the meaning of APIs in the background; until then they rank by their words", "apis", n)
		}
		for {
			select {
			case <-b.stop:
				return
			default:
			}
			batch := b.queue.take(encodeBatch)
			if len(batch) == 0 {
				break
			}
			entries := make([]*entry, 0, len(batch))
			var texts []string
			for e, ts := range batch {
				entries = append(entries, e)
				texts = append(texts, ts...)
			}
			rows, err := b.meaning.rowsOf(texts)
			if err != nil {
				log.Error("encoding the meaning of APIs failed: they rank by their words until they change or the index is rebuilt", "apis", len(batch), "err", err)
				b.queue.done(len(batch))
				continue
			}
			b.list.mu.Lock()
			for _, e := range entries {
				n := len(batch[e])
				e.meaning, rows = rows[:n:n], rows[n:]
			}
			b.list.gen++ // the searches' table of documents copies the rows (docEntries)
			b.list.mu.Unlock()
			b.changed()
			b.queue.done(len(batch))
			apis += len(batch)
		}
		if apis >= encodeBatch {
			log.Info("encoded the meaning of APIs", "apis", apis, "took", time.Since(began).Round(time.Millisecond))
		}
	}
}

// RanksByMeaning reports whether b was opened WithMeaning.
func (b *Bleve) RanksByMeaning() bool { return b.meaning != nil }

// MeaningPending is the number of indexed APIs whose vectors are still to be encoded in the background (0 without
// meaning): until they are, those APIs rank by their words alone.
func (b *Bleve) MeaningPending() int {
	if b.meaning == nil {
		return 0
	}
	return b.queue.waiting()
}

// WaitMeaning waits until the vectors of every indexed API are encoded (see WithMeaning), or ctx is done. Without
// meaning it returns at once. A command that rebuilds the index calls it before it closes the index, so that the
// vectors file holds them all.
func (b *Bleve) WaitMeaning(ctx context.Context) error {
	if b.meaning == nil {
		return nil
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for b.queue.waiting() > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
	return nil
}
