package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// A node's status is stored only over an older report: a numbered one
// (Portico-Report) by its session and seq, an unnumbered one (a node from
// before the header) by when an instance received it, whichever arrives
// at the database first. A later report is stored whatever it says (a
// lower version: the database was restored).
func TestGatewayNodeStatusKeepsTheNewestReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		n := &store.GatewayNode{Name: "edge-1", TokenHash: "hash-1", TokenPrefix: "p"}
		if err := s.CreateGatewayNode(ctx, s.DB(), n); err != nil {
			t.Fatal(err)
		}
		applied := func() int64 {
			t.Helper()
			nodes, err := s.GatewayNodes(ctx)
			if err != nil || len(nodes) != 1 {
				t.Fatalf("nodes %+v, %v", nodes, err)
			}
			return nodes[0].AppliedVersion
		}
		record := func(st store.GatewayNodeStatus) {
			t.Helper()
			if err := s.RecordGatewayNodeStatus(ctx, n.ID, st); err != nil {
				t.Fatal(err)
			}
		}
		t0 := time.Now().Add(-time.Minute)
		at := func(d time.Duration) time.Time { return t0.Add(d) }
		for i, c := range []struct {
			st   store.GatewayNodeStatus
			want int64
		}{
			{store.GatewayNodeStatus{AppliedVersion: 5, ReportedAt: at(2 * time.Second)}, 5},
			// Received before the stored one, written after it.
			{store.GatewayNodeStatus{AppliedVersion: 4, LastError: "disk full", ReportedAt: at(time.Second)}, 5},
			// Received after it: stored, a lower version too.
			{store.GatewayNodeStatus{AppliedVersion: 3, ReportedAt: at(3 * time.Second)}, 3},
			{store.GatewayNodeStatus{AppliedVersion: 6, ReportedAt: at(3 * time.Second)}, 6},
			// Numbered: by seq, whenever received.
			{store.GatewayNodeStatus{AppliedVersion: 7, ReportSession: "0123456789abcdef", ReportSeq: 2, ReportedAt: at(time.Second)}, 7},
			{store.GatewayNodeStatus{AppliedVersion: 8, ReportSession: "0123456789abcdef", ReportSeq: 1, ReportedAt: at(4 * time.Second)}, 7},
			{store.GatewayNodeStatus{AppliedVersion: 9, ReportSession: "0123456789abcdef", ReportSeq: 3, ReportedAt: at(time.Second)}, 9},
			// Unnumbered again (the node went back to an older build): by
			// time, against the numbered report's.
			{store.GatewayNodeStatus{AppliedVersion: 10, ReportedAt: at(0)}, 9},
			{store.GatewayNodeStatus{AppliedVersion: 11, ReportedAt: at(5 * time.Second)}, 11},
			// No time given: received now, after all of them.
			{store.GatewayNodeStatus{AppliedVersion: 12}, 12},
			{store.GatewayNodeStatus{AppliedVersion: 13, ReportedAt: at(6 * time.Second)}, 12},
		} {
			record(c.st)
			if got := applied(); got != c.want {
				t.Errorf("report %d (%+v): applied version %d stored, want %d", i, c.st, got, c.want)
			}
		}
	})
}
