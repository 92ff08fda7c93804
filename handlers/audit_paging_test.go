package handlers_test

import (
	"fmt"
	"testing"
)

// TestAPIAuditLastPageHasNoNext: next_before is null on the last page, as
// openapi.json says, also when the last page is exactly full; walking the
// pages by next_before gives every event once.
func TestAPIAuditLastPageHasNoNext(t *testing.T) {
	e := newLCEnv(t)
	for i := range 4 {
		e.call("POST", "/api/v1/teams", "admin", map[string]any{"slug": fmt.Sprintf("team-%d", i), "name": fmt.Sprintf("Team %d", i)}, 201)
	}
	for _, limit := range []int{1, 2, 3, 4, 5} {
		seen := map[float64]bool{}
		path := fmt.Sprintf("/api/v1/audit?action=team.create&limit=%d", limit)
		pages := 0
		for {
			page := e.call("GET", path, "admin", nil, 200)
			pages++
			events, _ := page["events"].([]any)
			for _, ev := range events {
				id := ev.(map[string]any)["id"].(float64)
				if seen[id] {
					t.Errorf("limit %d: event %v twice", limit, id)
				}
				seen[id] = true
			}
			next, ok := page["next_before"].(float64)
			if !ok {
				break
			}
			if len(events) == 0 {
				t.Errorf("limit %d: page %d is empty but has next_before %v", limit, pages, next)
				break
			}
			path = fmt.Sprintf("/api/v1/audit?action=team.create&limit=%d&before=%d", limit, int64(next))
		}
		if want := (4 + limit - 1) / limit; len(seen) != 4 || pages != want {
			t.Errorf("limit %d: %d events in %d pages, want 4 in %d", limit, len(seen), pages, want)
		}
	}
}
