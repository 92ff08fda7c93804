package ratelimit

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway/ratelimit/redistest"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// TestRedisFailureAndAnswerCrossing: a call Redis answers and a call that
// fails at the same moment (pipelined calls of one node, under load) leave
// the node in one state, told the same way by its gauge and its log:
// paused, with redis_up 0 and the failure as the last line, or back, with
// redis_up 1 and "Redis answers again" last. The failure is made to come
// just after the answer ended the pause (pauseEnded), where it came in the
// fault test under load: the failure started another pause, set the gauge
// to 0 and logged, then the answer set the gauge to 1 and logged, so
// redis_up said 1 through the pause and the log's last line that Redis
// answers.
func TestRedisFailureAndAnswerCrossing(t *testing.T) {
	url := redistest.URL(t)
	prefix := redistest.Prefix(t, url)
	var logs lockedLines
	reg := prometheus.NewRegistry()
	r, err := NewRedis(RedisOptions{URL: url, Prefix: prefix, Timeout: 5 * time.Second, Registerer: reg,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	up := func() float64 {
		var m dto.Metric
		if err := r.up.Write(&m); err != nil {
			t.Fatal(err)
		}
		return m.GetGauge().GetValue()
	}
	cut := errors.New("cut")
	var failed sync.WaitGroup
	r.pauseEnded = func() {
		// The failure of another call, now. It may have to wait for the
		// answer's bookkeeping (then it comes after it): wait for it a
		// while, not forever.
		done := make(chan struct{})
		failed.Go(func() {
			r.down(time.Now(), cut)
			close(done)
		})
		select {
		case <-done:
		case <-time.After(200 * time.Millisecond):
		}
	}
	r.down(time.Now(), cut) // an outage: the next answer ends it
	lim := Limit{PerMinute: 600000, Burst: 1000}
	if _, err := r.exec(context.Background(), "sub-x", &call{limit: lim, day: dayOf(time.Now()), want: 1, use: 1, plain: true}, time.Now()); err != nil {
		t.Fatal(err)
	}
	failed.Wait()
	paused := r.downUntil.Load() != 0
	last := logs.last()
	if !paused {
		t.Fatalf("not paused after a failure that came after the answer (log's last line %q)", last)
	}
	if up() != 0 || strings.Contains(last, "Redis answers again") {
		t.Fatalf("paused, yet redis_up %v and the log's last line %q: want redis_up 0 and the failure last", up(), last)
	}
}

// lockedLines keeps a logger's last line.
type lockedLines struct {
	mu sync.Mutex
	s  string
}

func (l *lockedLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.s = string(p)
	return len(p), nil
}

func (l *lockedLines) last() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.s
}
