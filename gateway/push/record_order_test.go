package push_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
	"github.com/portico-dev/portico/gateway/push"
)

// orderRecorder keeps the last status stored per registration, as the
// database would; its first RecordNodeStatus waits until release is
// closed, as a slow write would.
type orderRecorder struct {
	entered chan struct{}
	release chan struct{}
	mu      sync.Mutex
	calls   int
	stored  map[int64]push.NodeStatus
}

func (r *orderRecorder) RecordNodeStatus(_ context.Context, s push.NodeStatus) error {
	r.mu.Lock()
	r.calls++
	first := r.calls == 1
	r.mu.Unlock()
	if first {
		close(r.entered)
		<-r.release
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stored[s.ID] = s
	return nil
}

func (r *orderRecorder) RecordNodeSeen(context.Context, push.Node) error { return nil }

// Two requests of one node at nearly the same moment: the older one's
// write, slower, must not be stored after the newer one's, or the Gateway
// page shows a version the node has left behind.
func TestStoredNodeStatusNeverGoesBack(t *testing.T) {
	st, err := gatewaytest.State(1, gatewaytest.Config{APIs: 2, Keys: 3, Upstream: "http://127.0.0.1:1", RatePerMinute: 10})
	if err != nil {
		t.Fatal(err)
	}
	src := gatewaytest.NewSource(st)
	rec := &orderRecorder{entered: make(chan struct{}), release: make(chan struct{}), stored: map[int64]push.NodeStatus{}}
	hub := push.NewHub(src, push.Options{MaxWait: 2 * time.Second, Recorder: rec})
	states := []*gateway.State{st}
	for range 2 {
		next, err := src.Change(gateway.Delta{})
		if err != nil {
			t.Fatal(err)
		}
		states = append(states, next)
	}
	n := push.Node{Name: "n1", ID: 5}
	older, newer := states[0].Head(), states[1].Head()
	if older.Version == newer.Version {
		t.Fatalf("the source did not move on: %+v", newer)
	}
	done := make(chan error, 1)
	go func() {
		_, err := hub.Sync(context.Background(), n, req(gateway.MsgHello, older))
		done <- err
	}()
	select {
	case <-rec.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the first request's status was not written within 10 s")
	}
	if _, err := hub.Sync(t.Context(), n, req(gateway.MsgHello, newer)); err != nil {
		t.Fatal(err)
	}
	close(rec.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	got := rec.stored[n.ID].Applied
	rec.mu.Unlock()
	if got != newer {
		t.Errorf("stored applied head %+v after both requests, want the newer request's %+v (older %+v)", got, newer, older)
	}
}
