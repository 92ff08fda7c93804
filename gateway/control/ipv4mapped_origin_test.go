package control_test

import (
	"context"
	"slices"
	"testing"

	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestStoredOriginIsCompiledAsBrowsersSendIt: a deployment stored before
// ParseOrigin wrote IPv4-mapped IPv6 origins as browsers send them holds
// http://[::ffff:1.2.3.4]; its route carries http://[::ffff:102:304], the
// origin that matches (and that the nodes accept). One stored before
// ParseOrigin refused hosts ending in a hex number (http://0x7f000001,
// which a browser sends as http://127.0.0.1) matches no browser and the
// nodes refuse it: it is left out, and the route still compiled.
func TestStoredOriginIsCompiledAsBrowsersSendIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a, _ := f.publishAPI(t, "pets", []string{"http://catalog.internal/pets"}, "1.0.0")
		f.drain(t)
		d := &store.GatewayDeployment{APIID: a.ID, Major: 1, Targets: store.StringList{"http://catalog.internal/pets"},
			CORSOrigins: store.StringList{"http://[::ffff:1.2.3.4]", "http://0x7f000001", "https://app.example.com"}}
		if err := s.CreateGatewayDeployment(ctx, s.DB(), d); err != nil {
			t.Fatal(err)
		}
		if err := s.GatewayChanged(ctx, s.DB(), ""); err != nil {
			t.Fatal(err)
		}
		f.drain(t)
		r, ok := f.src.State().Route("pets/v1")
		want := []string{"http://[::ffff:102:304]", "https://app.example.com"}
		if !ok || !slices.Equal(r.CORSOrigins, want) {
			t.Errorf("route %v: origins %q, want %q", ok, r.CORSOrigins, want)
		}

		// A node that applied that compile serves the settings in force:
		// the stored origins are compared as they are compiled.
		n, _, err := f.svc.RegisterNode(ctx, f.admin, control.NodeInput{Name: "edge-1"})
		if err != nil {
			t.Fatal(err)
		}
		f.drain(t)
		h, _ := f.src.Current(ctx)
		if err := s.RecordGatewayNodeStatus(ctx, n.ID, store.GatewayNodeStatus{AppliedVersion: int64(h.Version), AppliedHash: h.Hash}); err != nil {
			t.Fatal(err)
		}
		served, err := control.ServedRoutes(ctx, s, []int64{a.ID})
		if err != nil {
			t.Fatal(err)
		}
		reaches, err := f.svc.Reaches(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := reaches.OfServed(served, a.ID, 1); got != (control.Reach{Serving: 1, Total: 1}) {
			t.Errorf("reach %+v (%s), want 1 of 1: the node applied the compile of the origins stored", got, got.Status())
		}
	})
}
