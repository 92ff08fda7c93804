package handlers_test

import (
	"testing"

	"github.com/portico-dev/portico/lifecycle"
)

// TestAPIUsageOfAPrivateAPI: GET /api/v1/usage?api= answers for a team-only
// API (and a public one nobody outside its team sees yet) as for a missing
// one to those who do not see it, so that its existence stays private; its
// team reads it.
func TestAPIUsageOfAPrivateAPI(t *testing.T) {
	e := newLCEnv(t)
	e.createAPI("secret", "team")
	e.version("secret", "1.0.0", lifecycle.Published)
	e.createAPI("unlisted", "public") // no published version: the team's work in progress
	tests := []struct {
		who, api string
		want     int
	}{
		{"outsider", "absent", 404},
		{"outsider", "secret", 404},
		{"outsider", "unlisted", 404},
		{"viewer", "secret", 200},
		{"maint", "unlisted", 200},
		{"admin", "secret", 200},
	}
	for _, tt := range tests {
		res, out := e.api("GET", "/api/v1/usage?api="+tt.api, e.tok[tt.who], nil)
		if got := res.StatusCode; got != tt.want {
			t.Errorf("%s reading the usage of %s: status %d, want %d: %v", tt.who, tt.api, got, tt.want, out)
		}
	}
}
