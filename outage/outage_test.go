package outage_test

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/logtest"
	"github.com/portico-dev/portico/outage"
)

// 150 failures a second apart, then a success, then another outage: the
// first failure, a line a minute, the end, and the next outage's first
// failure at once with its own count.
func TestAnOutageIsLoggedAtItsStartOnceAMinuteAndAtItsEnd(t *testing.T) {
	var buf logtest.Buffer
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	o := outage.Log{Name: "feed", Again: "feed: database reachable again", Logger: slog.New(slog.NewTextHandler(&buf, nil)), Level: slog.LevelError, Now: func() time.Time { return now }}
	down := errors.New("connection refused")
	o.Ended() // nothing to end
	for range 150 {
		o.Failed(down)
		now = now.Add(time.Second)
	}
	o.Ended()
	o.Ended()
	o.Failed(down)
	var got []string
	for l := range strings.SplitSeq(strings.TrimSpace(buf.String()), "\n") {
		got = append(got, l[strings.Index(l, "level="):])
	}
	want := []string{
		`level=ERROR msg=feed err="connection refused"`,
		`level=ERROR msg="feed still failing" failures=60 for=1m0s err="connection refused"`,
		`level=ERROR msg="feed still failing" failures=60 for=2m0s err="connection refused"`,
		`level=INFO msg="feed: database reachable again" after=2m30s failures=150`,
		`level=ERROR msg=feed err="connection refused"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("logged:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
