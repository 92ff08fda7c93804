package handlers_test

import (
	"context"
	"testing"

	"github.com/portico-dev/portico/store"
)

// TestUserPatchThatChangesNothingWritesNothing: a PATCH of a user that
// repeats what the user already is changes nothing, so it writes no
// user.update entry (whose before and after would be the same), as a
// repeated member PUT or gateway settings PUT writes none.
func TestUserPatchThatChangesNothingWritesNothing(t *testing.T) {
	e := newLCEnv(t)
	e.call("POST", "/api/v1/users", "admin", map[string]any{"username": "bob", "email": "bob@example.com", "display_name": "Bob"}, 201)
	entries := func() int {
		t.Helper()
		events, err := e.store.ListAudit(context.Background(), store.AuditFilter{Action: "user.update", ObjectID: "bob"})
		if err != nil {
			t.Fatal(err)
		}
		return len(events)
	}
	e.call("PATCH", "/api/v1/users/bob", "admin", map[string]any{"email": "bob@example.com", "display_name": "Bob", "org_role": "member"}, 200)
	if n := entries(); n != 0 {
		t.Errorf("a PATCH that changes nothing wrote %d user.update entries, want 0", n)
	}
	e.call("PATCH", "/api/v1/users/bob", "admin", map[string]any{"display_name": "Robert"}, 200)
	if n := entries(); n != 1 {
		t.Errorf("a PATCH that changes the display name wrote %d user.update entries, want 1", n)
	}
}
