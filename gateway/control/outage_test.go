package control_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/gateway/push"
	"github.com/portico-dev/portico/logtest"
	"github.com/portico-dev/portico/store/storetest"
)

// While the database is down, the follower (which looks every 2 s, and at
// every wake-up) logs the outage's first failure and then stays quiet
// (package outage paces the rest), rather than two or three lines a round.
func TestFollowLogsADatabaseOutageOnce(t *testing.T) {
	s, cut := storetest.OpenCuttable(t)
	ctx := context.Background()
	var out logtest.Buffer
	src := control.NewSource(s, slog.New(slog.NewJSONHandler(&out, nil)))
	if _, err := src.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	hub := push.NewHub(src, push.Options{Recorder: control.NewNodes(s, nil), MaxWait: 10 * time.Second})
	if _, err := hub.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	fctx, stop := context.WithCancel(ctx)
	followed := make(chan struct{})
	wake := make(chan struct{}) // unbuffered: a send returns once the round before it is done
	go func() { defer close(followed); src.Follow(fctx, hub, wake) }()
	cut()
	const rounds = 6
	for range rounds {
		select {
		case wake <- struct{}{}:
		case <-time.After(30 * time.Second):
			t.Fatalf("the follower did not finish a round in 30 s:\n%s", out.String())
		}
	}
	stop()
	<-followed
	var lines []string
	for l := range strings.SplitSeq(strings.TrimSpace(out.String()), "\n") {
		if l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 || !strings.Contains(lines[0], `"level":"WARN"`) || !strings.Contains(lines[0], `"msg":"gateway configuration not followed"`) {
		t.Fatalf("%d rounds with the database down logged %d lines, want the outage's first failure once:\n%s", rounds, len(lines), out.String())
	}
}
