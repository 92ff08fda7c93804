package node

import (
	"bytes"
	"iter"
	"slices"

	"github.com/valyala/fasthttp"
)

// The values of a header name a message repeats are in an order that
// means something (RFC 9110 5.3: a proxy must not change it; the challenges
// of WWW-Authenticate are in order of preference), but fasthttp's Del moves
// the last header into the removed one's place. headerOrder keeps the
// repeated names' values across the node's edits of a message.

// orderedHeaders is what headerOrder needs of a request's or a response's
// headers.
type orderedHeaders interface {
	All() iter.Seq2[[]byte, []byte]
	PeekAll(key string) [][]byte
	Del(key string)
	AddBytesV(key string, value []byte)
}

// nameSet holds the header names seen so far in a message, on the stack.
type nameSet struct {
	names [32][]byte
	n     int
}

// add adds name and reports whether it may have been seen already: it was,
// or the message has more names than the set holds.
func (s *nameSet) add(name []byte) bool {
	if s.n == len(s.names) {
		return true
	}
	for _, seen := range s.names[:s.n] {
		if bytes.Equal(seen, name) {
			return true
		}
	}
	s.names[s.n] = name
	s.n++
	return false
}

// answerMayRepeat reports whether a name may occur twice among an
// answer's headers: false for most, for which nothing needs keeping. (The
// request's names are checked in serve's pass over them.)
func answerMayRepeat(h *fasthttp.ResponseHeader) bool {
	var s nameSet
	for name := range h.All() {
		if s.add(name) {
			return true
		}
	}
	return false
}

// headerOrder holds the values of each name a message repeats, in order.
// It is made only for such a message (newHeaderOrder).
type headerOrder struct {
	names  []string
	values [][][]byte
}

// newHeaderOrder saves the repeated names' values of h.
func newHeaderOrder(h orderedHeaders) *headerOrder {
	o := new(headerOrder)
	o.save(h)
	return o
}

// save records the values of every name h repeats (copies: Del and Add
// reuse the header's memory).
func (o *headerOrder) save(h orderedHeaders) {
	for name := range h.All() {
		n := string(name)
		if slices.Contains(o.names, n) {
			continue
		}
		if vs := h.PeekAll(n); len(vs) > 1 {
			kept := make([][]byte, len(vs))
			for i, v := range vs {
				kept[i] = bytes.Clone(v)
			}
			o.names, o.values = append(o.names, n), append(o.values, kept)
		}
	}
}

// restore puts back in their order the values of the saved names that still
// have as many values (a name the node removed or replaced has not). As Del
// itself moves other headers, every such name is removed and added again
// once one is out of order.
func (o *headerOrder) restore(h orderedHeaders) {
	var kept [8]int
	keep, moved := kept[:0], false
	for i, n := range o.names {
		got := h.PeekAll(n)
		if len(got) != len(o.values[i]) {
			continue
		}
		keep = append(keep, i)
		moved = moved || !slices.EqualFunc(got, o.values[i], bytes.Equal)
	}
	if !moved {
		return
	}
	for _, i := range keep {
		h.Del(o.names[i])
	}
	for _, i := range keep {
		for _, v := range o.values[i] {
			h.AddBytesV(o.names[i], v)
		}
	}
}
