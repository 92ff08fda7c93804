package gateway

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Head names one configuration: its version and its hash (hex SHA-256).
type Head struct {
	Version uint64 `json:"version"`
	Hash    string `json:"hash"`
}

// State is one immutable configuration, indexed for the data plane's lookups
// and for re-hashing cheaply after a delta. Build one with NewState,
// DecodeSnapshot or Apply; never modify what its accessors return.
//
// Its hash (schema 2) is a SHA-256 tree over the items' canonical encodings,
// so that a delta re-hashes only what it touches:
//
//   - an item's digest is the SHA-256 of its canonical encoding: the compact
//     JSON that encoding/json writes for its Go type (fields in declaration
//     order, empty optional fields omitted, times as RFC 3339 in UTC);
//   - an item belongs to bucket b, the first byte of the SHA-256 of its id
//     (a route's id is "{api}/v{major}");
//   - a bucket's digest is the SHA-256 of its items' digests (32 bytes each)
//     concatenated in id order (bytewise); an empty bucket's is SHA-256("");
//   - a section's (routes, plans, keys) digest is the SHA-256 of its 256
//     bucket digests concatenated in bucket order;
//   - the state's hash is the SHA-256 of the ASCII text
//     {"schema":2,"version":V} followed by the routes', plans' and keys'
//     digests (96 bytes).
//
// A wire snapshot is {"schema":2,"version":V,"hash":"…","routes":[…],
// "plans":[…],"keys":[…]} with each section sorted by id. Snapshots and
// deltas of schema 1 (written by earlier portals and nodes) are still read:
// their hash is the SHA-256 of the whole compact document
// {"schema":1,"version":V,"routes":[…],"plans":[…],"keys":[…]}, sections
// sorted by id; a state read from one keeps that hash and schema until a
// schema-2 delta derives the next one.
type State struct {
	head   Head
	schema int
	routes section[Route]
	plans  section[Plan]
	keys   section[Key]
	// byHash finds a key by the SHA-256 of the key presented, sharded by
	// its first byte so that a delta copies only the shards it touches.
	byHash *[nBuckets]map[[32]byte]*entry[Key]
}

// nBuckets is how many buckets a section's hash tree has.
const nBuckets = 256

type entry[T any] struct {
	id  string
	v   T
	sum [32]byte // SHA-256 of the canonical encoding of v
	b   uint8    // bucket: first byte of SHA-256(id)
}

// section is one collection of items, sorted by id, in buckets.
type section[T any] struct {
	items   []*entry[T] // all of them, sorted by id, bytewise
	buckets *[nBuckets]bucket[T]
	sum     [32]byte
}

type bucket[T any] struct {
	items []*entry[T] // sorted by id
	byID  map[string]*entry[T]
	sum   [32]byte
}

// kind is what the generic code needs to know of an item type.
type kind[T any] struct {
	name     string
	id       func(*T) string
	validate func(T) error
	encode   func([]byte, *T) []byte
}

var (
	routeKind = kind[Route]{"route", func(r *Route) string { return r.ID() }, Route.Validate, appendRoute}
	planKind  = kind[Plan]{"plan", func(p *Plan) string { return p.ID }, Plan.Validate, appendPlan}
	keyKind   = kind[Key]{"key", func(k *Key) string { return k.ID }, Key.Validate, appendKey}
)

// bucketOf is the bucket of an item id.
func bucketOf(id string) uint8 {
	h := sha256.Sum256([]byte(id))
	return h[0]
}

func (k kind[T]) entry(v T, buf []byte) (*entry[T], []byte) {
	buf = k.encode(buf[:0], &v)
	id := k.id(&v)
	return &entry[T]{id: id, v: v, sum: sha256.Sum256(buf), b: bucketOf(id)}, buf
}

func byEntryID[T any](a, b *entry[T]) int { return strings.Compare(a.id, b.id) }

var emptySum = sha256.Sum256(nil)

// hashBucket computes a bucket's digest from its sorted items.
func (b *bucket[T]) hash() {
	if len(b.items) == 0 {
		b.sum = emptySum
		return
	}
	h := sha256.New()
	for _, e := range b.items {
		h.Write(e.sum[:])
	}
	h.Sum(b.sum[:0])
}

// hash computes the section's digest from its buckets' digests.
func (sec *section[T]) hash() {
	var buf [nBuckets * 32]byte
	for i := range sec.buckets {
		copy(buf[i*32:], sec.buckets[i].sum[:])
	}
	sec.sum = sha256.Sum256(buf[:])
}

func (sec *section[T]) get(id string) *entry[T] {
	return sec.buckets[bucketOf(id)].byID[id]
}

// build validates and indexes items into a section.
func build[T any](k kind[T], items []T) (section[T], error) {
	s := section[T]{items: make([]*entry[T], 0, len(items)), buckets: new([nBuckets]bucket[T])}
	var buf []byte
	for i := range items {
		if err := k.validate(items[i]); err != nil {
			return s, err
		}
		var e *entry[T]
		e, buf = k.entry(items[i], buf)
		s.items = append(s.items, e)
	}
	slices.SortFunc(s.items, byEntryID)
	counts := make([]int, nBuckets)
	for i, e := range s.items {
		if i > 0 && s.items[i-1].id == e.id {
			return s, fmt.Errorf("%s %q appears twice", k.name, e.id)
		}
		counts[e.b]++
	}
	for i := range s.buckets {
		s.buckets[i].items = make([]*entry[T], 0, counts[i])
		s.buckets[i].byID = make(map[string]*entry[T], counts[i])
	}
	for _, e := range s.items { // in id order, so each bucket is too
		b := &s.buckets[e.b]
		b.items = append(b.items, e)
		b.byID[e.id] = e
	}
	for i := range s.buckets {
		s.buckets[i].hash()
	}
	s.hash()
	return s, nil
}

// NewState builds and hashes the configuration at version from its items, in
// any order. It refuses invalid items, repeated ids or key hashes, and keys
// whose plan is missing.
func NewState(version uint64, routes []Route, plans []Plan, keys []Key) (*State, error) {
	s, err := newState(version, routes, plans, keys)
	if err != nil {
		return nil, err
	}
	s.head.Hash = s.treeHash()
	return s, nil
}

// newState is NewState without the hash.
func newState(version uint64, routes []Route, plans []Plan, keys []Key) (*State, error) {
	if version == 0 {
		return nil, errors.New("version must be at least 1")
	}
	rs, err := build(routeKind, routes)
	if err != nil {
		return nil, err
	}
	ps, err := build(planKind, plans)
	if err != nil {
		return nil, err
	}
	ks, err := build(keyKind, keys)
	if err != nil {
		return nil, err
	}
	s := &State{head: Head{Version: version}, schema: Schema, routes: rs, plans: ps, keys: ks, byHash: new([nBuckets]map[[32]byte]*entry[Key])}
	for i := range s.byHash {
		s.byHash[i] = make(map[[32]byte]*entry[Key], len(keys)/nBuckets+1)
	}
	for _, e := range ks.items {
		if err := s.indexKey(e); err != nil {
			return nil, err
		}
		if ps.get(e.v.Plan) == nil {
			return nil, fmt.Errorf("key %q: plan %q is not in the snapshot", e.id, e.v.Plan)
		}
	}
	return s, nil
}

func keyHashOf(e *entry[Key]) ([32]byte, error) {
	var h [32]byte
	if _, err := hex.Decode(h[:], []byte(e.v.Hash)); err != nil {
		return h, fmt.Errorf("key %q: hash is not hex", e.v.ID)
	}
	return h, nil
}

func (s *State) indexKey(e *entry[Key]) error {
	h, err := keyHashOf(e)
	if err != nil {
		return err
	}
	if _, dup := s.byHash[h[0]][h]; dup {
		return fmt.Errorf("key %q: another key has the same hash", e.v.ID)
	}
	s.byHash[h[0]][h] = e
	return nil
}

// treeHash is the schema-2 hash of the state (see State).
func (s *State) treeHash() string {
	h := sha256.New()
	io.WriteString(h, `{"schema":2,"version":`+strconv.FormatUint(s.head.Version, 10)+`}`)
	h.Write(s.routes.sum[:])
	h.Write(s.plans.sum[:])
	h.Write(s.keys.sum[:])
	return hex.EncodeToString(h.Sum(nil))
}

// legacyHash is the schema-1 hash: the SHA-256 of the whole document.
func (s *State) legacyHash() string {
	h := sha256.New()
	s.write(h, 1, "")
	return hex.EncodeToString(h.Sum(nil))
}

// Schema returns the schema by which the state's hash is defined: 2, or 1
// for a state read from a schema-1 snapshot or delta.
func (s *State) Schema() int { return s.schema }

// Head returns the version and hash.
func (s *State) Head() Head { return s.head }

// Version returns the version.
func (s *State) Version() uint64 { return s.head.Version }

// Hash returns the state's hash (hex SHA-256; see State for its definition).
func (s *State) Hash() string { return s.head.Hash }

// Counts returns how many routes, plans and keys the state holds.
func (s *State) Counts() (routes, plans, keys int) {
	return len(s.routes.items), len(s.plans.items), len(s.keys.items)
}

// Route returns the route with the given id ("{api}/v{major}").
func (s *State) Route(id string) (*Route, bool) {
	e := s.routes.get(id)
	if e == nil {
		return nil, false
	}
	return &e.v, true
}

// Plan returns the plan with the given id.
func (s *State) Plan(id string) (*Plan, bool) {
	e := s.plans.get(id)
	if e == nil {
		return nil, false
	}
	return &e.v, true
}

// KeyByHash returns the key whose SHA-256 is h.
func (s *State) KeyByHash(h [32]byte) (*Key, bool) {
	e, ok := s.byHash[h[0]][h]
	if !ok {
		return nil, false
	}
	return &e.v, true
}

// Key returns the key with the given id.
func (s *State) Key(id string) (*Key, bool) {
	e := s.keys.get(id)
	if e == nil {
		return nil, false
	}
	return &e.v, true
}

// SameRoutes reports whether s and o hold the very same routes (o was
// derived from s, or s from o, by deltas that did not touch a route), so
// that what was prepared for o's routes serves s's as they are.
func (s *State) SameRoutes(o *State) bool {
	return o != nil && s.routes.buckets == o.routes.buckets
}

func (sec *section[T]) all() iter.Seq[*T] {
	return func(yield func(*T) bool) {
		for _, e := range sec.items {
			if !yield(&e.v) {
				return
			}
		}
	}
}

// Routes yields the routes in id order.
func (s *State) Routes() iter.Seq[*Route] { return s.routes.all() }

// Plans yields the plans in id order.
func (s *State) Plans() iter.Seq[*Plan] { return s.plans.all() }

// Keys yields the keys in id order.
func (s *State) Keys() iter.Seq[*Key] { return s.keys.all() }

// write writes the document of schema (with a hash, the wire snapshot).
func (s *State) write(w io.Writer, schema int, hash string) error {
	ew := &errWriter{w: w}
	ew.str(`{"schema":` + strconv.Itoa(schema) + `,"version":` + strconv.FormatUint(s.head.Version, 10))
	if hash != "" {
		ew.str(`,"hash":"` + hash + `"`)
	}
	ew.str(`,"routes":[`)
	writeItems(ew, routeKind, &s.routes)
	ew.str(`],"plans":[`)
	writeItems(ew, planKind, &s.plans)
	ew.str(`],"keys":[`)
	writeItems(ew, keyKind, &s.keys)
	ew.str(`]}`)
	return ew.err
}

func writeItems[T any](ew *errWriter, k kind[T], sec *section[T]) {
	buf := make([]byte, 0, 512)
	for i, e := range sec.items {
		buf = buf[:0]
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = k.encode(buf, &e.v)
		ew.bytes(buf)
	}
}

// WriteSnapshot writes the state as a wire snapshot (its items with its
// schema and hash), the form DecodeSnapshot reads.
func (s *State) WriteSnapshot(w io.Writer) error { return s.write(w, s.schema, s.head.Hash) }

// EncodeSnapshot returns the wire snapshot.
func (s *State) EncodeSnapshot() []byte {
	var b bytes.Buffer
	r, p, k := s.Counts()
	b.Grow(256 + 128*r + 64*p + 256*k) // about the encodings' sizes: grown once
	s.WriteSnapshot(&b)
	return b.Bytes()
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) bytes(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}

func (e *errWriter) str(s string) {
	if e.err == nil {
		_, e.err = io.WriteString(e.w, s)
	}
}

// applyChanges applies upserts and deletes to a copy of sec: the buckets
// the changes touch are copied and re-hashed, the others shared. Deleting an
// id that is absent is allowed (a change log may name items created and
// deleted since the base); naming one id twice is not. It returns the new
// section, the entries replaced or removed, and those added or replaced.
func applyChanges[T any](k kind[T], sec section[T], ch Changes[T]) (section[T], []*entry[T], []*entry[T], error) {
	if len(ch.Upsert) == 0 && len(ch.Delete) == 0 {
		return sec, nil, nil, nil
	}
	// named maps every id the changes name to its new entry (nil: deleted).
	named := make(map[string]*entry[T], len(ch.Upsert)+len(ch.Delete))
	var removed, added []*entry[T]
	for _, id := range ch.Delete {
		if _, dup := named[id]; dup {
			return sec, nil, nil, fmt.Errorf("delta names %s %.130q twice", k.name, id)
		}
		named[id] = nil
		if old := sec.get(id); old != nil {
			removed = append(removed, old)
		}
	}
	fresh := 0 // ids new to the section
	var buf []byte
	for i := range ch.Upsert {
		if err := k.validate(ch.Upsert[i]); err != nil {
			return sec, nil, nil, err
		}
		var e *entry[T]
		e, buf = k.entry(ch.Upsert[i], buf)
		if _, dup := named[e.id]; dup {
			return sec, nil, nil, fmt.Errorf("delta names %s %q twice", k.name, e.id)
		}
		named[e.id] = e
		if old := sec.get(e.id); old != nil {
			removed = append(removed, old)
		} else {
			fresh++
		}
		added = append(added, e)
	}
	out := section[T]{buckets: new([nBuckets]bucket[T])}
	*out.buckets = *sec.buckets
	touched := make(map[uint8]bool)
	for id, e := range named {
		b := bucketOf(id)
		nb := &out.buckets[b]
		if !touched[b] {
			touched[b] = true
			nb.byID = maps.Clone(nb.byID)
			if nb.byID == nil {
				nb.byID = map[string]*entry[T]{}
			}
		}
		if e == nil {
			delete(nb.byID, id)
		} else {
			nb.byID[id] = e
		}
	}
	for b := range touched {
		nb := &out.buckets[b]
		nb.items = slices.SortedFunc(maps.Values(nb.byID), byEntryID)
		nb.hash()
	}
	out.hash()
	// The whole section in order: the old items copied in runs between
	// the ids the changes name (found by binary search), each named id
	// replaced by its new entry, dropped, or inserted in place.
	ids := slices.Sorted(maps.Keys(named))
	items := make([]*entry[T], 0, len(sec.items)+fresh)
	from := 0
	for _, id := range ids {
		at, found := slices.BinarySearchFunc(sec.items[from:], id, func(e *entry[T], id string) int { return strings.Compare(e.id, id) })
		items = append(items, sec.items[from:from+at]...)
		from += at
		if found {
			from++ // replaced or deleted
		}
		if e := named[id]; e != nil {
			items = append(items, e)
		}
	}
	out.items = append(items, sec.items[from:]...)
	return out, removed, added, nil
}

// DeltaFrom returns the delta that takes a node from base to s, given the
// ids of the routes, plans and keys changed since base: each gets its value
// in s, or a delete when s no longer has it.
func (s *State) DeltaFrom(base Head, routes, plans, keys map[string]bool) *Delta {
	d := &Delta{Schema: s.Schema(), BaseVersion: base.Version, BaseHash: base.Hash, Version: s.Version(), Hash: s.Hash()}
	for id := range routes {
		if r, ok := s.Route(id); ok {
			d.Routes.Upsert = append(d.Routes.Upsert, *r)
		} else {
			d.Routes.Delete = append(d.Routes.Delete, id)
		}
	}
	for id := range plans {
		if p, ok := s.Plan(id); ok {
			d.Plans.Upsert = append(d.Plans.Upsert, *p)
		} else {
			d.Plans.Delete = append(d.Plans.Delete, id)
		}
	}
	for id := range keys {
		if k, ok := s.Key(id); ok {
			d.Keys.Upsert = append(d.Keys.Upsert, *k)
		} else {
			d.Keys.Delete = append(d.Keys.Delete, id)
		}
	}
	return d
}

// Apply returns the state that d makes of s. It refuses a delta whose base is
// not s, whose items are invalid, or whose result does not hash to d.Hash;
// s itself never changes. The result's hash is computed by d's schema: a
// schema-2 delta re-hashes only the buckets it touches.
func (s *State) Apply(d *Delta) (*State, error) {
	n, err := s.derive(d)
	if err != nil {
		return nil, err
	}
	if n.head.Hash != d.Hash {
		return nil, fmt.Errorf("hash mismatch: version %d computes to %.12s…, the delta says %.12s…", d.Version, n.head.Hash, d.Hash)
	}
	return n, nil
}

// Derive is Apply for the side that makes changes: it applies d whatever
// d.Hash says and returns the new state, whose Hash the maker then records in
// the delta it sends.
func (s *State) Derive(d *Delta) (*State, error) { return s.derive(d) }

func (s *State) derive(d *Delta) (*State, error) {
	if d.Schema != Schema && d.Schema != 1 {
		return nil, fmt.Errorf("delta schema %d is not supported (this node reads schemas 1 and %d)", d.Schema, Schema)
	}
	if d.BaseVersion != s.head.Version || d.BaseHash != s.head.Hash {
		return nil, fmt.Errorf("delta applies to version %d (%.12s…), the node has version %d (%.12s…)", d.BaseVersion, d.BaseHash, s.head.Version, s.head.Hash)
	}
	if d.Version <= d.BaseVersion {
		return nil, fmt.Errorf("delta version %d is not after its base %d", d.Version, d.BaseVersion)
	}
	rs, _, _, err := applyChanges(routeKind, s.routes, d.Routes)
	if err != nil {
		return nil, err
	}
	ps, _, _, err := applyChanges(planKind, s.plans, d.Plans)
	if err != nil {
		return nil, err
	}
	ks, removed, added, err := applyChanges(keyKind, s.keys, d.Keys)
	if err != nil {
		return nil, err
	}
	n := &State{head: Head{Version: d.Version}, schema: d.Schema, routes: rs, plans: ps, keys: ks, byHash: s.byHash}
	if len(removed) > 0 || len(added) > 0 {
		n.byHash = new([nBuckets]map[[32]byte]*entry[Key])
		*n.byHash = *s.byHash
		touched := make(map[uint8]bool)
		shard := func(h [32]byte) map[[32]byte]*entry[Key] {
			if !touched[h[0]] {
				touched[h[0]] = true
				n.byHash[h[0]] = maps.Clone(n.byHash[h[0]])
			}
			return n.byHash[h[0]]
		}
		for _, e := range removed {
			h, _ := keyHashOf(e)
			if m := shard(h); m[h] == e {
				delete(m, h)
			}
		}
		for _, e := range added {
			h, err := keyHashOf(e)
			if err != nil {
				return nil, err
			}
			shard(h)
			if err := n.indexKey(e); err != nil {
				return nil, err
			}
			if ps.get(e.v.Plan) == nil {
				return nil, fmt.Errorf("key %q: plan %q is not in the snapshot", e.v.ID, e.v.Plan)
			}
		}
	}
	if len(d.Plans.Delete) > 0 {
		for _, e := range ks.items {
			if ps.get(e.v.Plan) == nil {
				return nil, fmt.Errorf("key %q: plan %q is not in the snapshot", e.id, e.v.Plan)
			}
		}
	}
	if d.Schema == 1 {
		n.head.Hash = n.legacyHash()
	} else {
		n.head.Hash = n.treeHash()
	}
	return n, nil
}

func diffSection[T any](from, to section[T]) Changes[T] {
	var ch Changes[T]
	for _, e := range to.items {
		if old := from.get(e.id); old == nil || old.sum != e.sum {
			ch.Upsert = append(ch.Upsert, e.v)
		}
	}
	for _, e := range from.items {
		if to.get(e.id) == nil {
			ch.Delete = append(ch.Delete, e.id)
		}
	}
	return ch
}

// Diff returns the delta that turns from into to, of to's schema.
func Diff(from, to *State) *Delta {
	return &Delta{
		Schema:      to.schema,
		BaseVersion: from.head.Version,
		BaseHash:    from.head.Hash,
		Version:     to.head.Version,
		Hash:        to.head.Hash,
		Routes:      diffSection(from.routes, to.routes),
		Plans:       diffSection(from.plans, to.plans),
		Keys:        diffSection(from.keys, to.keys),
	}
}
