package node_test

import (
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway"
	"github.com/portico-dev/portico/gateway/gatewaytest"
	"github.com/portico-dev/portico/gateway/node"
	"github.com/portico-dev/portico/gateway/push"
	"github.com/portico-dev/portico/logtest"
)

// TestOversizedSnapshotIsRefused: a snapshot larger than the node accepts
// is a refusal the portal sees (the node rejecting it, saying why), not a
// portal the node cannot reach, retried as a network failure while the
// portal shows the node as merely behind.
func TestOversizedSnapshotIsRefused(t *testing.T) {
	up := startUpstream(t, "a")
	st := config(t, 1, up.URL)
	p := startPortal(t, st)
	lim := gateway.DefaultLimits
	lim.MaxBytes = int64(len(st.EncodeSnapshot())) - 1
	logs := &logtest.Buffer{}
	logger := slog.New(slog.NewJSONHandler(io.MultiWriter(logs, testWriter{t}), nil))
	n := node.New(node.Options{Portal: p.srv.URL, Token: "tok-a", DataDir: t.TempDir(), Logger: logger, Limits: lim, Wait: 3 * time.Second})
	run(t, n, logs, nil, nil)

	var s push.NodeStatus
	if !gatewaytest.Eventually(5*time.Second, func() bool {
		s, _ = p.status("node-a")
		return push.Classify(s, st.Head(), time.Now(), p.hub.UnreachableAfter()) == push.StateRejecting && s.Waiting
	}) {
		t.Fatalf("node status %+v (%s), want rejecting, its refusal held by the portal", s, push.Classify(s, st.Head(), time.Now(), p.hub.UnreachableAfter()))
	}
	if r := s.Rejected; r == nil || r.Version != st.Version() || r.Hash != st.Hash() || !r.Full {
		t.Errorf("rejected %+v, want the full state %v", s.Rejected, st.Head())
	}
	if !strings.Contains(s.LastError, "larger than the "+strconv.FormatInt(lim.MaxBytes, 10)+" bytes") {
		t.Errorf("last error %q, want the size limit named", s.LastError)
	}
	if strings.Contains(logs.String(), "portal unreachable") {
		t.Error("the refusal was logged as the portal unreachable")
	}
	if n.Current() != nil {
		t.Error("the oversized snapshot was installed")
	}
}
