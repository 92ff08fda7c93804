package search

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/portico-dev/portico/search/encoder"
)

// The embedded index also ranks by meaning: a sentence encoder (search/encoder, Universal Sentence Encoder Lite)
// turns the query and what each API says it does into vectors, whose cosine tells how close they are in meaning
// even when they share no word ("track a parcel" and "follow a shipment"). Measured with the relevance evaluation
// (docs/search-relevance.md, 4–5 December): an API's meaning score is half the cosine of the query with the API's
// own text (name, summary, the description's first sentences, tags) and half the best cosine with one of its
// operations' summaries; the ranking is the words' score over the best words' score of the query plus
// meaningWeight × the meaning score. An API no word matched is a hit when its meaning score reaches meaningFloor.

const (
	// meaningWeight weighs the meaning score against the words' score (which is at most 1 once divided by the best).
	meaningWeight = 3.0
	// meaningFloor is the meaning score an API that no word of the query matched needs to be a hit: on the
	// evaluation's dev queries, about two such hits per query, and none of them ranked above a relevant API that
	// would otherwise be in the first five.
	meaningFloor = 0.45
)

// Meaning holds the sentence vectors of the texts of the indexed APIs, each text once, in memory and in a file: an
// API's text changes rarely, and encoding it takes milliseconds, so a rebuilt index reuses what was encoded before.
// The file is a cache: when it is lost or damaged, the texts are encoded again. It is safe for concurrent use.
type Meaning struct {
	model *encoder.Model
	path  string

	mu    sync.RWMutex
	rows  []float32 // Dim floats per text; rows are only ever appended, so a reader may keep a shorter slice
	byKey map[textKey]int32
	file  *os.File // where new rows are appended; nil for an in-memory cache
	// torn is set when an append failed part-way and the file could not be cut back to its last whole record:
	// nothing more is appended, since the next load stops at the torn record and drops what follows it.
	torn bool

	queries queryCache
	workers int
	log     *slog.Logger

	// writeRecords, when set (tests only), appends records to the file in place of its Write: a fault injected
	// there is one of the disk.
	writeRecords func(f *os.File, b []byte) (int, error)
}

// textKey identifies a text: the first 16 bytes of its SHA-256.
type textKey [16]byte

func keyOf(text string) textKey {
	sum := sha256.Sum256([]byte(text))
	var k textKey
	copy(k[:], sum[:])
	return k
}

// vectorsHeader starts the vectors file: what wrote it, and with which model. A file with another header is
// encoded again, but for one of the first version (vectorsHeaderV1), whose records lack the checksum: it is read and
// rewritten in this one.
const vectorsHeader = "portico sentence vectors 2: universal-sentence-encoder-lite int8, 512 float32 per text, crc32c\n"

// vectorsHeaderV1 started the vectors files written before records had a checksum (recordSizeV1).
const vectorsHeaderV1 = "portico sentence vectors 1: universal-sentence-encoder-lite int8, 512 float32 per text\n"

// recordSize is the size of one record of the vectors file: a text's key, its vector (little-endian float32) and
// the CRC-32C (Castagnoli, little-endian) of both, so that a record cut short or damaged (a crash or a full disk
// while appending, a bad block) is told from a vector and never read as one.
const recordSize = recordSizeV1 + 4

// recordSizeV1 is the size of a record of the first version: a text's key and its vector, no checksum.
const recordSizeV1 = len(textKey{}) + 4*encoder.Dim

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// appendRecord appends the record of k and v to buf.
func appendRecord(buf []byte, k textKey, v []float32) []byte {
	start := len(buf)
	buf = append(buf, k[:]...)
	for _, x := range v {
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(x))
	}
	return binary.LittleEndian.AppendUint32(buf, crc32.Checksum(buf[start:], castagnoli))
}

// maxVectorsFile bounds what is read of a vectors file (a million texts).
const maxVectorsFile = 1 << 20 * int64(recordSize)

// OpenMeaning loads the sentence encoder and the vectors kept at path (created when missing; "" keeps them in
// memory only). It waits while another process has the file open. log (nil: none) hears what the index does with
// the vectors in the background.
func OpenMeaning(path string, log *slog.Logger) (*Meaning, error) {
	return OpenMeaningWaiting(path, log, 0)
}

// OpenMeaningWaiting is OpenMeaning waiting at most lockWait (above zero) for another process to let go of the
// vectors file: ErrLocked after it. Only that wait is bounded, not the work of opening (parsing the encoder's
// weights, reading the vectors), which takes longer on a busy machine.
func OpenMeaningWaiting(path string, log *slog.Logger, lockWait time.Duration) (*Meaning, error) {
	model, err := encoder.Load()
	if err != nil {
		return nil, fmt.Errorf("load the sentence encoder: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := &Meaning{model: model, path: path, byKey: map[textKey]int32{}, workers: max(1, runtime.GOMAXPROCS(0)/2), log: log}
	m.queries.init(queryCacheSize)
	if path == "" {
		return m, nil
	}
	if err := m.load(lockWait); err != nil {
		return nil, err
	}
	return m, nil
}

// load reads the vectors file and opens it for appending. A file that is not a vectors file of this model is
// replaced; one of the first version is rewritten in this one; a last record cut short or damaged (a crash or a full
// disk while appending) is cut, and said so in the log, and its text encoded again when an index needs it.
func (m *Meaning) load(lockWait time.Duration) error {
	if err := os.MkdirAll(filepath.Dir(m.path), 0o755); err != nil {
		return fmt.Errorf("open sentence vectors: %w", err)
	}
	f, err := os.OpenFile(m.path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("open sentence vectors: %w", err)
	}
	if err := lockFile(f, lockWait); err != nil {
		f.Close()
		return fmt.Errorf("lock sentence vectors %s: %w", m.path, err)
	}
	n, version, err := m.read(f)
	if err != nil {
		f.Close()
		return err
	}
	switch {
	case n < 0: // not ours, or empty: start it again
		if err := f.Truncate(0); err != nil {
			f.Close()
			return fmt.Errorf("open sentence vectors: %w", err)
		}
		if _, err := f.WriteAt([]byte(vectorsHeader), 0); err != nil {
			f.Close()
			return fmt.Errorf("open sentence vectors: %w", err)
		}
		n = int64(len(vectorsHeader))
	case version == 1:
		m.file = f
		if err := m.rewrite(m.rows, m.byKey); err != nil {
			m.file = nil
			f.Close()
			return fmt.Errorf("open sentence vectors: %w", err)
		}
		return nil // rewrite left the new file open at its end
	default:
		if err := f.Truncate(n); err != nil {
			f.Close()
			return fmt.Errorf("open sentence vectors: %w", err)
		}
	}
	if _, err := f.Seek(n, io.SeekStart); err != nil {
		f.Close()
		return fmt.Errorf("open sentence vectors: %w", err)
	}
	m.file = f
	return nil
}

// read loads the records of f and returns the length of its whole, undamaged records (-1 when f does not start with
// a header of ours) and the version of its header. It stops at the first record cut short or whose checksum does
// not match, and logs it: the file is cut there.
func (m *Meaning) read(f *os.File) (int64, int, error) {
	r := bufio.NewReaderSize(io.LimitReader(f, maxVectorsFile), 1<<16)
	head, err := r.ReadSlice('\n')
	if err != nil {
		return -1, 0, nil
	}
	version, size := 2, recordSize
	switch string(head) {
	case vectorsHeader:
	case vectorsHeaderV1:
		version, size = 1, recordSizeV1
	default:
		return -1, 0, nil
	}
	n := int64(len(head))
	rec := make([]byte, size)
	for {
		got, err := io.ReadFull(r, rec)
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				if got > 0 {
					m.log.Warn("sentence vectors: a damaged record was cut from the file (cut short, most likely by a crash or a full disk while appending); its text is encoded again",
						"file", m.path, "offset", n, "bytes", got, "record_bytes", size)
				}
				return n, version, nil
			}
			return 0, 0, fmt.Errorf("read sentence vectors: %w", err)
		}
		if version == 2 {
			body := rec[:recordSizeV1]
			if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(rec[recordSizeV1:]) {
				rest, _ := io.Copy(io.Discard, r)
				m.log.Warn("sentence vectors: a damaged record was cut from the file (its checksum does not match), with what follows it; their texts are encoded again",
					"file", m.path, "offset", n, "bytes_cut", int64(size)+rest)
				return n, version, nil
			}
		}
		var k textKey
		copy(k[:], rec)
		v := make([]float32, encoder.Dim)
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(rec[len(k)+4*i:]))
		}
		m.add(k, v)
		n += int64(size)
	}
}

// add appends the vector of k to the rows (m.mu held, or m not shared yet).
func (m *Meaning) add(k textKey, v []float32) int32 {
	if row, ok := m.byKey[k]; ok {
		return row
	}
	row := int32(len(m.rows) / encoder.Dim)
	m.rows = append(m.rows, v...)
	m.byKey[k] = row
	return row
}

// Close closes the vectors file.
func (m *Meaning) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.file == nil {
		return nil
	}
	err := m.file.Close()
	m.file = nil
	return err
}

// lookup returns the row of each text that m has (-1 for the others) and the indexes of the texts it lacks.
func (m *Meaning) lookup(texts []string) (rows []int32, missing []int) {
	rows = make([]int32, len(texts))
	m.mu.RLock()
	defer m.mu.RUnlock()
	for i, t := range texts {
		row, ok := m.byKey[keyOf(t)]
		if !ok {
			row = -1
			missing = append(missing, i)
		}
		rows[i] = row
	}
	return rows, missing
}

// rowsOf returns the row of each text, encoding and keeping the texts it does not have yet, on m.workers cores.
func (m *Meaning) rowsOf(texts []string) ([]int32, error) {
	keys := make([]textKey, len(texts))
	var missing []int
	queued := map[textKey]bool{}
	m.mu.RLock()
	for i, t := range texts {
		keys[i] = keyOf(t)
		if _, ok := m.byKey[keys[i]]; !ok && !queued[keys[i]] {
			queued[keys[i]] = true
			missing = append(missing, i)
		}
	}
	m.mu.RUnlock()
	if len(missing) > 0 {
		vecs := make([][]float32, len(missing))
		var wg sync.WaitGroup
		next := make(chan int)
		for range min(m.workers, len(missing)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range next {
					vecs[j] = m.model.Encode(texts[missing[j]])
				}
			}()
		}
		for j := range missing {
			next <- j
		}
		close(next)
		wg.Wait()
		if err := m.keep(keys, missing, vecs); err != nil {
			return nil, err
		}
	}
	rows := make([]int32, len(texts))
	m.mu.RLock()
	for i, k := range keys {
		rows[i] = m.byKey[k]
	}
	m.mu.RUnlock()
	return rows, nil
}

// keep adds the vectors of the missing texts to the rows and appends them to the file. An append that fails
// part-way (a full disk) is cut from the file, so that the file ends with a whole record still and later appends
// follow it: left there, the torn record would stop the next load, and the records appended after it be encoded
// again. The texts of the failed append stay in memory and are encoded again after a restart.
func (m *Meaning) keep(keys []textKey, missing []int, vecs [][]float32) error {
	var buf []byte
	m.mu.Lock()
	defer m.mu.Unlock()
	for j, i := range missing {
		if _, ok := m.byKey[keys[i]]; ok {
			continue // encoded meanwhile by another upsert
		}
		m.add(keys[i], vecs[j])
		if m.file != nil {
			buf = appendRecord(buf, keys[i], vecs[j])
		}
	}
	if m.file == nil || m.torn || len(buf) == 0 {
		return nil
	}
	end, err := m.file.Seek(0, io.SeekCurrent)
	if err != nil {
		return fmt.Errorf("write sentence vectors: %w", err)
	}
	write := m.file.Write
	if m.writeRecords != nil {
		write = func(b []byte) (int, error) { return m.writeRecords(m.file, b) }
	}
	if _, err := write(buf); err != nil {
		if cerr := m.cut(end); cerr != nil {
			m.torn = true
			return fmt.Errorf("write sentence vectors: %w (and cutting the torn record: %v; no more are appended)", err, cerr)
		}
		return fmt.Errorf("write sentence vectors: %w", err)
	}
	return nil
}

// cut truncates the file to end, the end of its last whole record, and goes on writing there (m.mu held).
func (m *Meaning) cut(end int64) error {
	if err := m.file.Truncate(end); err != nil {
		return err
	}
	_, err := m.file.Seek(end, io.SeekStart)
	return err
}

// compact rewrites the vectors file with the rows of the live keys only, when the others outnumber them (texts of
// APIs since changed or removed) and a thousand, and renumbers the rows (m.mu held; no entry refers to a row yet).
func (m *Meaning) compact(live map[textKey]bool) error {
	n := len(m.byKey)
	if n-len(live) <= max(len(live), minCompact) {
		return nil
	}
	rows := make([]float32, 0, len(live)*encoder.Dim)
	byKey := make(map[textKey]int32, len(live))
	// In the old order, so that the file is rewritten in one pass.
	keys := make([]textKey, n)
	for k, row := range m.byKey {
		keys[row] = k
	}
	for old, k := range keys {
		if !live[k] {
			continue
		}
		byKey[k] = int32(len(rows) / encoder.Dim)
		rows = append(rows, m.rows[old*encoder.Dim:(old+1)*encoder.Dim]...)
	}
	if m.file != nil {
		if err := m.rewrite(rows, byKey); err != nil {
			return fmt.Errorf("compact sentence vectors: %w", err)
		}
	}
	m.rows, m.byKey = rows, byKey
	return nil
}

// rewrite replaces the vectors file with one of the given rows, in their order (m.mu held, or m not shared yet):
// written to a temporary file, locked, synced and renamed into place; m.file is then the new file, open at its end.
func (m *Meaning) rewrite(rows []float32, byKey map[textKey]int32) error {
	keys := make([]textKey, len(byKey))
	for k, row := range byKey {
		keys[row] = k
	}
	buf := make([]byte, 0, len(vectorsHeader)+len(keys)*recordSize)
	buf = append(buf, vectorsHeader...)
	for row, k := range keys {
		buf = appendRecord(buf, k, rows[row*encoder.Dim:(row+1)*encoder.Dim])
	}
	// The new file is locked before it takes the old one's place, so that the path is never unlocked.
	tmp := m.path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	err = lockFile(f, 0)
	if err == nil {
		_, err = f.Write(buf)
	}
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = os.Rename(tmp, m.path)
	}
	if err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	m.file.Close()
	m.file, m.torn = f, false
	return nil
}

// query returns the vector of a query's text, from the cache of recent queries when it is there.
func (m *Meaning) query(text string) []float32 {
	if v, ok := m.queries.get(text); ok {
		return v
	}
	v := m.model.Encode(text)
	m.queries.put(text, v)
	return v
}

// similarities returns the cosine of q with every row (the vectors are unit vectors: their dot product), by row.
func (m *Meaning) similarities(q []float32) []float32 {
	m.mu.RLock()
	rows := m.rows
	m.mu.RUnlock()
	n := len(rows) / encoder.Dim
	out := make([]float32, n)
	if n == 0 {
		return out
	}
	encoder.MatVec(out, rows[:n*encoder.Dim], q)
	return out
}

// meaningScore is an API's meaning score given the cosine of the query with every row: half its text's, half its
// best operation's (its text's alone when it has no operation). rows are the API's: its text's, then its
// operations'.
func meaningScore(rows []int32, sims []float32) float64 {
	if len(rows) == 0 || int(rows[0]) >= len(sims) {
		return 0
	}
	text := float64(sims[rows[0]])
	if len(rows) == 1 {
		return text
	}
	best := float32(-1)
	for _, r := range rows[1:] {
		if int(r) < len(sims) {
			best = max(best, sims[r])
		}
	}
	return 0.5*text + 0.5*float64(best)
}

// meaningTexts are what is encoded of d: its own text first (name, summary, the description's first sentences,
// tags), then what each operation does (its summary, or its description's first sentence, or the words of its
// operation id), each once.
func meaningTexts(d Document) []string {
	summary := oneLine(d.Summary)
	text := oneLine(d.Name) + ". " + summary
	if desc := leadSentences(d.Description, 3, 600); desc != "" && !strings.HasPrefix(desc, summary) {
		text += " " + desc
	} else if desc != "" {
		text = oneLine(d.Name) + ". " + desc
	}
	if tags := compact(d.Tags); len(tags) > 0 {
		text += " Tags: " + strings.Join(tags, ", ") + "."
	}
	texts := []string{text}
	seen := map[string]bool{}
	for _, op := range d.Operations {
		t := operationSummary(op)
		if t == "" && op.OperationID != "" {
			var words []string
			for _, w := range splitWords(op.OperationID) {
				words = append(words, splitCamel(w)...)
			}
			t = strings.ToLower(strings.Join(words, " "))
		}
		if k := strings.ToLower(t); t != "" && !seen[k] {
			seen[k] = true
			texts = append(texts, t)
		}
	}
	return texts
}

// leadSentences is the first n sentences of text on one line, at most max runes.
func leadSentences(text string, n, max int) string {
	text = oneLine(text)
	end := 0
	for range n {
		j := strings.Index(text[end:], ". ")
		if j < 0 {
			end = len(text)
			break
		}
		end += j + 2
	}
	s := strings.TrimSpace(text[:end])
	if r := []rune(s); len(r) > max {
		return string(r[:max])
	}
	return s
}

// minCompact is the number of texts no entry has that a vectors file may keep before it is compacted, whatever the
// number of those it has (a variable for tests).
var minCompact = 1000

// queryCacheSize is the number of recent queries whose vectors are kept.
const queryCacheSize = 1024

// queryCache keeps the vectors of recent queries, the oldest dropped first.
type queryCache struct {
	mu    sync.Mutex
	byKey map[string][]float32
	ring  []string
	next  int
}

func (c *queryCache) init(n int) {
	c.byKey = make(map[string][]float32, n)
	c.ring = make([]string, n)
}

func (c *queryCache) get(text string) ([]float32, bool) {
	if len(c.ring) == 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.byKey[text]
	return v, ok
}

func (c *queryCache) put(text string, v []float32) {
	if len(c.ring) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byKey[text]; ok {
		return
	}
	if old := c.ring[c.next]; old != "" {
		delete(c.byKey, old)
	}
	c.ring[c.next] = text
	c.byKey[text] = v
	c.next = (c.next + 1) % len(c.ring)
}

// attach gives each entry of an index being opened the rows of the texts the vectors file has: the file is first
// rid of the texts no entry has (when they are most of it). It returns the entries some of whose texts it lacks (an
// index built without meaning, a lost file), for the index to encode in the background (encodeQueued).
func (m *Meaning) attach(texts map[*entry][]string) map[*entry][]string {
	live := map[textKey]bool{}
	for _, ts := range texts {
		for _, t := range ts {
			live[keyOf(t)] = true
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.compact(live); err != nil {
		// The file stays as it was, with its dead rows: it is only a cache.
		m.log.Warn("sentence vectors not compacted", "err", err)
	}
	var missing map[*entry][]string
	for e, ts := range texts {
		rows := make([]int32, len(ts))
		for i, t := range ts {
			row, ok := m.byKey[keyOf(t)]
			if !ok {
				rows = nil
				break
			}
			rows[i] = row
		}
		if rows == nil {
			if missing == nil {
				missing = map[*entry][]string{}
			}
			missing[e] = ts
			continue
		}
		if len(rows) > 0 {
			e.meaning = rows
		}
	}
	return missing
}
