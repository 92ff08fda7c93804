package node

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"testing"
	"time"
)

// slogLine is the line slog's own handler writes for the entry, with the
// attributes the access log had when slog wrote every line.
func slogLine(t time.Time, e *accessEntry, ip net.IP, json bool) string {
	var buf bytes.Buffer
	var h slog.Handler = slog.NewTextHandler(&buf, nil)
	if json {
		h = slog.NewJSONHandler(&buf, nil)
	}
	attrs := []slog.Attr{
		slog.String("request_id", e.requestID),
		slog.String("method", e.method),
		slog.String("path", e.path),
		slog.Int("status", e.status),
		slog.Float64("duration_ms", float64(e.duration.Microseconds())/1000),
		slog.Int("bytes", e.bytes),
		slog.String("client", ip.String()),
	}
	if e.route != "" {
		attrs = append(attrs, slog.String("route", e.route))
	}
	if e.keyID != "" {
		attrs = append(attrs, slog.String("key_id", e.keyID))
	}
	if e.sub != "" {
		attrs = append(attrs, slog.String("subscription", e.sub))
	}
	if e.reason != "" {
		attrs = append(attrs, slog.String("reason", e.reason))
	}
	r := slog.NewRecord(t, slog.LevelInfo, "request", 0)
	r.AddAttrs(attrs...)
	h.Handle(context.Background(), r)
	return buf.String()
}

// The access log writes what slog's text and JSON handlers write, byte for
// byte, for any request: plain ones (written directly) and ones with values
// slog quotes or escapes (left to slog).
func FuzzAccessLogMatchesSlog(f *testing.F) {
	f.Add(int64(1764783910065123456), uint8(0), "cf82b626de87-2zv", "GET", "/bench/v1/items", 200, int64(76), 32, []byte{127, 0, 0, 1}, "bench/v1", "kbench", "sub-bench", "")
	f.Add(int64(1764783910000000000), uint8(1), "r1", "POST", "/a b/v1/x\"y", 401, int64(0), 0, []byte{10, 1, 2, 3}, "a/v1", "", "", "unknown key")
	f.Add(int64(1764783910999999999), uint8(2), "r=2", "DELETE", "/caf\xc3\xa9/v2/\xff", 429, int64(1_500_000), 117, []byte(net.ParseIP("2001:db8::1")), "", "k", "s", "rate limited")
	f.Add(int64(0), uint8(0), "", "", "", 0, int64(123_456_789_000), -1, []byte{}, "", "", "", "a=b")
	f.Add(int64(-62135596800000000), uint8(1), "x", "GET", "/x\\y/v1/\t", 503, int64(1), 1<<40, []byte(net.ParseIP("::ffff:192.0.2.7")), "r\u2028", "k\x00", "s", "no configuration")
	f.Fuzz(func(t *testing.T, nanos int64, zone uint8, reqID, method, path string, status int, micros int64, size int, ip []byte, route, keyID, sub, reason string) {
		if len(path) > 256 {
			path = path[:256]
		}
		if len(ip) != net.IPv4len && len(ip) != net.IPv6len {
			ip = nil // fasthttp's RemoteIP: a TCP address's IP, or IPv4zero
		}
		loc := []*time.Location{time.UTC, time.FixedZone("", 5*3600+1800), time.FixedZone("PST", -8*3600)}[int(zone)%3]
		when := time.Unix(0, nanos).In(loc)
		e := &accessEntry{requestID: reqID, method: method, path: path, status: status, duration: time.Duration(micros) * time.Microsecond,
			bytes: size, client: clientAddr(net.IP(ip)), route: route, keyID: keyID, sub: sub, reason: reason}
		for _, json := range []bool{false, true} {
			var buf bytes.Buffer
			NewAccessLog(&buf, json).write(when, e)
			if want := slogLine(when, e, net.IP(ip), json); buf.String() != want {
				t.Errorf("json %v:\n got %q\nwant %q", json, buf.String(), want)
			}
		}
	})
}

// A plain request's line costs no allocation.
func TestAccessLogPlainLineAllocatesNothing(t *testing.T) {
	a := NewAccessLog(discard{}, false)
	e := &accessEntry{requestID: "cf82b626de87-2zv", method: "GET", path: "/bench/v1/items", status: 200, duration: 76 * time.Microsecond,
		bytes: 32, client: clientAddr(net.IP{127, 0, 0, 1}), route: "bench/v1", keyID: "kbench", sub: "sub-bench"}
	now := time.Now()
	a.write(now, e) // fills the pool
	if n := testing.AllocsPerRun(100, func() { a.write(now, e) }); n != 0 {
		t.Errorf("allocations per line: got %v, want 0", n)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
