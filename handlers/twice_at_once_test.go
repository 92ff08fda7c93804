package handlers_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// twiceAtOnce sends one JSON API request twice at the same time, as a
// double click or a retrying script does, and returns the two statuses in
// increasing order.
func twiceAtOnce(e *lcEnv, method, path, who string, body any) [2]int {
	var wg sync.WaitGroup
	var got [2]int
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, _ := e.api(method, path, e.tok[who], body)
			got[i] = res.StatusCode
		}()
	}
	wg.Wait()
	sort.Ints(got[:])
	return got
}

// TestMemberRemovedTwiceAtOnce: removing a member twice at once (a
// double click, a retrying script) removes them once: 204, then 404 for
// the member they no longer are, and one audit event.
func TestMemberRemovedTwiceAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newLCEnvOn(t, s)
		const rounds = 8
		for i := range rounds {
			e.call("PUT", "/api/v1/teams/search/members/dev", "outsider", map[string]any{"role": "viewer"}, 201)
			if got := twiceAtOnce(e, "DELETE", "/api/v1/teams/search/members/dev", "outsider", nil); got != [2]int{204, 404} {
				t.Errorf("round %d: removing twice at once answered %v, want [204 404]", i, got)
			}
		}
		countEvents(t, s, "team.member.remove", rounds)
	})
}

// TestMemberAddedTwiceAtOnce: adding a user to a team twice at once adds
// them once: 201, then 200 for the member they are (not a conflict), and
// one audit event.
func TestMemberAddedTwiceAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newLCEnvOn(t, s)
		const rounds = 8
		for i := range rounds {
			if got := twiceAtOnce(e, "PUT", "/api/v1/teams/search/members/dev", "outsider", map[string]any{"role": "viewer"}); got != [2]int{200, 201} {
				t.Errorf("round %d: adding twice at once answered %v, want [200 201]", i, got)
			}
			e.call("DELETE", "/api/v1/teams/search/members/dev", "outsider", nil, 204)
		}
		countEvents(t, s, "team.member.set", rounds)
	})
}

func countEvents(t *testing.T, s *store.Store, action string, want int) {
	t.Helper()
	events, err := s.ListAudit(context.Background(), store.AuditFilter{Action: action, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != want {
		t.Errorf("%d %s events, want %d", len(events), action, want)
	}
}

// TestReviewerFlagSetTwiceAtOnce: marking a member as a reviewer twice at
// once marks them once, with one audit event.
func TestReviewerFlagSetTwiceAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newLCEnvOn(t, s)
		e.call("PUT", "/api/v1/teams/search/members/dev", "outsider", map[string]any{"role": "viewer"}, 201)
		const rounds = 8
		for i := range rounds {
			for _, on := range []bool{true, false} {
				if got := twiceAtOnce(e, "PUT", "/api/v1/teams/search/members/dev", "outsider", map[string]any{"role": "viewer", "reviewer": on}); got != [2]int{200, 200} {
					t.Errorf("round %d: reviewer=%t twice at once answered %v, want [200 200]", i, on, got)
				}
			}
		}
		countEvents(t, s, "team.member.reviewer", 2*rounds)
	})
}

// TestGatewaySettingsPutTwiceAtOnce: an identical PUT of a major's gateway
// settings is a no-op, also when the two arrive at once (a double-clicked
// "Deploy", a retried PUT): one deployment (201), the other answered with
// it (200), one audit entry.
func TestGatewaySettingsPutTwiceAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newLCEnvOn(t, s)
		e.createAPI("pets", "public")
		e.version("pets", "1.0.0", lifecycle.Published)
		const rounds = 8
		for i := range rounds {
			body := map[string]any{"targets": []string{fmt.Sprintf("http://pets-%d:8080/api", i)}, "connect_timeout_ms": 300}
			if got := twiceAtOnce(e, "PUT", "/api/v1/apis/pets/gateway/1", "maint", body); got != [2]int{200, 201} {
				t.Errorf("round %d: the same settings twice at once answered %v, want [200 201]", i, got)
			}
		}
		a, err := s.APIBySlug(context.Background(), "pets")
		if err != nil {
			t.Fatal(err)
		}
		if ds, err := s.GatewayDeployments(context.Background(), a.ID, 1, 100); err != nil {
			t.Fatal(err)
		} else if len(ds) != rounds {
			t.Errorf("%d deployments, want %d", len(ds), rounds)
		}
		countEvents(t, s, "gateway.deploy", rounds)
	})
}
