package push_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
	"github.com/portico-dev/portico/gateway/push"
)

// maxWait is how long setup's hub holds a request at most: longer than a
// loaded machine takes between a test's steps, so that a request ended by
// its wait is not taken for one ended by what the test did.
const maxWait = 10 * time.Second

// hangBound bounds a test's waits for what the hub does at once: it only
// stops a test that hangs.
const hangBound = 30 * time.Second

func setup(t *testing.T) (*gatewaytest.Source, *push.Hub, []*gateway.State) {
	t.Helper()
	st, err := gatewaytest.State(1, gatewaytest.Config{APIs: 3, Keys: 10, Upstream: "http://127.0.0.1:1", RatePerMinute: 10})
	if err != nil {
		t.Fatal(err)
	}
	src := gatewaytest.NewSource(st)
	hub := push.NewHub(src, push.Options{MaxWait: maxWait})
	src.Changed = func() { hub.Refresh(context.Background()) }
	states := []*gateway.State{st}
	for i := range 3 {
		k, _ := states[len(states)-1].Key("k00000" + string(rune('0'+i)))
		c := *k
		c.State = gateway.KeyRevoked
		next, err := src.Change(gateway.Delta{Keys: gateway.Changes[gateway.Key]{Upsert: []gateway.Key{c}}})
		if err != nil {
			t.Fatal(err)
		}
		states = append(states, next)
	}
	return src, hub, states
}

func req(typ string, h gateway.Head) gateway.SyncRequest {
	return gateway.SyncRequest{Type: typ, Version: h.Version, Hash: h.Hash, WaitMS: 50}
}

// held is the outcome of a poll sent by hold.
type held struct {
	reply *push.Reply
	err   error
}

// hold sends n's poll at head to hub, to be held up to maxWait, and waits
// until the hub holds it; its outcome arrives on the channel.
func hold(t *testing.T, hub *push.Hub, n push.Node, head gateway.Head) <-chan held {
	t.Helper()
	out := make(chan held, 1)
	go func() {
		r := req(gateway.MsgPoll, head)
		r.WaitMS = 10_000
		reply, err := hub.Sync(context.Background(), n, r)
		out <- held{reply, err}
	}()
	for deadline := time.Now().Add(hangBound); ; time.Sleep(5 * time.Millisecond) {
		for _, s := range hub.Nodes() {
			if s.Name == n.Name && s.ID == n.ID && s.Waiting {
				return out
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s's request was not held within %v", n.Name, hangBound)
		}
	}
}

// wantDisconnected fails unless the held request ends with ErrDisconnected
// (not with a heartbeat when its wait ends) after what was done to end it.
func wantDisconnected(t *testing.T, h <-chan held, what string) {
	t.Helper()
	select {
	case r := <-h:
		if !errors.Is(r.err, push.ErrDisconnected) {
			t.Fatalf("the held request ended with %v after %s, want ErrDisconnected", r.err, what)
		}
	case <-time.After(hangBound):
		t.Fatalf("the request was still held %v after %s", hangBound, what)
	}
}

func TestSyncAnswers(t *testing.T) {
	src, hub, states := setup(t)
	head := states[3].Head()
	tests := []struct {
		name  string
		req   gateway.SyncRequest
		media string
	}{
		{"new node gets the full state", req(gateway.MsgHello, gateway.Head{}), gateway.MediaSnapshot},
		{"a node behind gets a delta", req(gateway.MsgHello, states[1].Head()), gateway.MediaDelta},
		{"a node in sync gets a heartbeat", req(gateway.MsgPoll, head), gateway.MediaHeartbeat},
		{"an unknown hash gets the full state", req(gateway.MsgHello, gateway.Head{Version: 2, Hash: states[0].Hash()}), gateway.MediaSnapshot},
		{"a node ahead gets the full state", req(gateway.MsgHello, gateway.Head{Version: 9, Hash: head.Hash}), gateway.MediaSnapshot},
		{"a refused delta gets the full state", func() gateway.SyncRequest {
			r := req(gateway.MsgNack, states[2].Head())
			r.Rejected = &gateway.Rejection{Version: head.Version, Hash: head.Hash, Reason: "x"}
			return r
		}(), gateway.MediaSnapshot},
		{"a refused full state waits", func() gateway.SyncRequest {
			r := req(gateway.MsgNack, states[2].Head())
			r.Rejected = &gateway.Rejection{Version: head.Version, Hash: head.Hash, Full: true, Reason: "x"}
			return r
		}(), gateway.MediaHeartbeat},
		{"a retry of a refused full state gets it", func() gateway.SyncRequest {
			r := req(gateway.MsgNack, states[2].Head())
			r.Rejected = &gateway.Rejection{Version: head.Version, Hash: head.Hash, Full: true, Reason: "x", Retry: true}
			return r
		}(), gateway.MediaSnapshot},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := hub.Sync(t.Context(), push.Node{Name: "n1"}, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if r.Media != tt.media {
				t.Fatalf("got %s, want %s", r.Media, tt.media)
			}
			switch r.Media {
			case gateway.MediaSnapshot:
				st, err := gateway.DecodeSnapshot(r.Body, gateway.DefaultLimits)
				if err != nil || st.Head() != head {
					t.Fatalf("snapshot %v %v", st, err)
				}
			case gateway.MediaDelta:
				d, err := gateway.DecodeDelta(r.Body, gateway.DefaultLimits)
				if err != nil {
					t.Fatal(err)
				}
				st, err := states[1].Apply(d)
				if err != nil || st.Head() != head {
					t.Fatalf("applied delta: %v", err)
				}
			case gateway.MediaHeartbeat:
				var h gateway.Head
				json.Unmarshal(r.Body, &h)
				if h != head {
					t.Fatalf("heartbeat %+v, want %+v", h, head)
				}
			}
		})
	}
	src.Compact(3)
	if r, _ := hub.Sync(t.Context(), push.Node{Name: "n1"}, req(gateway.MsgHello, states[0].Head())); r.Media != gateway.MediaSnapshot {
		t.Errorf("a node behind the change log got %s, want the full state", r.Media)
	}
	a, _ := hub.Sync(t.Context(), push.Node{Name: "n1"}, req(gateway.MsgHello, gateway.Head{}))
	b, _ := hub.Sync(t.Context(), push.Node{Name: "n2"}, req(gateway.MsgHello, gateway.Head{}))
	if a != b {
		t.Error("the full state is encoded again for each node")
	}
}

func TestSyncWakesOnChangeAndDisconnect(t *testing.T) {
	src, hub, states := setup(t)
	head := states[3].Head()
	got := hold(t, hub, push.Node{Name: "n1"}, head)
	k, _ := states[3].Key("k000009")
	c := *k
	c.App = "changed"
	start := time.Now()
	next, _ := src.Change(gateway.Delta{Keys: gateway.Changes[gateway.Key]{Upsert: []gateway.Key{c}}})
	// Not woken, the request would end when its wait does (maxWait),
	// with a heartbeat: the delta is the change's doing.
	select {
	case r := <-got:
		if r.err != nil || r.reply.Media != gateway.MediaDelta {
			t.Fatalf("got %v, %v after %s, want a delta at once", r.reply, r.err, time.Since(start).Round(time.Millisecond))
		}
	case <-time.After(hangBound):
		t.Fatal("a held request did not wake on a change")
	}

	h := hold(t, hub, push.Node{Name: "n1"}, next.Head())
	hub.Disconnect("n1")
	wantDisconnected(t, h, "Disconnect")
}

// TestRegistrationsOfOneName: the hub knows one registration per node
// name. A request of a newer one (the token was replaced, and the old
// one's revocation not seen yet) ends the older one's held requests and
// takes its place; a request of the older one is then refused, and
// forgetting the older one leaves the newer one as it is.
func TestRegistrationsOfOneName(t *testing.T) {
	_, hub, states := setup(t)
	head := states[3].Head()
	old, renewed := push.Node{Name: "n1", ID: 7}, push.Node{Name: "n1", ID: 8}
	h := hold(t, hub, old, head)
	if r, err := hub.Sync(t.Context(), renewed, req(gateway.MsgHello, head)); err != nil || r.Media != gateway.MediaHeartbeat {
		t.Fatalf("the new registration's hello: %v, %v; want a heartbeat", r, err)
	}
	wantDisconnected(t, h, "the new registration's hello")
	if _, err := hub.Sync(t.Context(), old, req(gateway.MsgHello, head)); !errors.Is(err, push.ErrDisconnected) {
		t.Errorf("a request of the old registration after the new one's: %v, want ErrDisconnected", err)
	}
	hub.Forget(old)
	if ns := hub.Nodes(); len(ns) != 1 || ns[0].ID != renewed.ID {
		t.Errorf("nodes after forgetting the old registration: %+v, want the new one", ns)
	}
	hub.Forget(renewed)
	if ns := hub.Nodes(); len(ns) != 0 {
		t.Errorf("nodes after forgetting the new registration: %+v, want none", ns)
	}
}

func TestNodeStatusAndClassify(t *testing.T) {
	_, hub, states := setup(t)
	head := states[3].Head()
	hub.Sync(t.Context(), push.Node{Name: "behind"}, req(gateway.MsgHello, states[1].Head()))
	hub.Sync(t.Context(), push.Node{Name: "synced"}, req(gateway.MsgPoll, head))
	r := req(gateway.MsgNack, states[2].Head())
	r.Rejected = &gateway.Rejection{Version: head.Version, Hash: head.Hash, Full: true, Reason: "disk full"}
	hub.Sync(t.Context(), push.Node{Name: "rejecting"}, r)
	want := map[string]string{"behind": push.StateBehind, "synced": push.StateInSync, "rejecting": push.StateRejecting}
	nodes := hub.Nodes()
	if len(nodes) != 3 {
		t.Fatalf("%d nodes", len(nodes))
	}
	now := time.Now()
	for _, s := range nodes {
		if got := push.Classify(s, head, now, hub.UnreachableAfter()); got != want[s.Name] {
			t.Errorf("%s: got %s, want %s", s.Name, got, want[s.Name])
		}
		if got := push.Classify(s, head, now.Add(time.Hour), hub.UnreachableAfter()); got != push.StateUnreachable {
			t.Errorf("%s an hour later: got %s, want unreachable", s.Name, got)
		}
	}
	if nodes[1].LastError != "disk full" {
		t.Errorf("last error %q", nodes[1].LastError)
	}
}

func TestHandler(t *testing.T) {
	_, hub, states := setup(t)
	srv := httptest.NewServer(hub.Handler(auth{}))
	t.Cleanup(srv.Close)
	post := func(token, body string, gz bool) *http.Response {
		r, _ := http.NewRequest(http.MethodPost, srv.URL+gateway.SyncPath, strings.NewReader(body))
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		if gz {
			r.Header.Set("Accept-Encoding", "gzip")
		}
		resp, err := http.DefaultTransport.RoundTrip(r)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	hello := `{"type":"hello","version":0,"hash":"","wait_ms":50}`
	tests := []struct {
		name, token, body string
		status            int
	}{
		{"no token", "", hello, 401},
		{"unknown token", "nope", hello, 401},
		{"not JSON", "good", "{", 400},
		// A newer node's field (nodes are upgraded before the portals): ignored.
		{"a newer node's field", "good", `{"type":"hello","version":0,"hash":"","wait_ms":50,"extra":1}`, 200},
		{"invalid", "good", `{"type":"shout"}`, 422},
		{"too large", "good", `{"type":"hello","agent":"` + strings.Repeat("x", 20_000) + `"}`, 413},
		{"hello", "good", hello, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := post(tt.token, tt.body, false)
			if resp.StatusCode != tt.status {
				b, _ := io.ReadAll(resp.Body)
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, b)
			}
			if tt.status == 401 && resp.Header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
	resp := post("good", hello, true)
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Content-Type") != gateway.MediaSnapshot {
		t.Fatalf("headers %v", resp.Header)
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(zr)
	if !bytes.Equal(body, states[3].EncodeSnapshot()) {
		t.Fatal("the gzip body is not the snapshot")
	}
}

type auth struct{}

func (auth) AuthenticateNode(_ context.Context, token string) (push.Node, error) {
	if token == "good" {
		return push.Node{Name: "node-1", ID: 1}, nil
	}
	return push.Node{}, push.ErrUnknownNode
}

// TestQuotaCounts: the hub sends the quota counts to a node that takes them
// and holds other ones, after the configuration; counts read after the
// request arrived; a node holding the current ones waits for a change.
func TestQuotaCounts(t *testing.T) {
	gatewaytest.ClearOfMidnight(t, 2*time.Minute)
	_, _, states := setup(t)
	src := gatewaytest.NewSource(states[3])
	counts := gatewaytest.NewQuotas()
	hub := push.NewHub(src, push.Options{MaxWait: maxWait, Quotas: counts})
	head := states[3].Head()
	ctx := context.Background()
	minute := time.Now().Unix() / 60 * 60
	batch := func(id string, ok int64) *gateway.UsageBatch {
		return &gateway.UsageBatch{ID: id, Points: []gateway.UsagePoint{{Minute: minute, Subscription: "sub-1", Key: "k", API: "api-0/v1", S2xx: ok, S429: 2, Latency: make([]int64, gateway.LatencyBuckets)}}}
	}
	decode := func(r *push.Reply) *gateway.Quotas {
		t.Helper()
		if r.Media != gateway.MediaQuotas {
			t.Fatalf("media %s, want quota counts", r.Media)
		}
		q, err := gateway.DecodeQuotas(r.Body)
		if err != nil {
			t.Fatal(err)
		}
		return q
	}

	counts.Add("node-a", batch("b1", 5))
	if err := hub.RefreshQuotas(ctx); err != nil {
		t.Fatal(err)
	}
	// A node that takes no counts, and one behind on the configuration.
	if r, _ := hub.Sync(ctx, push.Node{Name: "n"}, req(gateway.MsgPoll, head)); r.Media != gateway.MediaHeartbeat {
		t.Errorf("a node taking no counts got %s", r.Media)
	}
	behind := req(gateway.MsgHello, gateway.Head{})
	behind.Quotas = gateway.QuotasNone
	if r, _ := hub.Sync(ctx, push.Node{Name: "n"}, behind); r.Media != gateway.MediaSnapshot {
		t.Errorf("a node without the configuration got %s first", r.Media)
	}

	// A node with none gets them; counts added since the last refresh are
	// in them (read after the request arrived).
	counts.Add("node-b", batch("b1", 4))
	r0 := req(gateway.MsgPoll, head)
	r0.Quotas = gateway.QuotasNone
	r, err := hub.Sync(ctx, push.Node{Name: "n"}, r0)
	if err != nil {
		t.Fatal(err)
	}
	q := decode(r)
	if q.Used["sub-1"] != 9 || q.Day != minute/86400 {
		t.Fatalf("counts %+v, want 9 of sub-1 today", q)
	}

	// Holding them, the node waits; a new count wakes it.
	held := req(gateway.MsgPoll, head)
	held.Quotas, held.WaitMS = q.Revision, int(maxWait/time.Millisecond)
	done := make(chan *push.Reply, 1)
	go func() { r, _ := hub.Sync(ctx, push.Node{Name: "n"}, held); done <- r }()
	select {
	case r := <-done:
		t.Fatalf("a node holding the current counts got %s at once", r.Media)
	case <-time.After(200 * time.Millisecond):
	}
	counts.Add("node-a", batch("b2", 1))
	if err := hub.RefreshQuotas(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		if q := decode(r); q.Used["sub-1"] != 10 {
			t.Errorf("woken with %+v, want 10", q)
		}
	case <-time.After(hangBound):
		t.Fatal("new counts did not wake the held request")
	}
}

// TestHelloInSyncIsAnsweredAtOnce: a node's hello (its first request after
// it starts, or after the portal was away) is answered at once even when the
// node serves the newest state, so that the node knows it is connected again;
// its polls are held. It was held for the whole wait (25 s for a node), and
// the node's log and portal_connected metric said it was cut off meanwhile.
func TestHelloInSyncIsAnsweredAtOnce(t *testing.T) {
	_, hub, states := setup(t)
	head := states[3].Head()
	// The hub holds a request maxWait at most (setup): a held hello would
	// end with this context, before.
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	r, err := hub.Sync(ctx, push.Node{Name: "n1"}, gateway.SyncRequest{Type: gateway.MsgHello, Version: head.Version, Hash: head.Hash, WaitMS: 60000})
	if err != nil {
		t.Fatalf("hello in sync: %v (held instead of answered)", err)
	}
	if r.Media != gateway.MediaHeartbeat {
		t.Errorf("hello in sync: %s, want a heartbeat", r.Media)
	}
	// A poll in sync is held until its wait ends (here: the context).
	ctx, cancel = context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	if r, err := hub.Sync(ctx, push.Node{Name: "n1"}, gateway.SyncRequest{Type: gateway.MsgPoll, Version: head.Version, Hash: head.Hash, WaitMS: 60000}); err == nil {
		t.Errorf("poll in sync answered %s at once, want it held", r.Media)
	}
}

// TestHeldRequestsPerNodeAreBounded: one node's token cannot make the
// portal hold any number of requests (each a goroutine and a connection):
// beyond MaxHeldPerNode, the oldest are answered at once.
const maxHeldPerNode = 4 // push.MaxHeldPerNode

func TestHeldRequestsPerNodeAreBounded(t *testing.T) {
	_, hub, states := setup(t)
	head := states[3].Head()
	const n = 40
	done := make(chan string, n)
	for range n {
		go func() {
			r := req(gateway.MsgPoll, head)
			r.WaitMS = 10_000
			reply, err := hub.Sync(context.Background(), push.Node{Name: "n1"}, r)
			if err != nil {
				done <- err.Error()
				return
			}
			done <- reply.Media
		}()
	}
	answered := 0
	timeout := time.After(maxWait / 2) // before the held ones' wait ends
	for answered < n-maxHeldPerNode {
		select {
		case m := <-done:
			if m != gateway.MediaHeartbeat {
				t.Fatalf("a superseded request got %s, want a heartbeat", m)
			}
			answered++
		case <-timeout:
			t.Fatalf("%d of %d held requests of one node answered within %v; want all but %d", answered, n, maxWait/2, maxHeldPerNode)
		}
	}
	// Another node's requests are not affected.
	other := make(chan *push.Reply, 1)
	go func() {
		r := req(gateway.MsgPoll, head)
		r.WaitMS = 300
		reply, _ := hub.Sync(context.Background(), push.Node{Name: "n2"}, r)
		other <- reply
	}()
	select {
	case r := <-other:
		t.Fatalf("n2's request answered early: %s", r.Media)
	case <-time.After(200 * time.Millisecond):
	}
	<-other
}

// A Portico-Report header that is not <session>-<seq> is refused (400)
// before the node's status is touched; a node that sends none syncs.
func TestHandlerRefusesABadReportHeader(t *testing.T) {
	_, hub, states := setup(t)
	srv := httptest.NewServer(hub.Handler(gatewaytest.Tokens{"tok-a": "node-a"}))
	defer srv.Close()
	body := `{"type":"hello","version":` + "1" + `,"hash":"` + states[0].Hash() + `"}`
	for _, tt := range []struct {
		report string
		want   int
	}{
		{"", http.StatusOK},
		{"0123456789abcdef-1", http.StatusOK},
		{"0123456789abcdef-0", http.StatusBadRequest},
		{"0123456789ABCDEF-2", http.StatusBadRequest},
		{"0123-2", http.StatusBadRequest},
		{"0123456789abcdef-9223372036854775808", http.StatusBadRequest},
		{"0123456789abcdef--3", http.StatusBadRequest},
		{"0123456789abcdef", http.StatusBadRequest},
	} {
		r, _ := http.NewRequest(http.MethodPost, srv.URL+gateway.SyncPath, strings.NewReader(body))
		r.Header.Set("Authorization", "Bearer tok-a")
		if tt.report != "" {
			r.Header.Set(gateway.ReportHeader, tt.report)
		}
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s %q: %d %s, want %d", gateway.ReportHeader, tt.report, resp.StatusCode, b, tt.want)
		}
	}
}
