package agent_test

import (
	"context"
	"testing"

	"github.com/portico-dev/portico/gateway/control"
	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/policy"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestGetAPIGatewayURL: told the gateways' public base URL, get_api gives
// a published version the URL to call it at, as the JSON API does, and a
// draft none; without it, no version has one. Nor has a version whose
// major has no upstream target in force (no route on the gateway: the
// URL would answer 404), until the API is given one.
func TestGetAPIGatewayURL(t *testing.T) {
	for _, base := range []string{"https://api.example.com", ""} {
		p := newPortalAt(t, storetest.New(t), 0, 0, base)
		p.catalogFixture()
		ann := p.user("ann", policy.RoleMember, "payments", policy.RoleViewer)
		token, _ := p.token(ann)
		cs := p.mustConnect(token)
		for _, upstream := range []bool{false, true} {
			if upstream {
				ctx := context.Background()
				a, err := p.store.APIBySlug(ctx, "billing")
				if err != nil {
					t.Fatal(err)
				}
				in := lifecycle.APIInput{Slug: a.Slug, Name: a.Name, Summary: a.Summary, Tags: a.Tags, Visibility: a.Visibility,
					Upstreams: []string{"http://billing.internal:8080"}}
				if err := p.life.UpdateAPI(ctx, p.admin, a, in); err != nil {
					t.Fatal(err)
				}
			}
			var got struct {
				Versions []struct {
					Version    string `json:"version"`
					State      string `json:"state"`
					GatewayURL string `json:"gateway_url"`
				} `json:"versions"`
			}
			structured(t, cs, "get_api", map[string]any{"api": "billing"}, &got)
			var page struct {
				Versions []struct {
					Version    string `json:"version"`
					GatewayURL string `json:"gateway_url"`
				} `json:"versions"`
			}
			p.getJSON("/api/v1/apis/billing", token, &page)
			if len(got.Versions) != 2 || len(page.Versions) != 2 {
				t.Fatalf("base %q: get_api %+v, API %+v", base, got.Versions, page.Versions)
			}
			for i, v := range got.Versions {
				want := ""
				if base != "" && upstream && v.State == "published" {
					want = base + "/billing/v1/"
				}
				if v.GatewayURL != want || page.Versions[i].GatewayURL != want {
					t.Errorf("base %q, upstream %v: version %s (%s): get_api gateway_url %q, API %q, want %q", base, upstream, v.Version, v.State, v.GatewayURL, page.Versions[i].GatewayURL, want)
				}
			}
		}
	}
}

// TestGetAPIGatewayReach: beside each URL, get_api says how many gateway
// nodes serve the version's current settings, as the JSON API and the
// version's page do: none before the configuration is compiled and a
// node has applied it.
func TestGetAPIGatewayReach(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		p := newPortalAt(t, s, 0, 0, "https://api.example.com")
		p.catalogFixture()
		ann := p.user("ann", policy.RoleMember, "payments", policy.RoleViewer)
		token, _ := p.token(ann)
		cs := p.mustConnect(token)
		a, err := p.store.APIBySlug(ctx, "billing")
		if err != nil {
			t.Fatal(err)
		}
		in := lifecycle.APIInput{Slug: a.Slug, Name: a.Name, Summary: a.Summary, Tags: a.Tags, Visibility: a.Visibility,
			Upstreams: []string{"http://billing.internal:8080"}}
		if err := p.life.UpdateAPI(ctx, p.admin, a, in); err != nil {
			t.Fatal(err)
		}
		n, _, err := p.gw.Service.RegisterNode(ctx, p.admin, control.NodeInput{Name: "edge-1"})
		if err != nil {
			t.Fatal(err)
		}
		type version struct {
			State         string `json:"state"`
			GatewayURL    string `json:"gateway_url"`
			NodesServing  *int   `json:"nodes_serving"`
			NodesTotal    *int   `json:"nodes_total"`
			GatewayStatus string `json:"gateway_status"`
		}
		check := func(step string, serving int, status string) {
			t.Helper()
			var got struct {
				Versions []version `json:"versions"`
			}
			structured(t, cs, "get_api", map[string]any{"api": "billing"}, &got)
			var page struct {
				Versions []version `json:"versions"`
			}
			p.getJSON("/api/v1/apis/billing", token, &page)
			for i, v := range got.Versions {
				if v.State != "published" {
					continue
				}
				if v.GatewayURL == "" || v.NodesServing == nil || *v.NodesServing != serving || v.NodesTotal == nil || *v.NodesTotal != 1 || v.GatewayStatus != status {
					t.Errorf("%s: get_api gives %+v, want %d of 1, %q", step, v, serving, status)
				}
				if pv := page.Versions[i]; pv.NodesServing == nil || *pv.NodesServing != serving {
					t.Errorf("%s: the JSON API gives %+v, want %d of 1", step, pv, serving)
				}
			}
		}
		check("not compiled", 0, "reaching nodes: 0 of 1 serve this version's current settings")
		h, err := p.gw.Source.Publish(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RecordGatewayNodeStatus(ctx, n.ID, store.GatewayNodeStatus{AppliedVersion: int64(h.Version), AppliedHash: h.Hash}); err != nil {
			t.Fatal(err)
		}
		check("applied", 1, "served by the only node")
	})
}
