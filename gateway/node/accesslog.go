package node

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
)

// AccessLog writes the data plane's access log: one line per request, byte
// for byte what slog's text or JSON handler writes for the same record (the
// format of the node's other logs, --log-format).
//
// slog's handlers cost the node 13 % of its CPU per request under load
// (docs/gateway-speed.md): they are general (any value, any attribute,
// quoting decided rune by rune). A request's line is a fixed set of fields,
// nearly always plain ASCII, so it is appended directly; a line with a value
// that slog would quote or escape (a path with a space, a quote or non-ASCII
// text) is written by slog itself, so the output is the same either way
// (FuzzAccessLogMatchesSlog).
type AccessLog struct {
	w    io.Writer
	json bool
	slog *slog.Logger
	pool sync.Pool
}

// NewAccessLog returns an access log writing to w, as JSON when json is set
// and as slog's text (key=value) otherwise. w receives one Write per line.
func NewAccessLog(w io.Writer, json bool) *AccessLog {
	var h slog.Handler = slog.NewTextHandler(w, nil)
	if json {
		h = slog.NewJSONHandler(w, nil)
	}
	a := &AccessLog{w: w, json: json, slog: slog.New(h)}
	a.pool.New = func() any { b := make([]byte, 0, 512); return &b }
	return a
}

// accessEntry is what a request's line says. Route, key id, subscription and
// reason are left out when empty.
type accessEntry struct {
	requestID, method, path string
	status                  int
	duration                time.Duration
	bytes                   int
	client                  clientIP
	route, keyID, sub       string
	reason                  string
}

// write writes e's line, stamped t.
func (a *AccessLog) write(t time.Time, e *accessEntry) {
	if e.requestID == "" || e.method == "" || e.path == "" || // the text handler quotes ""
		!e.client.addr().IsValid() ||
		!plain(e.requestID) || !plain(e.method) || !plain(e.path) || !plain(e.route) ||
		!plain(e.keyID) || !plain(e.sub) || !plainSpaced(e.reason) || t.Year() < 0 || t.Year() >= 10000 {
		a.writeSlog(t, e)
		return
	}
	bp := a.pool.Get().(*[]byte)
	b := (*bp)[:0]
	if a.json {
		b = append(b, `{"time":"`...)
		b = t.AppendFormat(b, time.RFC3339Nano)
		b = append(b, `","level":"INFO","msg":"request","request_id":"`...)
		b = append(b, e.requestID...)
		b = append(b, `","method":"`...)
		b = append(b, e.method...)
		b = append(b, `","path":"`...)
		b = append(b, e.path...)
		b = append(b, `","status":`...)
		b = strconv.AppendInt(b, int64(e.status), 10)
		b = append(b, `,"duration_ms":`...)
		b = strconv.AppendFloat(b, durationMS(e.duration), 'f', -1, 64)
		b = append(b, `,"bytes":`...)
		b = strconv.AppendInt(b, int64(e.bytes), 10)
		b = append(b, `,"client":"`...)
		b = e.client.addr().AppendTo(b)
		b = append(b, '"')
		b = appendJSONField(b, "route", e.route)
		b = appendJSONField(b, "key_id", e.keyID)
		b = appendJSONField(b, "subscription", e.sub)
		b = appendJSONField(b, "reason", e.reason)
		b = append(b, "}\n"...)
	} else {
		b = append(b, "time="...)
		b = appendRFC3339Millis(b, t)
		b = append(b, " level=INFO msg=request request_id="...)
		b = append(b, e.requestID...)
		b = append(b, " method="...)
		b = append(b, e.method...)
		b = append(b, " path="...)
		b = append(b, e.path...)
		b = append(b, " status="...)
		b = strconv.AppendInt(b, int64(e.status), 10)
		b = append(b, " duration_ms="...)
		b = strconv.AppendFloat(b, durationMS(e.duration), 'g', -1, 64)
		b = append(b, " bytes="...)
		b = strconv.AppendInt(b, int64(e.bytes), 10)
		b = append(b, " client="...)
		b = e.client.addr().AppendTo(b)
		b = appendTextField(b, "route", e.route)
		b = appendTextField(b, "key_id", e.keyID)
		b = appendTextField(b, "subscription", e.sub)
		if e.reason != "" {
			// Quoted when it holds a space or '=', as the text handler does
			// (strconv.AppendQuote, which has nothing to escape here).
			b = append(b, " reason="...)
			if plain(e.reason) {
				b = append(b, e.reason...)
			} else {
				b = strconv.AppendQuote(b, e.reason)
			}
		}
		b = append(b, '\n')
	}
	a.w.Write(b) //nolint:errcheck // as slog's handlers, a log line that cannot be written is dropped
	*bp = b
	a.pool.Put(bp)
}

// writeSlog writes e's line through slog, for values it quotes or escapes.
// Every string is copied: the caller's method and path point into the
// request and its stack, which must not escape through slog's handler (nor
// may, for the compiler's analysis, any other field of e).
func (a *AccessLog) writeSlog(t time.Time, e *accessEntry) {
	r := slog.NewRecord(t, slog.LevelInfo, "request", 0)
	r.AddAttrs(
		slog.String("request_id", strings.Clone(e.requestID)),
		slog.String("method", strings.Clone(e.method)),
		slog.String("path", strings.Clone(e.path)),
		slog.Int("status", e.status),
		slog.Float64("duration_ms", durationMS(e.duration)),
		slog.Int("bytes", e.bytes),
		slog.String("client", clientString(e.client.addr())),
	)
	if e.route != "" {
		r.AddAttrs(slog.String("route", strings.Clone(e.route)))
	}
	if e.keyID != "" {
		r.AddAttrs(slog.String("key_id", strings.Clone(e.keyID)))
	}
	if e.sub != "" {
		r.AddAttrs(slog.String("subscription", strings.Clone(e.sub)))
	}
	if e.reason != "" {
		r.AddAttrs(slog.String("reason", strings.Clone(e.reason)))
	}
	a.slog.Handler().Handle(context.Background(), r) //nolint:errcheck // as above
}

// clientString is the client's address as net.IP's String writes it, as the
// log said before (an invalid address: what net.IP says of an empty one).
func clientString(a netip.Addr) string {
	if !a.IsValid() {
		return "<nil>"
	}
	return a.String()
}

// clientIP is the request's client address, held without a pointer (a
// netip.Addr holds one), so that the entry's other fields, which point into
// the request and the stack, are not seen by the compiler to escape with it.
type clientIP struct {
	ip [16]byte
	n  uint8 // 4, 16, or 0: none
}

// clientAddr is ip as a clientIP.
func clientAddr(ip net.IP) clientIP {
	var c clientIP
	if len(ip) == net.IPv4len || len(ip) == net.IPv6len {
		c.n = uint8(copy(c.ip[:], ip))
	}
	return c
}

// addr is the address, an IPv4 address mapped in IPv6 written as IPv4 (as
// net.IP's String does).
func (c clientIP) addr() netip.Addr {
	switch c.n {
	case net.IPv4len:
		return netip.AddrFrom4([4]byte(c.ip[:4]))
	case net.IPv6len:
		return netip.AddrFrom16(c.ip).Unmap()
	}
	return netip.Addr{}
}

// durationMS is d in milliseconds with microsecond precision.
func durationMS(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// plain reports whether s is written as it is by both slog handlers: printable
// ASCII with none of space, '=', '"' and '\' (the text handler quotes the
// first three, the JSON handler escapes the last two). The text handler also
// quotes an empty string: callers check that apart.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b <= ' ' || b > '~' || b == '=' || b == '"' || b == '\\' {
			return false
		}
	}
	return true
}

// plainSpaced is plain with spaces and '=' allowed: the reasons ("unknown
// key") are written as they are in JSON, and quoted with nothing to escape by
// the text handler.
func plainSpaced(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < ' ' || b > '~' || b == '"' || b == '\\' {
			return false
		}
	}
	return true
}

func appendJSONField(b []byte, k, v string) []byte {
	if v == "" {
		return b
	}
	b = append(b, `,"`...)
	b = append(b, k...)
	b = append(b, `":"`...)
	b = append(b, v...)
	return append(b, '"')
}

func appendTextField(b []byte, k, v string) []byte {
	if v == "" {
		return b
	}
	b = append(b, ' ')
	b = append(b, k...)
	b = append(b, '=')
	return append(b, v...)
}

// appendRFC3339Millis is how slog's text handler writes a record's time:
// RFC 3339 with exactly three digits of milliseconds.
func appendRFC3339Millis(b []byte, t time.Time) []byte {
	const prefixLen = len("2006-01-02T15:04:05.000")
	n := len(b)
	t = t.Truncate(time.Millisecond).Add(time.Millisecond / 10)
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b[:n+prefixLen], b[n+prefixLen+1:]...)
}
