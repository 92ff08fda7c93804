package outbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/logtest"
	"github.com/portico-dev/portico/outbox"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// downQueue is the store's outbox with the database down for the first
// failures claims: each failing claim takes a second of the test's clock,
// as the worker's polls do in an outage.
type downQueue struct {
	outbox.Queue
	mu       sync.Mutex
	now      time.Time
	failures int
}

func (q *downQueue) ClaimOutbox(ctx context.Context, owner string, limit int, lease time.Duration, topics ...string) ([]store.OutboxMessage, error) {
	q.mu.Lock()
	if q.failures > 0 {
		q.failures--
		q.now = q.now.Add(time.Second)
		q.mu.Unlock()
		return nil, fmt.Errorf("read the database clock: %w: dial tcp 127.0.0.1:5432: connect: connection refused", store.ErrUnavailable)
	}
	q.mu.Unlock()
	return q.Queue.ClaimOutbox(ctx, owner, limit, lease, topics...)
}

func (q *downQueue) clock() time.Time {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.now
}

// TestOutageIsLoggedOnceAMinute: while the database is down the worker
// fails at every poll (twice a second); the log says so once at the first
// failure, then at most once a minute with the count of failures since,
// and once when the database answers again, with how long it was out.
func TestOutageIsLoggedOnceAMinute(t *testing.T) {
	s := storetest.New(t)
	logs := &logtest.Buffer{}
	q := &downQueue{Queue: s, now: time.Date(2026, 12, 6, 18, 0, 0, 0, time.UTC), failures: 150}
	got := make(chan struct{}, 1)
	opts := fast()
	opts.Poll = time.Millisecond
	opts.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	opts.Now = q.clock
	w := outbox.New(q, map[string]outbox.Handler{"t": func(context.Context, []byte) error {
		got <- struct{}{}
		return nil
	}}, opts)
	enqueue(t, s, "t", 1)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { w.Run(ctx); close(stopped) }()
	select {
	case <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("not delivered within 10s of the database coming back")
	}
	// The round that delivered ends (the message marked done) before the
	// recovery is logged: stopping the worker at once could cut it short.
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(logs.String(), "reachable again") && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-stopped

	type line struct {
		Level    string `json:"level"`
		Msg      string `json:"msg"`
		Failures int    `json:"failures"`
		For      string `json:"for"`
		After    string `json:"after"`
		Err      string `json:"err"`
	}
	var lines []line
	for _, raw := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var l line
		if err := json.Unmarshal([]byte(raw), &l); err != nil {
			t.Fatalf("log line %q: %v", raw, err)
		}
		lines = append(lines, l)
	}
	want := []line{
		{Level: "ERROR", Msg: "outbox", Err: "read the database clock: database unavailable: dial tcp 127.0.0.1:5432: connect: connection refused"},
		{Level: "ERROR", Msg: "outbox still failing", Failures: 60, For: "1m0s", Err: "read the database clock: database unavailable: dial tcp 127.0.0.1:5432: connect: connection refused"},
		{Level: "ERROR", Msg: "outbox still failing", Failures: 60, For: "2m0s", Err: "read the database clock: database unavailable: dial tcp 127.0.0.1:5432: connect: connection refused"},
		{Level: "INFO", Msg: "outbox: database reachable again", Failures: 150, After: "2m29s"},
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d log lines, want %d:\n%s", len(lines), len(want), logs.String())
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d: got %+v, want %+v", i, lines[i], want[i])
		}
	}
}
