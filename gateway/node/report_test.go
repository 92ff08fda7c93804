package node_test

import (
	"testing"
	"time"

	"github.com/portico-dev/portico/gateway/gatewaytest"
	"github.com/portico-dev/portico/gateway/push"
)

// TestNodeNumbersItsReports: every sync request of a node carries the
// next number of its session (gateway.ReportHeader), which the portal
// accepts; a node started again draws another session.
func TestNodeNumbersItsReports(t *testing.T) {
	p := startPortal(t, config(t, 1, "http://127.0.0.1:1"))
	dir := t.TempDir()
	n := startNode(t, p.srv.URL, "tok-a", dir)
	var first push.NodeStatus
	if !gatewaytest.Eventually(5*time.Second, func() bool {
		first, _ = p.status("node-a")
		return first.Report.Seq >= 2 && first.Applied == p.hub.Head()
	}) {
		t.Fatalf("the portal holds report %+v of the node, want its second or later, in sync:\n%s", first.Report, n.logs)
	}
	if len(first.Report.Session) != 16 {
		t.Errorf("session %q, want 16 hex digits", first.Report.Session)
	}
	n.stop()
	again := startNode(t, p.srv.URL, "tok-a", dir)
	var s push.NodeStatus
	if !gatewaytest.Eventually(5*time.Second, func() bool {
		s, _ = p.status("node-a")
		return s.Report.Session != first.Report.Session
	}) {
		t.Fatalf("the restarted node's report %+v, want a session other than %q:\n%s", s.Report, first.Report.Session, again.logs)
	}
	if s.Report.Seq < 1 || s.Report.Seq > first.Report.Seq+10 {
		t.Errorf("the restarted node's report %+v, want its count from 1", s.Report)
	}
}
