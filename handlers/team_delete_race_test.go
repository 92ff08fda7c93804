package handlers_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/portico-dev/portico/store"
	"github.com/portico-dev/portico/store/storetest"
)

// TestTeamRemovedMeanwhile: requests that read the team before its
// removal committed, and write a row referring to it after (a member
// added, an API or an app created in it, an API moved to it), are
// answered as they would be a moment later (the team is not found: 404,
// or the move's field error), not with an internal error (500).
func TestTeamRemovedMeanwhile(t *testing.T) {
	for _, hadApps := range []bool{false, true} {
		t.Run(map[bool]string{false: "a team that never had apps", true: "a team whose apps are removed"}[hadApps], func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) { teamRemovedMeanwhile(t, s, hadApps) })
		})
	}
}

// teamRemovedMeanwhile is TestTeamRemovedMeanwhile for a team that had
// apps, all removed (its row stays, marked removed), or never had any
// (its row is deleted).
func teamRemovedMeanwhile(t *testing.T, s *store.Store, hadApps bool) {
	{
		e := newLCEnvOn(t, s)
		ctx := context.Background()
		e.createAPI("pets", "public")
		e.call("POST", "/api/v1/teams", "admin", map[string]any{"slug": "gone", "name": "Gone"}, 201)
		if hadApps {
			e.call("POST", "/api/v1/teams/gone/apps", "admin", map[string]any{"slug": "old-app", "name": "Old app"}, 201)
			e.call("DELETE", "/api/v1/apps/old-app", "admin", nil, 204)
		}
		gone := e.team("gone")

		// The removal, half way: its rows deleted, not committed.
		tx, err := s.DB().BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if held, err := s.DeleteTeam(ctx, tx, gone, 10); err != nil || held != nil {
			t.Fatalf("delete: %v, %v", held, err)
		}
		type answer struct {
			name   string
			status int
			out    map[string]any
		}
		calls := []struct {
			name, method, path string
			body               map[string]any
			want               int
		}{
			{"add a member", "PUT", "/api/v1/teams/gone/members/dev", map[string]any{"role": "developer"}, 404},
			{"create an API", "POST", "/api/v1/apis", map[string]any{"team": "gone", "slug": "late", "name": "Late"}, 404},
			{"create an app", "POST", "/api/v1/teams/gone/apps", map[string]any{"slug": "till", "name": "Till"}, 404},
			{"move an API", "POST", "/api/v1/apis/pets/transfer", map[string]any{"team": "gone"}, 422},
		}
		answers := make(chan answer, len(calls))
		for _, c := range calls {
			go func() {
				res, out := e.api(c.method, c.path, e.tok["admin"], c.body)
				answers <- answer{c.name, res.StatusCode, out}
			}()
		}
		time.Sleep(500 * time.Millisecond) // the requests read the team, then wait for the removal
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		want := map[string]int{}
		for _, c := range calls {
			want[c.name] = c.want
		}
		for range calls {
			select {
			case a := <-answers:
				if a.status != want[a.name] || a.status == http.StatusInternalServerError {
					t.Errorf("%s in the team removed meanwhile: status %d, want %d: %v", a.name, a.status, want[a.name], a.out)
				}
			case <-time.After(15 * time.Second):
				t.Fatal("a request still waits 15 s after the removal committed")
			}
		}
		if got := e.call("GET", "/api/v1/apis/pets", "admin", nil, 200)["team"]; got != "payments" {
			t.Errorf("pets is in %v, want payments", got)
		}
		if n, err := s.DB().NewSelect().Table("team_members").Where("team_id = ?", gone.ID).Count(ctx); err != nil || n != 0 {
			t.Errorf("memberships of the removed team: %d, %v", n, err)
		}
		if n, err := s.DB().NewSelect().Table("apis").Where("team_id = ?", gone.ID).Count(ctx); err != nil || n != 0 {
			t.Errorf("APIs of the removed team: %d, %v", n, err)
		}
		if n, err := s.DB().NewSelect().Table("apps").Where("team_id = ? AND deleted_at IS NULL", gone.ID).Count(ctx); err != nil || n != 0 {
			t.Errorf("apps of the removed team not removed: %d, %v", n, err)
		}
	}
}
