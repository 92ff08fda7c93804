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

// Head names one configuration: its version and the hex SHA-256 of its
// canonical encoding.
type Head struct {
	Version uint64 `json:"version"`
	Hash    string `json:"hash"`
}

// State is one immutable configuration, indexed for the data plane's lookups
// and for re-hashing cheaply after a delta. Build one with NewState,
// DecodeSnapshot or Apply; never modify what its accessors return.
//
// The canonical encoding, over which Hash is the SHA-256, is the compact JSON
//
//	{"schema":1,"version":V,"routes":[…],"plans":[…],"keys":[…]}
//
// with routes, plans and keys each sorted by id (bytewise), every item
// encoded with encoding/json from its Go type (fields in declaration order,
// empty optional fields omitted, times as RFC 3339 in UTC). A snapshot on the
// wire is the same document with "hash":"…" after the version.
type State struct {
	head   Head
	routes section[Route]
	plans  section[Plan]
	keys   section[Key]
	// byHash finds a key by the SHA-256 of the key presented.
	byHash map[[32]byte]*entry[Key]
}

type entry[T any] struct {
	id  string
	v   T
	enc []byte // canonical JSON of v
}

// section is one collection of items, sorted by id, with their encodings.
type section[T any] struct {
	items []*entry[T] // sorted by id, bytewise
	byID  map[string]*entry[T]
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

func (k kind[T]) entry(v T) *entry[T] {
	return &entry[T]{id: k.id(&v), v: v, enc: k.encode(nil, &v)}
}

func byEntryID[T any](a, b *entry[T]) int { return strings.Compare(a.id, b.id) }

// build validates and indexes items into a section.
func build[T any](k kind[T], items []T) (section[T], error) {
	s := section[T]{items: make([]*entry[T], 0, len(items)), byID: make(map[string]*entry[T], len(items))}
	for i := range items {
		if err := k.validate(items[i]); err != nil {
			return s, err
		}
		e := k.entry(items[i])
		if _, dup := s.byID[e.id]; dup {
			return s, fmt.Errorf("%s %q appears twice", k.name, e.id)
		}
		s.byID[e.id] = e
		s.items = append(s.items, e)
	}
	slices.SortFunc(s.items, byEntryID)
	return s, nil
}

// NewState builds and hashes the configuration at version from its items, in
// any order. It refuses invalid items, repeated ids or key hashes, and keys
// whose plan is missing.
func NewState(version uint64, routes []Route, plans []Plan, keys []Key) (*State, error) {
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
	s := &State{head: Head{Version: version}, routes: rs, plans: ps, keys: ks, byHash: make(map[[32]byte]*entry[Key], len(keys))}
	for _, e := range ks.items {
		if err := s.indexKey(e); err != nil {
			return nil, err
		}
		if _, ok := ps.byID[e.v.Plan]; !ok {
			return nil, fmt.Errorf("key %q: plan %q is not in the snapshot", e.id, e.v.Plan)
		}
	}
	s.head.Hash = s.computeHash()
	return s, nil
}

func (s *State) indexKey(e *entry[Key]) error {
	var h [32]byte
	if _, err := hex.Decode(h[:], []byte(e.v.Hash)); err != nil {
		return fmt.Errorf("key %q: hash is not hex", e.v.ID)
	}
	if _, dup := s.byHash[h]; dup {
		return fmt.Errorf("key %q: another key has the same hash", e.v.ID)
	}
	s.byHash[h] = e
	return nil
}

// Head returns the version and hash.
func (s *State) Head() Head { return s.head }

// Version returns the version.
func (s *State) Version() uint64 { return s.head.Version }

// Hash returns the hex SHA-256 of the canonical encoding.
func (s *State) Hash() string { return s.head.Hash }

// Counts returns how many routes, plans and keys the state holds.
func (s *State) Counts() (routes, plans, keys int) {
	return len(s.routes.items), len(s.plans.items), len(s.keys.items)
}

// Route returns the route with the given id ("{api}/v{major}").
func (s *State) Route(id string) (*Route, bool) {
	e, ok := s.routes.byID[id]
	if !ok {
		return nil, false
	}
	return &e.v, true
}

// Plan returns the plan with the given id.
func (s *State) Plan(id string) (*Plan, bool) {
	e, ok := s.plans.byID[id]
	if !ok {
		return nil, false
	}
	return &e.v, true
}

// KeyByHash returns the key whose SHA-256 is h.
func (s *State) KeyByHash(h [32]byte) (*Key, bool) {
	e, ok := s.byHash[h]
	if !ok {
		return nil, false
	}
	return &e.v, true
}

// Key returns the key with the given id.
func (s *State) Key(id string) (*Key, bool) {
	e, ok := s.keys.byID[id]
	if !ok {
		return nil, false
	}
	return &e.v, true
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

func (s *State) computeHash() string {
	h := sha256.New()
	s.write(h, "")
	return hex.EncodeToString(h.Sum(nil))
}

// write writes the canonical document; with a hash, the wire snapshot.
func (s *State) write(w io.Writer, hash string) error {
	ew := &errWriter{w: w}
	ew.str(`{"schema":` + strconv.Itoa(Schema) + `,"version":` + strconv.FormatUint(s.head.Version, 10))
	if hash != "" {
		ew.str(`,"hash":"` + hash + `"`)
	}
	ew.str(`,"routes":[`)
	writeItems(ew, &s.routes)
	ew.str(`],"plans":[`)
	writeItems(ew, &s.plans)
	ew.str(`],"keys":[`)
	writeItems(ew, &s.keys)
	ew.str(`]}`)
	return ew.err
}

func writeItems[T any](ew *errWriter, sec *section[T]) {
	for i, e := range sec.items {
		if i > 0 {
			ew.str(",")
		}
		ew.bytes(e.enc)
	}
}

// WriteSnapshot writes the state as a wire snapshot (the canonical encoding
// with its hash), the form DecodeSnapshot reads.
func (s *State) WriteSnapshot(w io.Writer) error { return s.write(w, s.head.Hash) }

// EncodeSnapshot returns the wire snapshot.
func (s *State) EncodeSnapshot() []byte {
	var b bytes.Buffer
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

// applyChanges applies upserts and deletes to a copy of sec. Deleting an id
// that is absent is allowed (a change log may name items created and deleted
// since the base); naming one id twice is not. It returns the new section,
// the entries replaced or removed, and those added or replaced.
func applyChanges[T any](k kind[T], sec section[T], ch Changes[T]) (section[T], []*entry[T], []*entry[T], error) {
	if len(ch.Upsert) == 0 && len(ch.Delete) == 0 {
		return sec, nil, nil, nil
	}
	out := section[T]{byID: maps.Clone(sec.byID)}
	named := make(map[string]bool, len(ch.Upsert)+len(ch.Delete))
	var removed, added []*entry[T]
	for _, id := range ch.Delete {
		if named[id] {
			return sec, nil, nil, fmt.Errorf("delta names %s %.130q twice", k.name, id)
		}
		named[id] = true
		if old, ok := out.byID[id]; ok {
			removed = append(removed, old)
			delete(out.byID, id)
		}
	}
	var fresh []*entry[T] // ids new to the section
	for i := range ch.Upsert {
		if err := k.validate(ch.Upsert[i]); err != nil {
			return sec, nil, nil, err
		}
		e := k.entry(ch.Upsert[i])
		if named[e.id] {
			return sec, nil, nil, fmt.Errorf("delta names %s %q twice", k.name, e.id)
		}
		named[e.id] = true
		if old, ok := out.byID[e.id]; ok {
			removed = append(removed, old)
		} else {
			fresh = append(fresh, e)
		}
		out.byID[e.id] = e
		added = append(added, e)
	}
	// Merge: the old order, with replaced entries swapped, removed ones
	// dropped, and new ids inserted in place.
	slices.SortFunc(fresh, byEntryID)
	items := make([]*entry[T], 0, len(out.byID))
	i := 0
	for _, e := range sec.items {
		cur, ok := out.byID[e.id]
		if !ok {
			continue
		}
		for i < len(fresh) && fresh[i].id < e.id {
			items = append(items, fresh[i])
			i++
		}
		items = append(items, cur)
	}
	out.items = append(items, fresh[i:]...)
	return out, removed, added, nil
}

// Apply returns the state that d makes of s. It refuses a delta whose base is
// not s, whose items are invalid, or whose result does not hash to d.Hash;
// s itself never changes.
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
	if d.Schema != Schema {
		return nil, fmt.Errorf("delta schema %d is not supported (this node reads schema %d)", d.Schema, Schema)
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
	n := &State{head: Head{Version: d.Version}, routes: rs, plans: ps, keys: ks, byHash: s.byHash}
	if len(removed) > 0 || len(added) > 0 {
		n.byHash = maps.Clone(s.byHash)
		for _, e := range removed {
			var h [32]byte
			hex.Decode(h[:], []byte(e.v.Hash))
			if n.byHash[h] == e {
				delete(n.byHash, h)
			}
		}
		for _, e := range added {
			if err := n.indexKey(e); err != nil {
				return nil, err
			}
			if _, ok := ps.byID[e.v.Plan]; !ok {
				return nil, fmt.Errorf("key %q: plan %q is not in the snapshot", e.v.ID, e.v.Plan)
			}
		}
	}
	if len(d.Plans.Delete) > 0 {
		for _, e := range ks.items {
			if ps.byID[e.v.Plan] == nil {
				return nil, fmt.Errorf("key %q: plan %q is not in the snapshot", e.id, e.v.Plan)
			}
		}
	}
	n.head.Hash = n.computeHash()
	return n, nil
}

func diffSection[T any](from, to section[T]) Changes[T] {
	var ch Changes[T]
	for _, e := range to.items {
		if old, ok := from.byID[e.id]; !ok || !bytes.Equal(old.enc, e.enc) {
			ch.Upsert = append(ch.Upsert, e.v)
		}
	}
	for _, e := range from.items {
		if _, ok := to.byID[e.id]; !ok {
			ch.Delete = append(ch.Delete, e.id)
		}
	}
	return ch
}

// Diff returns the delta that turns from into to.
func Diff(from, to *State) *Delta {
	return &Delta{
		Schema:      Schema,
		BaseVersion: from.head.Version,
		BaseHash:    from.head.Hash,
		Version:     to.head.Version,
		Hash:        to.head.Hash,
		Routes:      diffSection(from.routes, to.routes),
		Plans:       diffSection(from.plans, to.plans),
		Keys:        diffSection(from.keys, to.keys),
	}
}
