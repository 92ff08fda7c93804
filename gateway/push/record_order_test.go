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

// A node's request that arrives after its newer one (it gave the older one
// up, and the retry overtook it) is answered, but its report replaces
// neither the hub's status nor the stored one; a report of a new session
// (the node restarted) or an unnumbered one does.
func TestOlderReportArrivingLateIsNotRecorded(t *testing.T) {
	st, err := gatewaytest.State(1, gatewaytest.Config{APIs: 2, Keys: 3, Upstream: "http://127.0.0.1:1", RatePerMinute: 10})
	if err != nil {
		t.Fatal(err)
	}
	src := gatewaytest.NewSource(st)
	rec := &orderRecorder{entered: make(chan struct{}), release: make(chan struct{}), stored: map[int64]push.NodeStatus{}}
	close(rec.release)
	hub := push.NewHub(src, push.Options{MaxWait: 2 * time.Second, Recorder: rec})
	next, err := src.Change(gateway.Delta{})
	if err != nil {
		t.Fatal(err)
	}
	older, newer := st.Head(), next.Head()
	n := push.Node{Name: "n1", ID: 5}
	sync := func(h gateway.Head, r gateway.Report) push.NodeStatus {
		t.Helper()
		q := req(gateway.MsgHello, h)
		q.Report = r
		if _, err := hub.Sync(t.Context(), n, q); err != nil {
			t.Fatal(err)
		}
		rec.mu.Lock()
		defer rec.mu.Unlock()
		return rec.stored[n.ID]
	}
	const session = "0123456789abcdef"
	if got := sync(newer, gateway.Report{Session: session, Seq: 8}); got.Applied != newer {
		t.Fatalf("stored %+v after report 8, want applied %+v", got.Applied, newer)
	}
	if got := sync(older, gateway.Report{Session: session, Seq: 7}); got.Applied != newer || got.Report.Seq != 8 {
		t.Errorf("stored %+v (report %+v) after the older report 7 arrived late, want report 8's %+v", got.Applied, got.Report, newer)
	}
	if s := hub.Nodes(); len(s) != 1 || s[0].Applied != newer {
		t.Errorf("the hub holds %+v after the older report, want applied %+v", s, newer)
	}
	if got := sync(older, gateway.Report{Session: "fedcba9876543210", Seq: 1}); got.Applied != older {
		t.Errorf("stored %+v after a new session's first report, want %+v", got.Applied, older)
	}
	if got := sync(newer, gateway.Report{}); got.Applied != newer {
		t.Errorf("stored %+v after an unnumbered report, want %+v", got.Applied, newer)
	}
}
