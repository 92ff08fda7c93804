package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Delta turns the state at BaseVersion (with BaseHash) into the state at
// Version (with Hash). Items are upserted or deleted by id; the receiver
// verifies that the result hashes to Hash.
type Delta struct {
	Schema      int            `json:"schema"`
	BaseVersion uint64         `json:"base_version"`
	BaseHash    string         `json:"base_hash"`
	Version     uint64         `json:"version"`
	Hash        string         `json:"hash"`
	Routes      Changes[Route] `json:"routes,omitzero"`
	Plans       Changes[Plan]  `json:"plans,omitzero"`
	Keys        Changes[Key]   `json:"keys,omitzero"`
}

// Changes are the upserts and deletes (by id) of one kind of item.
type Changes[T any] struct {
	Upsert []T      `json:"upsert,omitempty"`
	Delete []string `json:"delete,omitempty"`
}

// Len is the number of items the changes name.
func (c Changes[T]) Len() int { return len(c.Upsert) + len(c.Delete) }

// Empty reports whether the delta changes nothing.
func (d *Delta) Empty() bool { return d.Routes.Len()+d.Plans.Len()+d.Keys.Len() == 0 }

// Encode returns the delta's wire form.
//
// It writes what encoding/json writes for a Delta (a test holds it to
// that), by the items' canonical encoders rather than by reflection: the
// first version's delta holds every item.
func (d *Delta) Encode() []byte {
	b := make([]byte, 0, 256+128*d.Routes.Len()+64*d.Plans.Len()+256*d.Keys.Len())
	b = append(b, `{"schema":`...)
	b = strconv.AppendInt(b, int64(d.Schema), 10)
	b = append(b, `,"base_version":`...)
	b = strconv.AppendUint(b, d.BaseVersion, 10)
	b = append(b, `,"base_hash":`...)
	b = appendString(b, d.BaseHash)
	b = append(b, `,"version":`...)
	b = strconv.AppendUint(b, d.Version, 10)
	b = append(b, `,"hash":`...)
	b = appendString(b, d.Hash)
	b = appendChanges(b, `,"routes":`, &d.Routes, appendRoute)
	b = appendChanges(b, `,"plans":`, &d.Plans, appendPlan)
	b = appendChanges(b, `,"keys":`, &d.Keys, appendKey)
	return append(b, '}')
}

// appendChanges writes an omitzero Changes field as encoding/json does.
func appendChanges[T any](b []byte, name string, c *Changes[T], enc func([]byte, *T) []byte) []byte {
	if c.Upsert == nil && c.Delete == nil {
		return b
	}
	b = append(b, name...)
	b = append(b, '{')
	if len(c.Upsert) > 0 {
		b = append(b, `"upsert":[`...)
		for i := range c.Upsert {
			if i > 0 {
				b = append(b, ',')
			}
			b = enc(b, &c.Upsert[i])
		}
		b = append(b, ']')
	}
	if len(c.Delete) > 0 {
		if len(c.Upsert) > 0 {
			b = append(b, ',')
		}
		b = append(b, `"delete":[`...)
		for i, id := range c.Delete {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, id)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// Limits bound what a node accepts from the wire.
type Limits struct {
	// MaxBytes bounds a snapshot's or delta's encoded size.
	MaxBytes  int64
	MaxRoutes int
	MaxPlans  int
	MaxKeys   int
}

// CheckState refuses a state that holds more routes, plans or keys than the
// limits allow: one that deltas grew past them, whose snapshot the node
// would refuse when it loads its last-known-good.
func (lim Limits) CheckState(st *State) error {
	r, p, k := st.Counts()
	if err := lim.checkCounts(r, p, k); err != nil {
		return fmt.Errorf("the configuration after the delta %w", err)
	}
	return nil
}

func (lim Limits) checkCounts(routes, plans, keys int) error {
	if routes > lim.MaxRoutes || plans > lim.MaxPlans || keys > lim.MaxKeys {
		return fmt.Errorf("holds %d routes, %d plans and %d keys: over the limits of %d, %d and %d", routes, plans, keys, lim.MaxRoutes, lim.MaxPlans, lim.MaxKeys)
	}
	return nil
}

// DefaultLimits hold 10 times the scale Portico is built for (10,000 APIs,
// 50,000 subscriptions' keys).
var DefaultLimits = Limits{MaxBytes: 256 << 20, MaxRoutes: 200_000, MaxPlans: 200_000, MaxKeys: 1_000_000}

// maxDepth is the deepest nesting of a valid document: a delta's
// {routes:{upsert:[{targets:[…]}]}} is 5.
const maxDepth = 6

// ErrTooLarge is returned for documents over Limits.MaxBytes.
var ErrTooLarge = errors.New("larger than the size limit")

// ReadLimited reads r to the end, refusing more than max bytes.
func ReadLimited(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("document %w of %d bytes", ErrTooLarge, max)
	}
	return b, nil
}

type wireSnapshot struct {
	Schema  int     `json:"schema"`
	Version uint64  `json:"version"`
	Hash    string  `json:"hash"`
	Routes  []Route `json:"routes"`
	Plans   []Plan  `json:"plans"`
	Keys    []Key   `json:"keys"`
}

// DecodeSnapshot decodes a wire snapshot, refusing anything over the limits,
// unknown fields, another schema, invalid items, and a document whose
// canonical encoding does not hash to the hash it states.
func DecodeSnapshot(data []byte, lim Limits) (*State, error) {
	maxItems := max(lim.MaxRoutes, lim.MaxPlans, lim.MaxKeys, maxTargets)
	if err := checkShape(data, lim.MaxBytes, maxItems); err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	var w wireSnapshot
	if err := decodeStrict(data, &w); err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	if !readable(w.Schema) {
		return nil, fmt.Errorf("snapshot schema %d is not supported (this node reads schemas 1 and %d)", w.Schema, Schema)
	}
	if err := lim.checkCounts(len(w.Routes), len(w.Plans), len(w.Keys)); err != nil {
		return nil, fmt.Errorf("snapshot %w", err)
	}
	if !validHexHash(w.Hash) {
		return nil, errors.New("snapshot hash must be 64 lowercase hex digits")
	}
	s, err := newState(w.Version, w.Routes, w.Plans, w.Keys)
	if err != nil {
		return nil, fmt.Errorf("snapshot version %d: %w", w.Version, err)
	}
	s.schema = w.Schema
	if w.Schema == 1 {
		s.head.Hash = s.legacyHash()
	} else {
		s.head.Hash = s.treeHash()
	}
	if s.head.Hash != w.Hash {
		return nil, fmt.Errorf("hash mismatch: snapshot version %d computes to %.12s…, it says %.12s…", w.Version, s.head.Hash, w.Hash)
	}
	return s, nil
}

// readable reports whether a node reads documents of schema.
func readable(schema int) bool { return schema == Schema || schema == 1 }

// DecodeDelta decodes a wire delta with the same bounds as a snapshot. Its
// items are validated when it is applied.
func DecodeDelta(data []byte, lim Limits) (*Delta, error) {
	maxItems := max(lim.MaxRoutes, lim.MaxPlans, lim.MaxKeys, maxTargets)
	if err := checkShape(data, lim.MaxBytes, maxItems); err != nil {
		return nil, fmt.Errorf("delta: %w", err)
	}
	var d Delta
	if err := decodeStrict(data, &d); err != nil {
		return nil, fmt.Errorf("delta: %w", err)
	}
	if !readable(d.Schema) {
		return nil, fmt.Errorf("delta schema %d is not supported (this node reads schemas 1 and %d)", d.Schema, Schema)
	}
	if d.Routes.Len() > lim.MaxRoutes || d.Plans.Len() > lim.MaxPlans || d.Keys.Len() > lim.MaxKeys {
		return nil, errors.New("delta names more items than the limits allow")
	}
	if !validHexHash(d.Hash) || !validHexHash(d.BaseHash) {
		return nil, errors.New("delta hashes must be 64 lowercase hex digits")
	}
	return &d, nil
}

// decodeStrict decodes one JSON value into v, refusing unknown fields and
// trailing data. When the document does not fit v, it reports the schema the
// document states, so a node older than its portal says why.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var probe struct {
			Schema int `json:"schema"`
		}
		if json.Unmarshal(data, &probe) == nil && !readable(probe.Schema) {
			return fmt.Errorf("schema %d is not supported (this node reads schemas 1 and %d)", probe.Schema, Schema)
		}
		// encoding/json's refusal of a field the type lacks: valid JSON
		// of a schema this node reads, with a field a newer portal added.
		if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return fmt.Errorf("field %s is not known to this node (a newer portal's? upgrade the nodes before the portals)", field)
		}
		return fmt.Errorf("invalid JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("invalid JSON: data after the document")
	}
	return nil
}

// checkShape bounds a JSON document before it is decoded: its size, its
// nesting depth and the number of elements of any array, so that decoding
// cannot be made to allocate far beyond what a valid document needs. It does
// not validate the JSON (the decoder does).
func checkShape(data []byte, maxBytes int64, maxElems int) error {
	if int64(len(data)) > maxBytes {
		return fmt.Errorf("document of %d bytes is %w of %d bytes", len(data), ErrTooLarge, maxBytes)
	}
	var (
		depth    int
		isArray  [maxDepth + 1]bool
		elements [maxDepth + 1]int
		inString bool
		escaped  bool
	)
	for _, c := range data {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
			if depth > maxDepth {
				return fmt.Errorf("nested deeper than %d levels", maxDepth)
			}
			isArray[depth] = c == '['
			elements[depth] = 0
		case '}', ']':
			if depth == 0 {
				return errors.New("invalid JSON: unbalanced brackets")
			}
			depth--
		case ',':
			if depth > 0 && isArray[depth] {
				elements[depth]++
				if elements[depth] >= maxElems {
					return fmt.Errorf("an array holds more than %d elements", maxElems)
				}
			}
		}
	}
	return nil
}
