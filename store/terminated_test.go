package store_test

import (
	"context"
	"github.com/uptrace/bun"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestTerminatedConnectionsAreNotHandedOut: PostgreSQL ends a pooled
// connection's backend (pg_terminate_backend, a failover, a restart, an idle
// timeout of a proxy in between); the pool must not give the dead
// connection to the next query, which would fail with "terminating
// connection due to administrator command" once per dead connection: a
// burst of 500s after every such event, up to the pool's size per instance.
//
// SQLite has no server to end a connection: the test runs on PostgreSQL
// (storetest.Dialects fails in CI without it).
func TestTerminatedConnectionsAreNotHandedOut(t *testing.T) {
	if !slices.Contains(storetest.Dialects(t), store.PostgreSQL) {
		t.Skipf("set %s to end PostgreSQL connections under the pool", storetest.EnvDatabaseURL)
	}
	s, admin := storetest.OpenTwo(t, store.PostgreSQL)
	ctx := context.Background()
	const n = 8
	// Open n connections at once so the pool keeps n idle ones.
	conns := make([]bun.Conn, n)
	pids := make([]int, n)
	for i := range conns {
		c, err := s.DB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pids[i]); err != nil {
			t.Fatal(err)
		}
		conns[i] = c
	}
	for _, c := range conns {
		c.Close()
	}
	for _, pid := range pids {
		var ok bool
		if err := admin.DB().QueryRowContext(ctx, "SELECT pg_terminate_backend(?)", pid).Scan(&ok); err != nil || !ok {
			t.Fatalf("terminate %d: %v %v", pid, ok, err)
		}
	}
	time.Sleep(200 * time.Millisecond) // the FATAL message reaches the sockets
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for range 2 * n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Ping(ctx); err != nil {
				errs <- err
				return
			}
			var one int
			errs <- s.DB().QueryRowContext(ctx, "SELECT 1").Scan(&one)
		}()
	}
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if err != nil {
			failed++
			if failed <= 3 {
				t.Errorf("query after the backends were terminated: %v", err)
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d queries failed on connections PostgreSQL had closed", failed, 2*n)
	}
}
