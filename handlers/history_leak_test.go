package handlers_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/portico-dev/portico/lifecycle"
	"github.com/portico-dev/portico/spec/spectest"
)

// TestAPIHistoryHidesReviewsOfUnpublishedVersions: readers of a public API
// outside its team do not see the versions in review, nor their events;
// a reviewer accepting a breaking change of one is such an event.
func TestAPIHistoryHidesReviewsOfUnpublishedVersions(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("pets", "public")
	e.version("pets", "1.0.0", lifecycle.Published)
	e.call("POST", "/api/v1/apis/pets/versions", "dev", map[string]any{"version": "1.1.0", "spec": spectest.PetsBreaking}, 201)
	id := int64(e.call("POST", "/api/v1/apis/pets/versions/1.1.0/submit", "dev", nil, 201)["id"].(float64))
	detail := e.call("GET", fmt.Sprintf("/api/v1/reviews/%d?kind=change&severity=error", id), "appr", nil, 200)
	key := detail["findings"].([]any)[0].(map[string]any)["key"].(string)
	e.call("POST", fmt.Sprintf("/api/v1/reviews/%d/findings/%s/accept", id, key), "appr", map[string]any{"reason": "secret-reason-text"}, 200)

	for _, tt := range []struct {
		who  string
		want bool
	}{
		{"outsider", false},
		{"viewer", true},
	} {
		b := e.browser()
		b.login(tt.who)
		d := doc(t, b.get("/apis/pets"))
		history := d.Find(`[data-testid="api-history"]`).Text()
		if d.Find(`[data-testid="api-history"]`).Length() == 0 {
			t.Fatalf("%s: no history on the API page", tt.who)
		}
		if got := strings.Contains(history, "1.1.0") || strings.Contains(history, "secret-reason-text"); got != tt.want {
			t.Errorf("%s: history names the version in review or the reason: got %v, want %v\n%s", tt.who, got, tt.want, strings.Join(strings.Fields(history), " "))
		}
	}
}
