// Package reqid makes and checks request ids: the X-Request-Id that ties an
// answer to its log lines, on the portal and on gateway nodes.
package reqid

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
	"sync/atomic"
)

// Header is the header a request id travels in.
const Header = "X-Request-Id"

// Source makes request ids: a random per-process prefix and a counter,
// unique without a system call per request. Its zero value is not ready:
// use New.
type Source struct {
	prefix string
	n      atomic.Uint64
}

// New returns a Source with a fresh random prefix.
func New() *Source {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return &Source{prefix: hex.EncodeToString(b[:]) + "-"}
}

// Next returns a new id.
func (s *Source) Next() string {
	var b strings.Builder
	b.Grow(len(s.prefix) + 13)
	b.WriteString(s.prefix)
	var n [13]byte
	b.Write(strconv.AppendUint(n[:0], s.n.Add(1), 36))
	return b.String()
}

// Valid accepts a client's or a proxy's id of up to 128 safe characters
// (letters, digits, "-", "_", ".", ":"); any other is replaced by a new one.
func Valid(b []byte) bool {
	if len(b) == 0 || len(b) > 128 {
		return false
	}
	for _, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':') {
			return false
		}
	}
	return true
}
