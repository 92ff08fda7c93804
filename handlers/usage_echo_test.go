package handlers_test

import (
	"testing"
	"time"

	"github.com/portico-dev/portico/lifecycle"
)

// The usage series states the range it answered as the store keeps usage,
// in whole seconds: from at the first step's start, to at the end (whole
// second, exclusive) the query used, never the request's fraction of a
// second or the clock's nanoseconds.
func TestAPIUsageEchoesTheRangeItAnswered(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	for _, c := range []struct{ query, from, to string }{
		{"&from=2026-12-01T09:30:15.5Z&to=2026-12-01T10:00:00.123456789Z", "2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z"},
		{"&from=2026-12-01T09:30:15Z&to=2026-12-01T12:00:59.999999%2B02:00", "2026-12-01T09:00:00Z", "2026-12-01T10:00:59Z"},
	} {
		out := e.call("GET", "/api/v1/usage?api=pets&step=3600"+c.query, "outsider", nil, 200)
		if out["from"] != c.from || out["to"] != c.to {
			t.Errorf("%s: from %v, to %v; want %s, %s", c.query, out["from"], out["to"], c.from, c.to)
		}
	}
	// By default the range ends now: at the second the query used.
	out := e.call("GET", "/api/v1/usage?api=pets", "outsider", nil, 200)
	to, err := time.Parse(time.RFC3339Nano, out["to"].(string))
	if err != nil || to.Nanosecond() != 0 {
		t.Errorf("default to %v (%v); want a whole second", out["to"], err)
	}
}
